package io.github.jimengfetcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a client may do to the HTTP port, spoken to over real loopback sockets: slow clients, floods, foreign Host names. */
class HttpLimitsTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private int port;
    private final List<Socket> sockets = new ArrayList<>();

    @Override
    protected RunningApp startApp(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>();
        port = Http.enable(settings);
        settings.putAll(extra);
        return super.startApp(settings);
    }

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Everything the server sends until it closes the connection (or the wait is over: then what came). */
    private static String readToEnd(Socket socket, Duration atMost) throws IOException {
        socket.setSoTimeout((int) atMost.toMillis());
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                answer.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException stillOpen) {
            return answer.toString(StandardCharsets.ISO_8859_1) + "<still open>";
        } catch (IOException reset) {
            // closed by the server
        }
        return answer.toString(StandardCharsets.ISO_8859_1);
    }

    /** One request on its own connection; the status line and body of the answer. */
    private String exchange(String request) throws IOException {
        Socket socket = connect();
        send(socket, request);
        return readToEnd(socket, Duration.ofSeconds(10));
    }

    private String get(String path, String host) throws IOException {
        return exchange("GET " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n") + "Connection: close\r\n\r\n");
    }

    /** Closed by the server: its end is read at once (nothing is ever sent on these). */
    private static boolean isOpen(Socket socket) throws IOException {
        socket.setSoTimeout(1);
        try {
            return socket.getInputStream().read() >= 0;
        } catch (SocketTimeoutException nothingYet) {
            return true;
        } catch (IOException reset) {
            return false;
        }
    }

    private static long closedCount(List<Socket> sockets) throws IOException {
        long closed = 0;
        for (Socket socket : sockets) {
            closed += isOpen(socket) ? 0 : 1;
        }
        return closed;
    }

    private static String statusLine(String answer) {
        return answer.lines().findFirst().orElse("");
    }

    @Test
    void aRequestWhoseHeadersTrickleIsAnswered408AndClosedAfterTheHeaderTimeout() throws Exception {
        startApp(Map.of("jimeng.http.header-timeout", "1s"));
        Socket slow = connect();
        long started = System.nanoTime();
        send(slow, "GET /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        slow.setSoTimeout(300);
        String answer = "";
        // One header line every 300 ms, as long as the server lets the connection be.
        for (int line = 0; line < 30 && answer.isEmpty(); line++) {
            try {
                send(slow, "X-Slow-" + line + ": still coming\r\n");
                int first = slow.getInputStream().read();
                answer = first < 0 ? "<closed>" : (char) first + readToEnd(slow, Duration.ofSeconds(2));
            } catch (SocketTimeoutException notYet) {
                // nothing from the server yet
            } catch (IOException closed) {
                answer = "<closed>";
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000;

        assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        assertTrue(answer.contains("jimeng.http.header-timeout"), answer);
        assertTrue(seconds < 4, "closed after about the header timeout, not " + seconds + " s");
    }

    @Test
    void theNextRequestOnAKeptAliveConnectionAndABodyThatTricklesAreTimedToo() throws Exception {
        startApp(Map.of("jimeng.http.header-timeout", "1s"));
        Socket kept = connect();
        send(kept, "GET /observe/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        kept.setSoTimeout(10_000);
        byte[] first = new byte[12];
        assertEquals(12, kept.getInputStream().readNBytes(first, 0, 12));
        assertTrue(new String(first, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 "), "the first request is answered");

        send(kept, "GET /tasks HTTP/1.1\r\n");
        String next = readToEnd(kept, Duration.ofSeconds(5));
        assertTrue(next.contains("HTTP/1.1 408 "), "the trickling second request: " + next);
        assertTrue(!next.endsWith("<still open>"), "and closed: " + next);

        Socket body = connect();
        send(body, "POST /tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\ncgt-slow-body\n");
        String cut = readToEnd(body, Duration.ofSeconds(5));
        assertTrue(!cut.endsWith("<still open>"), "a body that never completes does not hold the connection: " + cut);
        assertTrue(store().find(taskId("cgt-slow-body")).isEmpty(), "nothing half read is registered");
    }

    @Test
    void aFloodOfSlowClientsCostsTheFlooderNotTheFetcher() throws Exception {
        startApp(Map.of("jimeng.http.header-timeout", "15s", "jimeng.http.max-connections", "2100"));
        String dropped = "cgt-flood-inbox";
        api.answer(dropped, Answer.json(FakeGateway.success(dropped, api.video("flood.mp4", Videos.mp4(4_000, 3)))));

        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Socket socket = connect();
            send(socket, "GET /tasks HTTP/1.1\r\n");
            flood.add(socket);
        }
        Thread trickle = new Thread(() -> {
            try {
                for (int round = 0; round < 60 && !Thread.currentThread().isInterrupted(); round++) {
                    for (Socket socket : flood) {
                        try {
                            send(socket, "X-Round: " + round + "\r\n");
                        } catch (IOException closed) {
                            // closed by the server: the flooder's loss
                        }
                    }
                    Thread.sleep(500);
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        }, "slow-clients");
        trickle.start();
        try {
            // While 2,000 connections trickle: ids still come in through the inbox and POST /tasks, health answers at once.
            app.drop("ids.txt", dropped + "\n");
            long asked = System.nanoTime();
            HttpResponse<String> health = Http.get(port, "/observe/health");
            assertTrue(health.statusCode() == 200 || health.statusCode() == 503, health.body());
            HttpResponse<String> posted = Http.post(port, "/tasks", "text/plain", "cgt-flood-posted\n");
            assertEquals(200, posted.statusCode(), posted.body());
            assertTrue((System.nanoTime() - asked) / 1_000_000 < 3_000, "answered promptly");
            assertTrue(store().find(taskId("cgt-flood-posted")).isPresent());
            awaitResult(dropped);

            // Beyond jimeng.http.max-connections: closed as soon as accepted.
            List<Socket> extra = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                extra.add(connect());
            }
            await().atMost(Duration.ofSeconds(3)).until(() -> closedCount(extra) >= 95);
            assertTrue(closedCount(extra) <= 105, "no more than those past the limit of 2,100: " + closedCount(extra));
            assertTrue(isOpen(flood.get(0)), "all this while the flood was held");

            // The header timeout ends every slow connection: 408, closed.
            for (Socket socket : flood) {
                String answer = readToEnd(socket, Duration.ofSeconds(15));
                assertTrue(answer.startsWith("HTTP/1.1 408 ") && !answer.endsWith("<still open>"), answer);
            }
            // A new connection: the shared client's, idle since the start of the flood, was timed out with the rest.
            assertEquals(200, Http.getOnNewConnection(port, "/observe/health").statusCode(), "and the port serves as before");
        } finally {
            trickle.interrupt();
            trickle.join();
        }
    }

    @Test
    void onLoopbackAForeignHostIsRefusedOnEveryPathAndMethod() throws Exception {
        startApp(Map.of("jimeng.http.allowed-hosts", "fetcher.lan,[fd00::5]"));

        for (String path : new String[] {"/", "/tasks", "/videos/ok-1.mp4", "/observe/health", "/observe/metrics", "/nothing"}) {
            String answer = get(path, "evil.example:" + port);
            assertEquals("HTTP/1.1 403 Forbidden", statusLine(answer), path + ": " + answer);
            assertTrue(answer.contains("application/json") && answer.contains("\"reason\": \"the Host header names neither this machine"), answer);
        }
        String post = exchange("POST /tasks HTTP/1.1\r\nHost: evil.example\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
                + "Connection: close\r\n\r\ncgt-rebound\n");
        assertEquals("HTTP/1.1 403 Forbidden", statusLine(post), post);
        assertTrue(store().find(taskId("cgt-rebound")).isEmpty());
        for (String foreign : new String[] {"evil.example", "127.0.0.1.evil.example", "localhost.evil.example:80", "other.lan", "[fd00::6]"}) {
            assertEquals("HTTP/1.1 403 Forbidden", statusLine(get("/observe/health", foreign)), foreign);
        }

        for (String own : new String[] {"localhost", "localhost:" + port, "LOCALHOST:1", "127.0.0.1", "127.0.0.1:" + port, "127.1.2.3:80",
                "[::1]", "[::1]:" + port, "fetcher.lan", "FETCHER.lan:8443", "[fd00::5]:" + port}) {
            assertEquals("HTTP/1.1 200 OK", statusLine(get("/tasks", own)), own);
        }
        String noHost = exchange("GET /tasks HTTP/1.0\r\n\r\n");
        assertEquals("HTTP/1.0 200 OK", statusLine(noHost), "a program speaking HTTP/1.0 without Host: " + noHost);
    }

    @Test
    void boundBeyondLoopbackTheTokenRuleDecidesNotTheHost() throws Exception {
        String token = "tok-" + "9c2e51b7a0d4f6e3b8a1";
        startApp(Map.of("jimeng.http.host", "0.0.0.0", "jimeng.http.token", token));

        String withToken = exchange("GET /tasks HTTP/1.1\r\nHost: fetcher.example.com\r\nAuthorization: Bearer " + token
                + "\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", statusLine(withToken), withToken);
        assertEquals("HTTP/1.1 401 Unauthorized", statusLine(get("/tasks", "fetcher.example.com")));
        assertEquals("HTTP/1.1 200 OK", statusLine(get("/observe/metrics", "fetcher.example.com")));
    }

    @Test
    void aListenerThatDoesNotStartFailsTheStart() throws Exception {
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int taken = Http.enable(settings);
        Main main = JimengFetcherApplication.create();
        settings.forEach(main::addOverrideProperty);
        List<ServerSocket> other = new ArrayList<>();
        // Another program takes the port right after the start's own check of it, before Camel's server listens.
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport running) {
                try {
                    other.add(new ServerSocket(taken, 50, InetAddress.getByName("127.0.0.1")));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        try {
            Exception refused = assertThrows(Exception.class, main::run);

            String reason = JimengFetcherApplication.reason(refused);
            assertTrue(reason.startsWith("cannot listen on 127.0.0.1:" + taken), reason);
        } finally {
            for (ServerSocket socket : other) {
                socket.close();
            }
        }
        await().atMost(WAIT).until(() -> main.getCamelContext() == null || main.getCamelContext().isStopped());
    }
}
