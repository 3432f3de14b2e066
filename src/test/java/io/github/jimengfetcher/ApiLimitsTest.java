package io.github.jimengfetcher;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limits of every API request: an overall deadline, a largest answer, redirects explained, a capped rate-limit pause. */
class ApiLimitsTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final CapturedLog log = CapturedLog.capture();
    private HttpServer slowApi;

    @AfterEach
    void stopSlowApi() {
        if (app != null) {
            try {
                app.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            app = null;
        }
        if (slowApi != null) {
            slowApi.stop(0);
        }
        log.close();
        assertFalse(log.all().contains(FakeGateway.KEY), "the API key is never logged");
    }

    /** A loopback API whose first answers for any task come from {@code first}, the later ones are SUCCESS with this video URL. */
    private String slowApi(String videoUrl, List<Answer> first) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        slowApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slowApi.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "slow-api");
            thread.setDaemon(true);
            return thread;
        }));
        slowApi.createContext("/jimeng/fetch/", exchange -> {
            String id = exchange.getRequestURI().getPath().substring("/jimeng/fetch/".length());
            int call = calls.getAndIncrement();
            try (exchange) {
                if (call < first.size()) {
                    first.get(call).answer(exchange);
                } else {
                    byte[] body = FakeGateway.success(id, videoUrl).getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            } catch (IOException cutOff) {
                // the client hung up: what the limits are for
            }
        });
        slowApi.start();
        return "http://127.0.0.1:" + slowApi.getAddress().getPort();
    }

    interface Answer {
        void answer(HttpExchange exchange) throws IOException;
    }

    /** Headers at once, then a JSON answer one byte every 500 ms, for a minute. */
    private static Answer trickling(List<Long> cutAt, long[] startedAt) {
        return exchange -> {
            startedAt[0] = System.currentTimeMillis();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            byte[] body = "{\"code\":\"success\",\"data\":{\"status\":\"IN_PROGRESS\",\"progress\":\"1%\",\"padding\":\"".getBytes(StandardCharsets.UTF_8);
            long end = System.currentTimeMillis() + 60_000;
            try {
                for (int i = 0; System.currentTimeMillis() < end; i++) {
                    out.write(i < body.length ? body[i] : 'x');
                    out.flush();
                    Thread.sleep(500);
                }
            } catch (IOException e) {
                cutAt.add(System.currentTimeMillis());
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    void aTricklingAnswerIsCutAtTheRequestTimeoutAndTheTaskRetried() throws Exception {
        byte[] video = Videos.mp4(20_000, 7);
        List<Long> cutAt = new CopyOnWriteArrayList<>();
        long[] startedAt = new long[1];
        String base = slowApi(api.video("trickle.mp4", video), List.of(trickling(cutAt, startedAt)));
        startApp(Map.of("jimeng.api.base-url", base, "jimeng.api.request-timeout", "2s"));

        app.drop("ids.txt", "cgt-trickle");

        await().atMost(WAIT).until(() -> Files.exists(app.result("cgt-trickle")));
        assertEquals(video.length, Files.size(app.video("cgt-trickle")));
        assertEquals(0, app.filesIn("failed"));
        assertEquals(1, log.count("API fault: no complete answer from the API within jimeng.api.request-timeout"), log.all());
        await().atMost(Duration.ofSeconds(5)).until(() -> !cutAt.isEmpty());
        long heldFor = cutAt.get(0) - startedAt[0];
        assertTrue(heldFor >= 1_500 && heldFor < 8_000, "the trickling request was cut after " + heldFor + " ms");
    }

    /** 5 MB of JSON-looking padding, 64 KB at a time; records whether the client took it all. */
    private static Answer huge(boolean withLength, AtomicBoolean sentWhole, AtomicBoolean cutOff) {
        return exchange -> {
            int total = 5 * 1024 * 1024;
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, withLength ? total : 0);
            OutputStream out = exchange.getResponseBody();
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '{';
            try {
                for (int sent = 0; sent < total; sent += chunk.length) {
                    out.write(chunk);
                    out.flush();
                    chunk[0] = ' ';
                    Thread.sleep(20);
                }
                sentWhole.set(true);
            } catch (IOException e) {
                cutOff.set(true);
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    void aHugeAnswerIsRefusedUnreadAndTheTaskStaysPendingUntilANormalAnswer() throws Exception {
        byte[] video = Videos.mp4(20_000, 8);
        AtomicBoolean chunkedSentWhole = new AtomicBoolean();
        AtomicBoolean chunkedCutOff = new AtomicBoolean();
        AtomicBoolean lengthSentWhole = new AtomicBoolean();
        AtomicBoolean lengthCutOff = new AtomicBoolean();
        String base = slowApi(api.video("huge.mp4", video), List.of(
                huge(false, chunkedSentWhole, chunkedCutOff),
                huge(true, lengthSentWhole, lengthCutOff)));
        startApp(Map.of("jimeng.api.base-url", base, "jimeng.api.max-answer-size", "64KB",
                "jimeng.fetch.retry-initial-delay", "1s", "jimeng.fetch.retry-max-delay", "1s"));

        app.drop("ids.txt", "cgt-huge");

        await().atMost(WAIT).until(() -> log.count("larger than jimeng.api.max-answer-size") >= 1);
        assertEquals(1, store().pendingCount(), "the task stays pending");
        assertEquals(0, app.filesIn("failed"));
        await().atMost(WAIT).until(() -> Files.exists(app.result("cgt-huge")));
        assertEquals(video.length, Files.size(app.video("cgt-huge")));
        await().atMost(WAIT).until(() -> chunkedCutOff.get() && lengthCutOff.get());
        assertFalse(chunkedSentWhole.get(), "the answer without Content-Length was not read whole");
        assertFalse(lengthSentWhole.get(), "the answer with a large Content-Length was not read whole");
        assertEquals(1, log.count("API fault: the API's answer is larger than jimeng.api.max-answer-size"), "once per episode\n" + log.all());
    }

    /** 2 MB of padding written as fast as the socket takes it, then the connection is left. */
    private static Answer hugeAtOnce(boolean withLength) {
        return exchange -> {
            byte[] body = new byte[2 * 1024 * 1024];
            java.util.Arrays.fill(body, (byte) ' ');
            body[0] = '{';
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, withLength ? body.length : 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException cutOff) {
                // the client stopped reading: as it should
            }
        };
    }

    @Test
    void aHugeAnswerSentAtOnceIsReportedAsTooLargeNamingTheLimitNotAsANetworkFault() throws Exception {
        byte[] video = Videos.mp4(20_000, 12);
        String base = slowApi(api.video("huge-at-once.mp4", video), List.of(hugeAtOnce(true), hugeAtOnce(false), hugeAtOnce(true), hugeAtOnce(false)));
        startApp(Map.of("jimeng.api.base-url", base, "jimeng.api.max-answer-size", "64KB",
                "jimeng.fetch.retry-initial-delay", "100ms", "jimeng.fetch.retry-max-delay", "100ms"));

        app.drop("ids.txt", "cgt-huge");

        await().atMost(WAIT).until(() -> Files.exists(app.result("cgt-huge")));
        assertEquals(0, log.count("network fault"), log.all());
        assertEquals(0, log.count("SocketException"), log.all());
        assertEquals(1, log.count("API fault: the API's answer is larger than jimeng.api.max-answer-size (65536 bytes)"), log.all());
    }

    @Test
    void aRedirectIsLoggedWithItsTargetAndWhatToDo() throws Exception {
        String id = "cgt-redirected";
        byte[] video = Videos.mp4(20_000, 9);
        String url = api.video("redirected.mp4", video);
        api.answers(id, io.github.jimengfetcher.support.fake.Answer.status(302).header("Location", "https://api.example.com/jimeng/fetch/" + id + "?signature=s3cr3t-sig"),
                io.github.jimengfetcher.support.fake.Answer.json(FakeGateway.success(id, url)));
        startApp(Map.of());

        app.drop("ids.txt", id);

        awaitResult(id);
        List<String> lines = log.containing("API fault: HTTP 302");
        assertEquals(1, lines.size(), log.all());
        String line = lines.get(0);
        assertTrue(line.contains("https://api.example.com/jimeng/fetch/" + id), line);
        assertTrue(line.contains("jimeng.api.base-url"), line);
        assertTrue(line.contains("http instead of https"), line);
        assertFalse(log.all().contains("s3cr3t-sig"), "the redirect's query is not logged");
    }

    @Test
    void aLongRetryAfterIsCappedAndHealthSaysFetchingIsPausedMeanwhile() throws Exception {
        String id = "cgt-throttled";
        byte[] video = Videos.mp4(20_000, 10);
        String url = api.video("throttled.mp4", video);
        api.answers(id, io.github.jimengfetcher.support.fake.Answer.status(429).header("Retry-After", "3600"), io.github.jimengfetcher.support.fake.Answer.json(FakeGateway.success(id, url)));
        Map<String, String> settings = new HashMap<>();
        int port = Http.enable(settings);
        settings.put("jimeng.fetch.rate-limit-max-pause", "3s");
        // "Retry-After" as HTTP/1.1 gateways spell it.
        settings.put("jimeng.api.base-url", api.plainApiUrl());
        startApp(settings);

        app.drop("ids.txt", id);

        String reason = await().atMost(WAIT).until(() -> ourCheck(port).filter(c -> c.path("status").asText().equals("DOWN"))
                .map(c -> c.path("message").asText()), Optional::isPresent).orElseThrow();
        assertTrue(reason.contains("fetching paused by the API's rate limit until"), reason);
        JsonNode board = JSON.readTree(Http.get(port, "/tasks").body());
        assertFalse(board.path("fetching_paused_until").isNull(), board.toString());
        assertTrue(board.path("fetching_paused_reason").asText().contains("429"), board.toString());

        awaitResult(id);
        List<Request> fetches = api.fetchesOf(id);
        long gap = fetches.get(1).at() - fetches.get(0).at();
        assertTrue(gap >= 2_500 && gap < 10_000, "fetched again " + gap + " ms after the 429");
        await().atMost(WAIT).until(() -> ourCheck(port).map(c -> c.path("status").asText()).orElse("UP").equals("UP"));
        assertNull(JSON.readTree(Http.get(port, "/tasks").body()).path("fetching_paused_until").textValue());
    }

    /** Our health check's entry while it is DOWN (UP checks are not listed). */
    private static Optional<JsonNode> ourCheck(int port) throws Exception {
        for (JsonNode check : JSON.readTree(Http.get(port, "/observe/health").body()).path("checks")) {
            if (check.path("name").asText().equals("jimeng-fetcher")) {
                return Optional.of(check);
            }
        }
        return Optional.empty();
    }
}
