package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on loopback (the JDK's) playing the API gateway and the storage host on one
 * port, answering the way docs/gateway-api.md says real gateways answer: the tests script it task by
 * task; the benchmark ({@link BenchMain}) runs it with tasks that turn ready on their own. The same
 * port also answers in other providers' shapes ({@link #newApi}, {@link #openAi}, {@link #ark},
 * {@link #kling}), each task scripted as {@link Step}s.
 */
public final class FakeGateway implements AutoCloseable {

    public static final String KEY = "sk-test-7f3a9c1e5b2d4f60";

    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
        // delayed ACK: about 40 ms per small answer.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final String baseUrl;
    private final List<Request> requests;
    private final FakeApi api;
    private final StorageHost storage;
    private final NewApiShape newApi;
    private final OpenAiShape openAi;
    private final ArkShape ark;
    private final KlingShape kling;
    private PlainApiDoor plainApi;

    /** The tests' gateway: any free port, every request recorded, the test key. */
    public FakeGateway() {
        this(0, 0, true, KEY);
    }

    /** On this port (0: any), with this many handler threads (0: as many as needed). */
    FakeGateway(int port, int threads, boolean record, String key) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pool = threads > 0 ? Executors.newFixedThreadPool(threads, FakeGateway::daemon) : Executors.newCachedThreadPool(FakeGateway::daemon);
        server.setExecutor(pool);
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
        requests = record ? Collections.synchronizedList(new ArrayList<>()) : null;
        api = new FakeApi(key, requests);
        storage = new StorageHost(baseUrl, requests);
        server.createContext(FakeApi.PATH, api);
        server.createContext("/videos/", storage);
        server.createContext("/moved/", storage);
        newApi = new NewApiShape(key, requests);
        openAi = new OpenAiShape(key, requests, storage);
        ark = new ArkShape(key, requests);
        kling = new KlingShape(key, requests);
        for (ShapedApi shape : List.of(newApi, openAi, ark, kling)) {
            shape.contexts().forEach(path -> server.createContext(path, shape));
        }
        server.start();
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "fake-gateway");
        t.setDaemon(true);
        return t;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * The base URL of the same API on a plain socket, which sends header names exactly as written
     * (this server sends "Retry-after" for "Retry-After"); one answer per connection.
     */
    public synchronized String plainApiUrl() {
        if (plainApi == null) {
            plainApi = new PlainApiDoor(api);
        }
        return plainApi.base();
    }

    /** The task answers these bodies (200, JSON) one fetch after another; the last one repeats. */
    public void statuses(String id, String... bodies) {
        api.script(id, java.util.Arrays.stream(bodies).map(Answer::json).toArray(Answer[]::new));
    }

    /** Every fetch of the task gets this answer. */
    public void answer(String id, Answer answer) {
        api.script(id, answer);
    }

    /** The task gives these answers one fetch after another; the last one repeats. */
    public void answers(String id, Answer... answers) {
        api.script(id, answers);
    }

    /** Serves a video under /videos/{name}, by the script given (SERVE when none); returns its URL. */
    public String video(String name, byte[] bytes, StorageHost.Behaviour... script) {
        return storage.video(name, bytes, script);
    }

    /** The same server as a new-api gateway's task API (GET /v1/video/generations/{id}). */
    public NewApiShape newApi() {
        return newApi;
    }

    /** The same server as OpenAI-style video tasks (GET /v1/videos/{id} and its /content). */
    public OpenAiShape openAi() {
        return openAi;
    }

    /** The same server as Volcengine Ark's task API, with its list query. */
    public ArkShape ark() {
        return ark;
    }

    /** The same server as Kling's task API (text2video, image2video). */
    public KlingShape kling() {
        return kling;
    }

    /** The storage host under /videos/ of this server. */
    public StorageHost storage() {
        return storage;
    }

    /** Answers every request to this path (a webhook, say) with this, keeping their bodies. */
    public void listen(String path, Answer answer) {
        server.createContext(path, exchange -> {
            try (exchange) {
                Request request = Requests.read(exchange, System.currentTimeMillis(), true);
                if (requests != null) {
                    requests.add(request);
                }
                answer.sendTo(exchange);
            }
        });
    }

    public List<Request> fetchesOf(String id) {
        return requestsTo(FakeApi.PATH + id);
    }

    /** Requests to this decoded path, in the order they came. */
    public List<Request> requestsTo(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Requests to the storage host (/videos/, /moved/), in the order they came. */
    public List<Request> storageRequests() {
        return requests().stream().filter(r -> r.path().startsWith("/videos/") || r.path().startsWith("/moved/")).toList();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    FakeApi api() {
        return api;
    }

    void route(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        storage.close();
        synchronized (this) {
            if (plainApi != null) {
                plainApi.close();
            }
        }
    }

    // ---- answers in the shapes met in the wild ----

    /** The provider's own example: the URL at data.data.data.data.video. */
    public static String success(String id, String videoUrl) {
        return """
                {"code":"success","message":"","data":{"task_id":"%1$s","action":"jimeng-videos","status":"SUCCESS",
                 "fail_reason":"","submit_time":1756457484,"start_time":0,"finish_time":1756457496,"progress":"100%%",
                 "data":{"code":"success","data":{"data":{"video":"%2$s","status":"SUCCESS","created_at":"2025-08-29T16:52:26.472319"},
                 "action":"jimeng-videos","status":"SUCCESS","task_id":"%1$s","platform":"jimeng","progress":"100%%",
                 "start_time":1756457496,"fail_reason":"","finish_time":1756457546,"search_item":"","submit_time":1756457484},"message":""}}}
                """.formatted(id, videoUrl);
    }

    public static String status(String id, String status, String progress) {
        return """
                {"code":"success","message":"","data":{"task_id":"%s","action":"jimeng-videos","status":"%s",
                 "fail_reason":"","submit_time":1756457484,"start_time":0,"finish_time":0,"progress":"%s","data":null}}
                """.formatted(id, status, progress);
    }

    public static String failure(String id, String reason) {
        return """
                {"code":"success","message":"","data":{"task_id":"%s","action":"jimeng-videos","status":"FAILURE",
                 "fail_reason":"%s","progress":"100%%","data":null}}
                """.formatted(id, reason);
    }

    public static final String TASK_NOT_EXIST = "{\"code\":\"task_not_exist\",\"message\":\"task_not_exist\",\"data\":null}";
}
