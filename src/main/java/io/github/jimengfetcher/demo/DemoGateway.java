package io.github.jimengfetcher.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the real API, started only when jimeng.api.base-url is empty, so a
 * newcomer can drop a file and watch a video land. It listens on loopback only.
 *
 * A task walks SUBMITTED, QUEUED and IN_PROGRESS over taskSeconds from its first
 * fetch, then succeeds with a small real MP4. Ids containing "fail" fail; ids
 * containing "missing" are unknown (HTTP 400 task_not_exist).
 */
public final class DemoGateway implements AutoCloseable {

    public static final String DEMO_KEY = "demo-key";

    private final HttpServer server;
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private final long taskMillis;
    private final byte[] video;

    private DemoGateway(long taskMillis) throws IOException {
        this.taskMillis = taskMillis;
        try (InputStream in = DemoGateway.class.getResourceAsStream("/demo/sample.mp4")) {
            this.video = in.readAllBytes();
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jimeng/fetch/", this::fetch);
        server.createContext("/videos/", this::video);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "demo-gateway");
            t.setDaemon(true);
            return t;
        }));
    }

    public static DemoGateway start(long taskMillis) throws IOException {
        DemoGateway gateway = new DemoGateway(taskMillis);
        gateway.server.start();
        return gateway;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void fetch(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestURI().getPath().substring("/jimeng/fetch/".length());
        if (!("Bearer " + DEMO_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            send(exchange, 401, "{\"error\":{\"message\":\"invalid token\",\"type\":\"new_api_error\"}}");
            return;
        }
        if (id.contains("missing")) {
            send(exchange, 400, "{\"code\":\"task_not_exist\",\"message\":\"task_not_exist\",\"data\":null}");
            return;
        }
        long elapsed = System.currentTimeMillis() - firstSeen.computeIfAbsent(id, k -> System.currentTimeMillis());
        double share = Math.min(1.0, (double) elapsed / taskMillis);
        String status;
        String failReason = "";
        String video = "";
        if (share < 0.15) {
            status = "SUBMITTED";
        } else if (share < 0.3) {
            status = "QUEUED";
        } else if (share < 1.0) {
            status = "IN_PROGRESS";
        } else if (id.contains("fail")) {
            status = "FAILURE";
            failReason = "demo: the prompt was rejected by the content policy";
        } else {
            status = "SUCCESS";
            video = baseUrl() + "/videos/" + id + ".mp4?X-Tos-Algorithm=TOS4-HMAC-SHA256&X-Tos-Expires=86400&X-Tos-Signature=demo";
        }
        String progress = status.equals("IN_PROGRESS") ? (int) (share * 100) + "%" : status.equals("SUCCESS") ? "100%" : "0%";
        String inner = "{\"code\":\"success\",\"data\":{\"data\":{\"video\":\"" + video + "\",\"status\":\"" + status
                + "\"},\"status\":\"" + status + "\",\"task_id\":\"" + id + "\",\"progress\":\"" + progress + "\"},\"message\":\"\"}";
        send(exchange, 200, "{\"code\":\"success\",\"message\":\"\",\"data\":{\"task_id\":\"" + id
                + "\",\"action\":\"jimeng-videos\",\"status\":\"" + status + "\",\"fail_reason\":\"" + failReason
                + "\",\"progress\":\"" + progress + "\",\"data\":" + (video.isEmpty() && !status.equals("SUCCESS") ? "null" : inner) + "}}");
    }

    private void video(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, video.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(video);
        }
    }

    private static void send(HttpExchange exchange, int code, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
