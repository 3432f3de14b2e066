package io.github.jimengfetcher.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A storage host on loopback that misbehaves on purpose: each video answers its
 * requests from a script of behaviours, one per request, the last one repeating.
 */
public final class StorageHost implements AutoCloseable {

    public enum Behaviour {
        /** 200 with Content-Length, honouring Range with 206. */
        SERVE,
        /** 200 with the whole video, ignoring any Range header. */
        SERVE_IGNORING_RANGE,
        /** Content-Length of the whole, then only the first half, then the connection closes. */
        CUT_SHORT,
        /** Half the bytes, then silence until the client gives up. */
        STALL,
        /** Chunked transfer, no Content-Length. */
        CHUNKED,
        /** 302 to the same video under /moved/. */
        REDIRECT,
        /** 403, as for an expired signature. */
        FORBIDDEN,
        /** 404. */
        NOT_FOUND,
        /** 200 with an HTML error page. */
        HTML_PAGE,
        /** 503. */
        UNAVAILABLE,
        /** Like SERVE, but about 1 MB/s, so a download is in flight for a while. */
        SLOW
    }

    public record Request(String path, String range, String authorization) {
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, byte[]> videos = new ConcurrentHashMap<>();
    private final Map<String, List<Behaviour>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public StorageHost() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "storage-host");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** Publishes a video; returns its signed-looking URL. */
    public String video(String name, byte[] bytes, Behaviour... script) {
        videos.put(name, bytes);
        scripts.put(name, List.of(script.length == 0 ? new Behaviour[] {Behaviour.SERVE} : script));
        served.put(name, new AtomicInteger());
        return url(name);
    }

    public String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/videos/" + name + "?X-Tos-Expires=86400&X-Tos-Signature=s";
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requestsFor(String name) {
        return requests.stream().filter(r -> r.path().endsWith("/" + name)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        String range = exchange.getRequestHeaders().getFirst("Range");
        requests.add(new Request(path, range, exchange.getRequestHeaders().getFirst("Authorization")));
        byte[] video = videos.get(name);
        if (video == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        List<Behaviour> script = scripts.get(name);
        int n = served.get(name).getAndIncrement();
        Behaviour behaviour = path.startsWith("/moved/") ? Behaviour.SERVE : script.get(Math.min(n, script.size() - 1));
        try (exchange) {
            switch (behaviour) {
                case SERVE -> serve(exchange, video, range, true);
                case SLOW -> serveSlowly(exchange, video, range);
                case SERVE_IGNORING_RANGE -> serve(exchange, video, null, false);
                case CUT_SHORT -> {
                    exchange.getResponseHeaders().set("Content-Type", "video/mp4");
                    exchange.sendResponseHeaders(200, video.length);
                    OutputStream out = exchange.getResponseBody();
                    out.write(video, 0, video.length / 2);
                    out.flush();
                    // Closing without the rest: the client sees fewer bytes than Content-Length.
                }
                case STALL -> {
                    exchange.getResponseHeaders().set("Content-Type", "video/mp4");
                    exchange.sendResponseHeaders(200, video.length);
                    OutputStream out = exchange.getResponseBody();
                    out.write(video, 0, video.length / 2);
                    out.flush();
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case CHUNKED -> {
                    exchange.getResponseHeaders().set("Content-Type", "video/mp4");
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int i = 0; i < video.length; i += 4096) {
                            out.write(video, i, Math.min(4096, video.length - i));
                        }
                    }
                }
                case REDIRECT -> {
                    exchange.getResponseHeaders().set("Location", "/moved/videos/" + name + "?sig=2");
                    exchange.sendResponseHeaders(302, -1);
                }
                case FORBIDDEN -> text(exchange, 403, "application/xml", "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
                case NOT_FOUND -> text(exchange, 404, "application/xml", "<Error><Code>NoSuchKey</Code></Error>");
                case HTML_PAGE -> text(exchange, 200, "text/html", "<html><body>Service temporarily unavailable</body></html>");
                case UNAVAILABLE -> text(exchange, 503, "text/plain", "busy");
            }
        } catch (IOException clientWentAway) {
            // the client gave up: part of some scripts
        }
    }

    private static void serve(HttpExchange exchange, byte[] video, String range, boolean rangeSupported) throws IOException {
        int from = rangeStart(range);
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        if (rangeSupported) {
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        }
        if (from > 0 && rangeSupported) {
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (video.length - 1) + "/" + video.length);
            exchange.sendResponseHeaders(206, video.length - from);
        } else {
            from = 0;
            exchange.sendResponseHeaders(200, video.length);
        }
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(video, from, video.length - from);
        }
    }

    private static int rangeStart(String range) {
        Matcher m = range == null ? null : RANGE.matcher(range);
        return m != null && m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static void serveSlowly(HttpExchange exchange, byte[] video, String range) throws IOException {
        int from = rangeStart(range);
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        if (from > 0) {
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (video.length - 1) + "/" + video.length);
            exchange.sendResponseHeaders(206, video.length - from);
        } else {
            exchange.sendResponseHeaders(200, video.length);
        }
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = from; i < video.length; i += 32 * 1024) {
                out.write(video, i, Math.min(32 * 1024, video.length - i));
                out.flush();
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void text(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
