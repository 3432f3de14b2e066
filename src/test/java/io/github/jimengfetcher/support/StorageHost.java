package io.github.jimengfetcher.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
        SLOW,
        /** Like SLOW, but about 160 KB/s: many downloads stay in flight for long at little cost. */
        CRAWL,
        /** Content-Length of the whole, 64 KB at once, then 100 bytes every 100 ms: never silent, hardly moving. */
        TRICKLE,
        /** Like SERVE, but the video's later version (see {@link #laterVersion}): the object was replaced. */
        SERVE_LATER_VERSION,
        /**
         * HTTP/1.0 style: 200 without Content-Length, the body ends when the connection closes, here
         * after half the video. Served on a plain socket (the JDK server always frames its bodies).
         */
        CLOSE_EARLY,
        /** Like CLOSE_EARLY, but the whole video before the close. */
        CLOSE_AT_END
    }

    /**
     * One request as it arrived: the decoded path, and the raw path and query exactly as on the wire.
     */
    public record Request(String path, String range, String authorization, String rawPath, String rawQuery) {
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final PlainSocketDoor plainDoor;
    private final Map<String, byte[]> videos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> laterVersions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> bytesServed = new ConcurrentHashMap<>();
    private final Map<String, List<Behaviour>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private final AtomicInteger atOnce = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    public StorageHost() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "storage-host");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        plainDoor = new PlainSocketDoor();
    }

    /** Publishes a video; returns its signed-looking URL. */
    public String video(String name, byte[] bytes, Behaviour... script) {
        videos.put(name, bytes);
        scripts.put(name, List.of(script.length == 0 ? new Behaviour[] {Behaviour.SERVE} : script));
        served.put(name, new AtomicInteger());
        bytesServed.put(name, new AtomicLong());
        return url(name);
    }

    /**
     * Publishes a video under a raw (percent-encoded) path and query, e.g. "/videos/%E8%A7%86%20a.mp4"
     * and "X-Tos-Signature=a%2Bb"; its name is the decoded last path segment. Returns its URL.
     */
    public String videoAt(String rawPath, String rawQuery, byte[] bytes, Behaviour... script) {
        String name = java.net.URI.create(rawPath).getPath();
        video(name.substring(name.lastIndexOf('/') + 1), bytes, script);
        return "http://127.0.0.1:" + server.getAddress().getPort() + rawPath + "?" + rawQuery;
    }

    /** What SERVE_LATER_VERSION serves: the video as it is after being replaced. */
    public void laterVersion(String name, byte[] bytes) {
        laterVersions.put(name, bytes);
    }

    public String url(String name) {
        boolean plain = scripts.getOrDefault(name, List.of()).stream()
                .anyMatch(b -> b == Behaviour.CLOSE_EARLY || b == Behaviour.CLOSE_AT_END);
        int port = plain ? plainDoor.port() : server.getAddress().getPort();
        return "http://127.0.0.1:" + port + "/videos/" + name + "?X-Tos-Expires=86400&X-Tos-Signature=s";
    }

    /** Body bytes sent for this video so far, over all its requests. */
    public long bytesServed(String name) {
        return bytesServed.get(name).get();
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
        plainDoor.close();
    }

    /** The behaviour for this request of the video, or null when there is no such video. */
    private Behaviour next(String name, String path) {
        if (!videos.containsKey(name)) {
            return null;
        }
        List<Behaviour> script = scripts.get(name);
        int n = served.get(name).getAndIncrement();
        return path.startsWith("/moved/") ? Behaviour.SERVE : script.get(Math.min(n, script.size() - 1));
    }

    /** The most requests this host served at the same time. */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = atOnce.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        try {
            serveRequest(exchange);
        } finally {
            atOnce.decrementAndGet();
        }
    }

    private void serveRequest(HttpExchange exchange) throws IOException {
        java.net.URI uri = exchange.getRequestURI();
        String path = uri.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        String range = exchange.getRequestHeaders().getFirst("Range");
        requests.add(new Request(path, range, exchange.getRequestHeaders().getFirst("Authorization"), uri.getRawPath(), uri.getRawQuery()));
        Behaviour behaviour = next(name, path);
        byte[] video = behaviour == Behaviour.SERVE_LATER_VERSION ? laterVersions.get(name) : videos.get(name);
        if (video == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        AtomicLong sent = bytesServed.get(name);
        try (exchange) {
            switch (behaviour) {
                case SERVE, SERVE_LATER_VERSION -> serve(exchange, video, range, true, sent);
                case SLOW -> serveSlowly(exchange, video, range, sent, 32 * 1024, 30);
                case CRAWL -> serveSlowly(exchange, video, range, sent, 16 * 1024, 100);
                case TRICKLE -> trickle(exchange, video, sent);
                case SERVE_IGNORING_RANGE -> serve(exchange, video, null, false, sent);
                case CLOSE_EARLY, CLOSE_AT_END -> text(exchange, 500, "text/plain", "served on the plain socket door only");
                case CUT_SHORT -> {
                    exchange.getResponseHeaders().set("Content-Type", "video/mp4");
                    exchange.sendResponseHeaders(200, video.length);
                    OutputStream out = exchange.getResponseBody();
                    out.write(video, 0, video.length / 2);
                    out.flush();
                    sent.addAndGet(video.length / 2);
                    // Closing without the rest: the client sees fewer bytes than Content-Length.
                }
                case STALL -> {
                    exchange.getResponseHeaders().set("Content-Type", "video/mp4");
                    exchange.sendResponseHeaders(200, video.length);
                    OutputStream out = exchange.getResponseBody();
                    out.write(video, 0, video.length / 2);
                    out.flush();
                    sent.addAndGet(video.length / 2);
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
                        sent.addAndGet(video.length);
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

    private static void serve(HttpExchange exchange, byte[] video, String range, boolean rangeSupported, AtomicLong sent)
            throws IOException {
        int from = rangeSupported ? rangeStart(range) : 0;
        if (from >= video.length) {
            unsatisfiable(exchange, video);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        if (rangeSupported) {
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        }
        if (from > 0) {
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (video.length - 1) + "/" + video.length);
            exchange.sendResponseHeaders(206, video.length - from);
        } else {
            exchange.sendResponseHeaders(200, video.length);
        }
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(video, from, video.length - from);
            sent.addAndGet(video.length - from);
        }
    }

    /** A Range from the end of the video or beyond, answered as S3 and TOS do. */
    private static void unsatisfiable(HttpExchange exchange, byte[] video) throws IOException {
        exchange.getResponseHeaders().set("Content-Range", "bytes */" + video.length);
        text(exchange, 416, "application/xml", "<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>");
    }

    private static int rangeStart(String range) {
        Matcher m = range == null ? null : RANGE.matcher(range);
        return m != null && m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static void serveSlowly(HttpExchange exchange, byte[] video, String range, AtomicLong sent, int step, long pauseMillis)
            throws IOException {
        int from = rangeStart(range);
        if (from >= video.length) {
            unsatisfiable(exchange, video);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        if (from > 0) {
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (video.length - 1) + "/" + video.length);
            exchange.sendResponseHeaders(206, video.length - from);
        } else {
            exchange.sendResponseHeaders(200, video.length);
        }
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = from; i < video.length; i += step) {
                int n = Math.min(step, video.length - i);
                out.write(video, i, n);
                out.flush();
                sent.addAndGet(n);
                if (!pause(pauseMillis)) {
                    return;
                }
            }
        }
    }

    /** The whole video announced and started, then 100 bytes every 100 ms, until the client gives up. */
    private static void trickle(HttpExchange exchange, byte[] video, AtomicLong sent) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, video.length);
        OutputStream out = exchange.getResponseBody();
        int first = Math.min(64 * 1024, video.length);
        out.write(video, 0, first);
        out.flush();
        sent.addAndGet(first);
        for (int i = first; i < video.length && pause(100); i += 100) {
            int n = Math.min(100, video.length - i);
            out.write(video, i, n);
            out.flush();
            sent.addAndGet(n);
        }
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void text(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /**
     * A second listener on a plain socket, for the answers the JDK server cannot give: a body
     * without Content-Length or chunks, ended by closing the connection (HTTP/1.0 style).
     * Videos whose script holds CLOSE_EARLY or CLOSE_AT_END get their URL here; SERVE works here too.
     */
    private final class PlainSocketDoor implements AutoCloseable {
        private final ServerSocket socket;

        PlainSocketDoor() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "storage-host-plain");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    Thread t = new Thread(() -> answer(connection), "storage-host-plain-answer");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void answer(Socket connection) {
            try (connection) {
                InputStream in = connection.getInputStream();
                String head = readHead(in);
                String[] lines = head.split("\r\n");
                java.net.URI uri = java.net.URI.create(lines[0].split(" ")[1]);
                String range = null;
                String authorization = null;
                for (String line : lines) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("Range")) {
                        range = line.substring(colon + 1).strip();
                    } else if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("Authorization")) {
                        authorization = line.substring(colon + 1).strip();
                    }
                }
                String path = uri.getPath();
                String name = path.substring(path.lastIndexOf('/') + 1);
                requests.add(new Request(path, range, authorization, uri.getRawPath(), uri.getRawQuery()));
                Behaviour behaviour = next(name, path);
                OutputStream out = connection.getOutputStream();
                if (behaviour == null) {
                    out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                byte[] video = videos.get(name);
                int from = behaviour == Behaviour.SERVE ? rangeStart(range) : 0;
                int to = behaviour == Behaviour.CLOSE_EARLY ? video.length / 2 : video.length;
                String status;
                if (from >= video.length) {
                    status = "416 Range Not Satisfiable\r\nContent-Range: bytes */" + video.length + "\r\nContent-Length: 0";
                    to = from;
                } else if (behaviour != Behaviour.SERVE) {
                    status = "200 OK"; // no length: the close ends the body
                } else if (from > 0) {
                    status = "206 Partial Content\r\nContent-Range: bytes " + from + "-" + (video.length - 1) + "/" + video.length
                            + "\r\nContent-Length: " + (video.length - from);
                } else {
                    status = "200 OK\r\nContent-Length: " + video.length;
                }
                out.write(("HTTP/1.1 " + status + "\r\nContent-Type: video/mp4\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(video, from, Math.max(0, to - from));
                out.flush();
                bytesServed.get(name).addAndGet(Math.max(0, to - from));
            } catch (IOException | RuntimeException clientWentAway) {
                // the client gave up, or sent something this door does not read
            }
        }

        private String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                head.append((char) c);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
