package io.github.jimengfetcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.Videos;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API failing in every way the reference lists: no task is lost or written off for it, and the key never leaks. */
class ApiFaultsTest extends AppTestSupport {

    private final CapturedLog log = CapturedLog.capture();

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
            app = null;
        }
        log.close();
        assertFalse(log.all().contains(FakeGateway.KEY), "the API key is never logged");
        assertKeyInNoFile();
    }

    private void assertKeyInNoFile() throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains(FakeGateway.KEY),
                        "the API key is in " + file);
            }
        }
    }

    /** The task answers these responses one after another, then SUCCESS with a video. */
    private byte[] answersThenSuccess(String id, Answer... responses) {
        byte[] video = Videos.mp4(20_000, id.hashCode());
        String url = api.video(id + ".mp4", video);
        Answer[] answers = java.util.Arrays.copyOf(responses, responses.length + 1);
        answers[responses.length] = Answer.json(FakeGateway.success(id, url));
        api.answers(id, answers);
        return video;
    }

    private void awaitResult(String id, byte[] video) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        assertEquals(video.length, Files.size(app.video(id)));
    }

    @Test
    void serverErrorsAreRetriedAndLoggedOncePerEpisode() throws Exception {
        byte[] video = answersThenSuccess("cgt-5xx",
                Answer.status(500), Answer.status(502), Answer.status(503),
                Answer.status(503), Answer.status(503));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-5xx");

        awaitResult("cgt-5xx", video);
        assertEquals(6, api.fetchesOf("cgt-5xx").size());
        assertEquals(0, app.filesIn("failed"));
        assertEquals(3, log.count("API fault: HTTP 50"), log.all());
        assertEquals(1, log.count("API answering again"), log.all());
        // Backoff: the gaps between failed attempts grow.
        List<Request> fetches = api.fetchesOf("cgt-5xx");
        long firstGap = fetches.get(3).at() - fetches.get(2).at();
        long laterGap = fetches.get(5).at() - fetches.get(4).at();
        assertTrue(laterGap >= 150 && firstGap >= 50, "backoff gaps " + firstGap + " then " + laterGap);
    }

    @Test
    void networkFaultsAndUnreadableAnswersAreRetried() throws Exception {
        byte[] video = answersThenSuccess("cgt-flaky",
                Answer.cutOff(),
                Answer.noAnswer(),
                Answer.json("<html>502 Bad Gateway</html>"),
                Answer.status(200).body("{\"code\":\"succ"),
                Answer.status(200).body(FakeGateway.status("cgt-flaky", "IN_PROGRESS", "1%")).delay(3_000));
        startApp(Map.of("jimeng.api.read-timeout", "700ms"));

        app.drop("ids.txt", "cgt-flaky");

        awaitResult("cgt-flaky", video);
        assertEquals(0, app.filesIn("failed"));
        assertTrue(log.count("unreadable answer") >= 1, log.all());
        assertTrue(log.count("API timed out") >= 1, log.all());
    }

    @Test
    void anUnreachableApiKeepsTasksPendingAndIsLoggedOnce() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        startApp(Map.of("jimeng.api.base-url", "http://127.0.0.1:" + closedPort));

        app.drop("ids.txt", "cgt-waiting-1\ncgt-waiting-2\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> store().find(taskId("cgt-waiting-1")).map(t -> t.faultStreak >= 4).orElse(false));
        assertEquals(2, store().pendingCount());
        assertEquals(0, app.filesIn("failed"));
        assertEquals(1, log.count("API fault: API unreachable"), log.all());
        assertTrue(store().find(taskId("cgt-waiting-1")).orElseThrow().lastError.contains("unreachable"));
    }

    @Test
    void rateLimitingHoldsEveryFetchUntilRetryAfter() throws Exception {
        byte[] limited = answersThenSuccess("cgt-limited", Answer.status(429).header("Retry-After", "2"));
        api.answer("cgt-bystander", Answer.json(FakeGateway.status("cgt-bystander", "IN_PROGRESS", "5%")));
        // "Retry-After" as HTTP/1.1 gateways spell it.
        startApp(Map.of("jimeng.api.base-url", api.plainApiUrl()));

        app.drop("ids.txt", "cgt-limited\ncgt-bystander\n");

        awaitResult("cgt-limited", limited);
        List<Request> fetches = api.fetchesOf("cgt-limited");
        long limitedAt = fetches.get(0).at();
        assertTrue(fetches.get(1).at() - limitedAt >= 2_000, "no request before Retry-After: " + (fetches.get(1).at() - limitedAt) + " ms");
        for (Request other : api.fetchesOf("cgt-bystander")) {
            long at = other.at();
            assertFalse(at > limitedAt + 50 && at < limitedAt + 1_950, "the whole loop waits: a fetch came " + (at - limitedAt) + " ms after the 429");
        }
        // The pause is logged once; the fetch pace says once that it slowed down (FetchPace).
        assertEquals(1, log.count("API rate limit (HTTP 429)"), log.all());
        assertTrue(log.count("Fetch pace slowed") <= 1, log.all());
    }

    @Test
    void aRefusedKeyWritesNoTaskOffAndTasksCompleteOnceTheKeyIsFixed() throws Exception {
        String id = "cgt-key";
        byte[] video = Videos.mp4(20_000, 99);
        String url = api.video("key.mp4", video);
        // The fake gateway answers 401 to any other key, as gateways do.
        api.answer(id, Answer.json(FakeGateway.success(id, url)));
        Map<String, String> wrongKey = Map.of("jimeng.api.key", "sk-wrong-key-1234", "jimeng.fetch.task-timeout", "1s");
        startApp(wrongKey);

        app.drop("ids.txt", id);

        await().atMost(Duration.ofSeconds(20)).until(() -> api.fetchesOf(id).size() >= 4);
        assertEquals(0, app.filesIn("failed"), "a refused key is not the task's failure, even past its timeout");
        assertEquals(1, store().pendingCount());
        assertEquals(1, log.count("refused the key"), log.all());
        assertFalse(log.all().contains("sk-wrong-key-1234"));
        startApp(Map.of());
        awaitResult(id, video);
    }

    private static Answer forbidden(String message) {
        return Answer.status(403).header("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"" + message + "\",\"type\":\"new_api_error\"}}");
    }

    private ApiHealth apiHealth() {
        return app.context().getRegistry().lookupByNameAndType("apiHealth", ApiHealth.class);
    }

    @Test
    void aTaskRefusedWith403WhileOthersAreAnsweredFailsAsForbidden() throws Exception {
        String refused = "cgt-403-mine";
        api.answer(refused, forbidden("task belongs to another channel"));
        String other = "cgt-403-other";
        byte[] video = Videos.mp4(20_000, 403);
        String[] answers = new String[9];
        java.util.Arrays.fill(answers, FakeGateway.status(other, "IN_PROGRESS", "40%"));
        answers[8] = FakeGateway.success(other, api.video("other.mp4", video));
        api.statuses(other, answers);
        startApp(Map.of("jimeng.fetch.interval", "100ms"));

        app.drop("ids.txt", refused + "\n" + other + "\n");

        JsonNode failure = awaitFailure(refused);
        assertEquals("forbidden", failure.path("reason_class").asText());
        assertTrue(failure.path("reason").asText().contains("HTTP 403") && failure.path("reason").asText().contains("task belongs to another channel"),
                failure.toString());
        // Three refusals in a row while the API answered the other task (one more when none came between).
        int fetches = api.fetchesOf(refused).size();
        assertTrue(fetches >= 3 && fetches <= 4, fetches + " fetches");
        awaitResult(other, video);
        assertEquals(0, log.count("refused the key"), "one task's 403 is not a refused key: " + log.all());
        assertFalse(apiHealth().isKeyRefused());
    }

    @Test
    void a403ForEveryTaskIsARefusedKeyAndWritesNothingOff() throws Exception {
        List<String> ids = List.of("cgt-banned-1", "cgt-banned-2", "cgt-banned-3");
        ids.forEach(id -> api.answer(id, forbidden("account banned")));
        startApp(Map.of("jimeng.fetch.task-timeout", "1s"));

        app.drop("ids.txt", String.join("\n", ids) + "\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> api.fetchesOf(id).size() >= 4));
        assertTrue(apiHealth().isKeyRefused());
        assertEquals(0, app.filesIn("failed"), "a refused key is not the tasks' failure, even past their timeout");
        assertEquals(3, store().pendingCount());
        assertEquals(1, log.count("refused the key"), log.all());
    }

    @Test
    void anUntrustedTlsCertificateWritesNothingOffAndSaysWhatIsWrong() throws Exception {
        String id = "cgt-tls";
        byte[] video = Videos.mp4(20_000, 21);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("tls.mp4", video))));
        Path keys = Files.createTempDirectory("untrusted-tls");
        SSLServerSocket tls = untrustedTls(keys);
        try {
            startApp(Map.of("jimeng.api.base-url", "https://127.0.0.1:" + tls.getLocalPort(), "jimeng.fetch.task-timeout", "1s"));
            app.drop("ids.txt", id);
            await().atMost(Duration.ofSeconds(20)).until(() -> store().find(taskId(id)).map(t -> t.faultStreak >= 3).orElse(false));
            assertEquals(1, log.count("TLS with the API failed"), log.all());
            assertTrue(store().find(taskId(id)).orElseThrow().lastError.contains("certificate is not trusted"));
            assertEquals(0, app.filesIn("failed"), "a TLS fault is not the task's failure, even past its timeout");
        } finally {
            tls.close();
            try (Stream<Path> files = Files.list(keys)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(keys);
        }
        startApp(Map.of());
        awaitResult(id, video);
    }

    /** A TLS listener on loopback with a self-signed certificate, made by the JDK's keytool, that nobody trusts. */
    private static SSLServerSocket untrustedTls(Path folder) throws Exception {
        Path store = folder.resolve("untrusted.p12");
        char[] password = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-alias", "untrusted", "-dname", "CN=127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertEquals(0, keytool.waitFor(), "keytool made the certificate");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (SSLSocket connection = (SSLSocket) server.accept()) {
                    connection.startHandshake();
                } catch (IOException refusedOrClosed) {
                    // the client refuses the certificate: what this server is for
                }
            }
        }, "untrusted-tls");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    @Test
    void aTaskWhoseAnswersAreNeverUsableStillTimesOutWhileOtherTasksAreAnswered() throws Exception {
        String broken = "cgt-never-json";
        String fine = "cgt-answered";
        api.answer(broken, Answer.status(200).header("Content-Type", "application/json").body("<html>busy</html>"));
        api.answer(fine, Answer.json(FakeGateway.status(fine, "IN_PROGRESS", "10%")));
        startApp(Map.of("jimeng.fetch.task-timeout", "2s"));

        app.drop("ids.txt", broken + "\n" + fine + "\n");

        JsonNode failure = JSON.readTree(await().atMost(Duration.ofSeconds(20)).until(() -> app.failure(broken), Files::exists).toFile());
        assertEquals("timed_out", failure.path("reason_class").asText(), failure.toString());
    }
}
