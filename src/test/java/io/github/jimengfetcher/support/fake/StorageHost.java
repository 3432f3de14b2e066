package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * A storage host on loopback serving real bytes, that misbehaves on purpose: each video answers its
 * requests from a script of behaviours, one per request, the last one repeating. On a server of its
 * own, or under /videos/ of a {@link FakeGateway}; there it can also make up the videos of the tasks
 * the gateway knows (the benchmark's), of any size, paced per connection.
 */
public final class StorageHost implements AutoCloseable, HttpHandler {

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
        /** Like SERVE, but 3 s before the first byte: the download holds its slot for that long. */
        LATE,
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

    /** One download as this host timed it: request to last byte. */
    public record Download(String name, boolean probe, long start, long end, long bytes) {
    }

    /** A published video, its script, how many requests it answered and the bytes sent of it. */
    record Video(VideoContent content, List<Behaviour> script, AtomicInteger served, AtomicLong sent) {
    }

    /** What Ark's answers name as a video's last frame: "{video}-last.png". */
    static final String LAST_FRAME_SUFFIX = "-last.png";
    private static final VideoContent LAST_FRAME = smallPng();

    private final HttpServer server;
    private final String base;
    private final List<Request> requests;
    private PlainSocketDoor plainDoor;
    private final Map<String, Video> videos = new ConcurrentHashMap<>();
    private final Map<String, VideoContent> laterVersions = new ConcurrentHashMap<>();
    private final List<Download> downloads = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicInteger atOnce = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private volatile Predicate<String> madeUpFor = id -> false;
    private volatile long madeUpSize;
    private volatile long madeUpRate;

    public StorageHost() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "storage-host");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        requests = Collections.synchronizedList(new ArrayList<>());
    }

    /** Under /videos/ and /moved/ of another server, recording into its log (null: none). */
    StorageHost(String base, List<Request> requests) {
        this.server = null;
        this.base = base;
        this.requests = requests;
    }

    /** Publishes a video; returns its signed-looking URL. */
    public String video(String name, byte[] bytes, Behaviour... script) {
        videos.put(name, new Video(VideoContent.of(bytes), List.of(script.length == 0 ? new Behaviour[] {Behaviour.SERVE} : script),
                new AtomicInteger(), new AtomicLong()));
        return url(name);
    }

    /**
     * Publishes a video under a raw (percent-encoded) path and query, e.g. "/videos/%E8%A7%86%20a.mp4"
     * and "X-Tos-Signature=a%2Bb"; its name is the decoded last path segment. Returns its URL.
     */
    public String videoAt(String rawPath, String rawQuery, byte[] bytes, Behaviour... script) {
        String name = java.net.URI.create(rawPath).getPath();
        video(name.substring(name.lastIndexOf('/') + 1), bytes, script);
        return base + rawPath + "?" + rawQuery;
    }

    /** What SERVE_LATER_VERSION serves: the video as it is after being replaced. */
    public void laterVersion(String name, byte[] bytes) {
        laterVersions.put(name, VideoContent.of(bytes));
    }

    /**
     * Videos nobody published: "{id}.mp4" of a task the predicate knows, and "?probe=1" (sized by
     * "?size=N"), are made up, this many bytes, paced to this many bytes a second per connection (0: not).
     */
    void makeUp(long size, long rate, Predicate<String> knownTask) {
        madeUpSize = size;
        madeUpRate = rate;
        madeUpFor = knownTask;
    }

    public String url(String name) {
        Video video = videos.get(name);
        boolean plain = video != null && video.script().stream().anyMatch(b -> b == Behaviour.CLOSE_EARLY || b == Behaviour.CLOSE_AT_END);
        return (plain ? plainDoor().base() : base) + "/videos/" + name + "?X-Tos-Expires=86400&X-Tos-Signature=s";
    }

    /** Body bytes sent for this video so far, over all its requests. */
    public long bytesServed(String name) {
        return videos.get(name).sent().get();
    }

    /** Body bytes sent of every video. */
    public long bytesSent() {
        return bytesSent.get();
    }

    public List<Request> requests() {
        if (requests == null) {
            return List.of();
        }
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public List<Request> requestsFor(String name) {
        return requests().stream().filter(r -> r.path().endsWith("/" + name)).toList();
    }

    public List<Download> downloads() {
        synchronized (downloads) {
            return List.copyOf(downloads);
        }
    }

    /** The most requests this host served at the same time. */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        synchronized (this) {
            if (plainDoor != null) {
                plainDoor.close();
            }
        }
    }

    private synchronized PlainSocketDoor plainDoor() {
        if (plainDoor == null) {
            plainDoor = new PlainSocketDoor(this);
        }
        return plainDoor;
    }

    Video video(String name) {
        return videos.get(name);
    }

    void record(Request request) {
        if (requests != null) {
            requests.add(request);
        }
    }

    /** The behaviour for this request of the video, or null when there is no such video. */
    Behaviour next(Video video, String path) {
        if (video == null) {
            return null;
        }
        int n = video.served().getAndIncrement();
        return path.startsWith("/moved/") ? Behaviour.SERVE : video.script().get(Math.min(n, video.script().size() - 1));
    }

    LongConsumer counter(Video video) {
        return n -> {
            bytesSent.addAndGet(n);
            if (video != null) {
                video.sent().addAndGet(n);
            }
        };
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long start = System.currentTimeMillis();
        mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
        try (exchange) {
            Request request = Requests.read(exchange, start, false);
            record(request);
            String name = request.path().substring(request.path().lastIndexOf('/') + 1);
            Video video = videos.get(name);
            AtomicLong mine = new AtomicLong();
            LongConsumer sent = counter(video).andThen(mine::addAndGet);
            boolean probe = video == null && request.rawQuery() != null && request.rawQuery().contains("probe=1");
            if (video == null && isLastFrame(name)) {
                // Not a download the benchmark counts: a still is no video.
                Transfers.serve(exchange, LAST_FRAME, request.range(), true, n -> { }, 0, 0);
                return;
            }
            if (video == null && (probe || madeUpFor.test(name.replaceFirst("\\.mp4$", "")))) {
                long size = probe ? sizeAsked(request.rawQuery()) : madeUpSize;
                Transfers.serve(exchange, VideoContent.madeUp(size), request.range(), true, sent, 64 * 1024, madeUpRate);
            } else if (!serve(exchange, request, name, video, sent)) {
                return;
            }
            downloads.add(new Download(name, probe, start, System.currentTimeMillis(), mine.get()));
        } catch (IOException clientWentAway) {
            // the client gave up: part of some scripts
        } finally {
            atOnce.decrementAndGet();
        }
    }

    /**
     * "{video}-last.png" of a video this host serves, as Ark's answers name a last frame
     * ({@link ArkShape}): a small real PNG, so a task's last frame is saved rather than a 404.
     */
    private boolean isLastFrame(String name) {
        if (!name.endsWith(LAST_FRAME_SUFFIX)) {
            return false;
        }
        String stem = name.substring(0, name.length() - LAST_FRAME_SUFFIX.length());
        return videos.containsKey(stem + ".mp4") || madeUpFor.test(stem);
    }

    private static VideoContent smallPng() {
        java.awt.image.BufferedImage still = new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(still, "png", png);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return VideoContent.of(png.toByteArray());
    }

    private long sizeAsked(String query) {
        for (String part : query.split("&")) {
            if (part.startsWith("size=")) {
                return Long.parseLong(part.substring(5));
            }
        }
        return madeUpSize;
    }

    /** False when there is no such video. */
    private boolean serve(HttpExchange exchange, Request request, String name, Video published, LongConsumer sent) throws IOException {
        Behaviour behaviour = next(published, request.path());
        VideoContent video = behaviour == Behaviour.SERVE_LATER_VERSION ? laterVersions.get(name) : published == null ? null : published.content();
        if (video == null) {
            exchange.sendResponseHeaders(404, -1);
            return false;
        }
        String range = request.range();
        switch (behaviour) {
            case SERVE, SERVE_LATER_VERSION -> Transfers.serve(exchange, video, range, true, sent, 0, 0);
            case LATE -> {
                Transfers.pause(3_000, 0);
                Transfers.serve(exchange, video, range, true, sent, 0, 0);
            }
            case SLOW -> Transfers.serve(exchange, video, range, false, sent, 32 * 1024, 32 * 1024 * 1000 / 30);
            case CRAWL -> Transfers.serve(exchange, video, range, false, sent, 16 * 1024, 16 * 1024 * 10);
            case TRICKLE -> Transfers.trickle(exchange, video, sent);
            case SERVE_IGNORING_RANGE -> Transfers.serve(exchange, video, null, false, sent, 0, 0);
            case CLOSE_EARLY, CLOSE_AT_END -> Transfers.text(exchange, 500, "text/plain", "served on the plain socket door only");
            case CUT_SHORT -> Transfers.cutShort(exchange, video, sent);
            case STALL -> Transfers.stall(exchange, video, sent);
            case CHUNKED -> Transfers.chunked(exchange, video, sent);
            case REDIRECT -> {
                exchange.getResponseHeaders().set("Location", "/moved/videos/" + name + "?sig=2");
                exchange.sendResponseHeaders(302, -1);
            }
            case FORBIDDEN -> Transfers.text(exchange, 403, "application/xml", "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
            case NOT_FOUND -> Transfers.text(exchange, 404, "application/xml", "<Error><Code>NoSuchKey</Code></Error>");
            case HTML_PAGE -> Transfers.text(exchange, 200, "text/html", "<html><body>Service temporarily unavailable</body></html>");
            case UNAVAILABLE -> Transfers.text(exchange, 503, "text/plain", "busy");
        }
        return true;
    }
}
