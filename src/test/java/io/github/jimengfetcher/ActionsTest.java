package io.github.jimengfetcher;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Acting on tasks over HTTP and through .retry files: retry a failed task, add tasks. */
class ActionsTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private int port;

    @Override
    protected RunningApp startApp(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>();
        port = Http.enable(settings);
        settings.putAll(extra);
        return super.startApp(settings);
    }

    private HttpResponse<String> retry(String id) throws Exception {
        return Http.post(port, "/tasks/" + id + "/retry", null, "");
    }

    private List<Path> superseded(String id) throws Exception {
        Path folder = app.output("superseded");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().matches(java.util.regex.Pattern.quote(id) + "\\.\\d{8}-\\d{6}\\.json")).toList();
        }
    }

    private JsonNode onlyRejection(String prefix) throws Exception {
        await().atMost(WAIT).until(() -> rejections(prefix).size() == 1);
        return JSON.readTree(rejections(prefix).get(0).toFile());
    }

    private List<Path> rejections(String prefix) throws Exception {
        Path folder = app.output("rejected");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    // ---- Retry ----

    @Test
    void aFailedTaskIsRetriedOverHttpItsFailureRecordKeptInSuperseded() throws Exception {
        String id = "cgt-retry-failed";
        api.answer(id, Answer.json(FakeGateway.failure(id, "gateway was slow")));
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            app.drop("ids.txt", id);
            JsonNode failure = awaitFailure(id);

            // The task was fixed since: this time it succeeds.
            api.answer(id, Answer.json(FakeGateway.success(id, api.video("retried.mp4", Videos.mp4(30_000, 4)))));
            HttpResponse<String> answer = retry(id);

            assertEquals(202, answer.statusCode(), answer.body());
            assertEquals(JSON.readTree("{\"task_id\": \"" + id + "\", \"state\": \"pending\"}"), JSON.readTree(answer.body()));
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            List<Path> kept = superseded(id);
            assertEquals(1, kept.size(), "the failure record is kept, never deleted");
            assertEquals(failure, JSON.readTree(kept.get(0).toFile()));
            awaitResult(id);
            assertTrue(Files.exists(app.video(id)));
            assertFalse(Files.exists(app.failure(id)));
            assertEquals(1, log.containing(id + " retried: pending again with a new deadline").size(), log.all());
        }
    }

    @Test
    void retryAnswers404ForAnUnknownId409ForAPendingTaskAnd400ForWhatIsNoId() throws Exception {
        String pending = "cgt-retry-pending";
        api.statuses(pending, FakeGateway.status(pending, "IN_PROGRESS", "10%"));
        startApp(Map.of());
        app.drop("ids.txt", pending);
        await().atMost(WAIT).until(() -> !api.fetchesOf(pending).isEmpty());

        HttpResponse<String> unknown = retry("cgt-never-seen");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals("cgt-never-seen", JSON.readTree(unknown.body()).path("task_id").asText());

        HttpResponse<String> stillPending = retry(pending);
        assertEquals(409, stillPending.statusCode(), stillPending.body());
        assertEquals("pending", JSON.readTree(stillPending.body()).path("state").asText());
        assertTrue(JSON.readTree(stillPending.body()).path("reason").asText().contains("still pending"));

        HttpResponse<String> invalid = retry("bad%20id");
        assertEquals(400, invalid.statusCode(), invalid.body());
        assertTrue(JSON.readTree(invalid.body()).path("reason").asText().contains("a space"), invalid.body());
        // A path parameter that would climb out of a folder is refused where it enters, before any file or store is asked.
        HttpResponse<String> climbing = retry("..%2Fx");
        assertEquals(400, climbing.statusCode(), climbing.body());
        assertTrue(JSON.readTree(climbing.body()).path("reason").asText().contains("only letters, digits"), climbing.body());

        assertTrue(store().find(taskId("cgt-never-seen")).isEmpty(), "an unknown id is not registered by a retry");
        HttpResponse<String> get = Http.get(port, "/tasks/" + pending + "/retry");
        assertTrue(get.statusCode() == 404 || get.statusCode() == 405, "only POST retries: " + get.statusCode());
    }

    @Test
    void aSucceededTaskIsRetriedOnlyOnceItsVideoIsGoneAndIsThenDownloadedAgain() throws Exception {
        String id = "cgt-retry-succeeded";
        byte[] video = Videos.mp4(40_000, 5);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("done.mp4", video))));
        startApp(Map.of());
        app.drop("ids.txt", id);
        awaitResult(id);

        HttpResponse<String> refused = retry(id);
        assertEquals(409, refused.statusCode(), refused.body());
        assertEquals("succeeded", JSON.readTree(refused.body()).path("state").asText());

        Files.delete(app.video(id));
        HttpResponse<String> again = retry(id);
        assertEquals(202, again.statusCode(), again.body());
        await().atMost(WAIT).until(() -> Files.exists(app.video(id)) && Files.exists(app.result(id)));
        assertEquals(video.length, Files.size(app.video(id)));
        assertEquals(1, superseded(id).size(), "the earlier result record is kept");
    }

    @Test
    void aTaskThatTimedOutAndWaitsToBeLookedAtLateIsRetriedAfresh() throws Exception {
        String id = "cgt-retry-timed-out";
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "50%"));
        startApp(Map.of("jimeng.fetch.task-timeout", "1s", "jimeng.fetch.timeout-recheck", "1h"));
        app.drop("ids.txt", id);
        awaitFailure(id);
        await().atMost(WAIT).until(() -> store().find(taskId(id)).map(t -> t.timedOutAt != null).orElse(false));

        HttpResponse<String> answer = retry(id);

        assertEquals(202, answer.statusCode(), answer.body());
        assertTrue(store().find(taskId(id)).map(t -> t.timedOutAt == null).orElse(false), "pending afresh, with a new deadline");
        assertEquals(1, superseded(id).size());
        assertFalse(Files.exists(app.failure(id)));
    }

    @Test
    void aRetryFileRetriesItsFailedTasksAndRecordsAndLogsEveryOtherLineWithItsReason() throws Exception {
        String failed = "cgt-file-failed";
        String pending = "cgt-file-pending";
        api.answer(failed, Answer.json(FakeGateway.failure(failed, "video expired")));
        api.statuses(pending, FakeGateway.status(pending, "IN_PROGRESS", "10%"));
        startApp(Map.of());
        app.drop("ids.txt", failed + "\n" + pending + "\n");
        awaitFailure(failed);
        api.answer(failed, Answer.json(FakeGateway.success(failed, api.video("file.mp4", Videos.mp4(20_000, 6)))));

        try (CapturedLog log = CapturedLog.capture()) {
            app.drop("again.retry", failed + "\n" + pending + "\ncgt-file-unknown\nnot an id\n");
            awaitResult(failed);
            await().atMost(WAIT).until(() -> !log.containing("inbox again.retry: 3 rejected").isEmpty());
            String warning = log.containing("inbox again.retry: 3 rejected").get(0);
            assertTrue(warning.contains(pending + ": the task is still pending") && warning.contains("cgt-file-unknown: no such task")
                    && warning.contains("not an id: task id contains a space"), warning);
        }
        assertEquals(1, superseded(failed).size());
        JsonNode record = onlyRejection("again.retry.");
        assertEquals("again.retry", record.path("source").asText());
        Map<String, String> reasons = new HashMap<>();
        record.path("rejected").forEach(r -> reasons.put(r.path("text").asText(), r.path("reason").asText()));
        assertEquals(3, reasons.size(), record.toString());
        assertTrue(reasons.get(pending).contains("still pending"), reasons.toString());
        assertTrue(reasons.get("cgt-file-unknown").contains("no such task"), reasons.toString());
        assertTrue(reasons.get("not an id").contains("a space"), reasons.toString());
        assertTrue(store().find(taskId("cgt-file-unknown")).isEmpty() && !store().isFinished(taskId("cgt-file-unknown")),
                "a .retry line is never registered as a new task");
        assertTrue(store().find(taskId("again.retry")).isEmpty(), "nor is the file's name");
    }

    // ---- Add tasks over HTTP ----

    @Test
    void postedIdsAreRegisteredWithTheInboxRulesAndRecords() throws Exception {
        String id = "cgt-posted-1";
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("posted.mp4", Videos.mp4(20_000, 7)))));
        api.statuses("cgt-posted-known", FakeGateway.status("cgt-posted-known", "IN_PROGRESS", "1%"));
        startApp(Map.of());
        app.drop("ids.txt", "cgt-posted-known");
        await().atMost(WAIT).until(() -> store().find(taskId("cgt-posted-known")).isPresent());

        HttpResponse<String> answer = Http.post(port, "/tasks", "text/plain; charset=utf-8",
                "# from a script\n" + id + "\ncgt-posted-known\nbad/id\n");

        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(JSON.readTree("[\"" + id + "\"]"), body.path("registered"));
        assertEquals(JSON.readTree("[\"cgt-posted-known\"]"), body.path("known"));
        assertEquals("bad/id", body.path("rejected").get(0).path("text").asText());
        assertTrue(body.path("rejected").get(0).path("reason").asText().contains("'/'"), body.toString());
        awaitResult(id);
        JsonNode record = onlyRejection("http-post-tasks.");
        assertEquals("http-post-tasks", record.path("source").asText(), "the record names where the ids came from");
        assertEquals("bad/id", record.path("rejected").get(0).path("text").asText());
    }

    @Test
    void postedJsonTakesAListOfIdsOrASubmitAnswer() throws Exception {
        startApp(Map.of());
        HttpResponse<String> list = Http.post(port, "/tasks", "application/json", "{\"task_ids\": [\"cgt-json-1\", \"cgt-json-2\"]}");
        assertEquals(200, list.statusCode(), list.body());
        assertEquals(JSON.readTree("[\"cgt-json-1\", \"cgt-json-2\"]"), JSON.readTree(list.body()).path("registered"));

        HttpResponse<String> submitted = Http.post(port, "/tasks", "application/json",
                "{\"code\": \"success\", \"data\": {\"task_id\": \"cgt-json-3\"}}");
        assertEquals(200, submitted.statusCode(), submitted.body());
        assertEquals(JSON.readTree("[\"cgt-json-3\"]"), JSON.readTree(submitted.body()).path("registered"));
        assertTrue(store().find(taskId("cgt-json-3")).isPresent());
    }

    @Test
    void postedJsonDocumentsOneAfterAnotherAreAllRegistered() throws Exception {
        startApp(Map.of());
        HttpResponse<String> answer = Http.post(port, "/tasks", "application/json",
                "{\"task_id\": \"cgt-doc-1\"}\n{\"code\": \"success\", \"data\": {\"task_id\": \"cgt-doc-2\"}}\n");
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(JSON.readTree("[\"cgt-doc-1\", \"cgt-doc-2\"]"), JSON.readTree(answer.body()).path("registered"));
        assertTrue(store().find(taskId("cgt-doc-1")).isPresent() && store().find(taskId("cgt-doc-2")).isPresent());
    }

    @Test
    void aPostedIdIsListedOnceEvenWhenSentTwiceOrAlsoAsAValueThatIsNotAString() throws Exception {
        startApp(Map.of());
        HttpResponse<String> answer = Http.post(port, "/tasks", "application/json",
                "{\"task_ids\": [\"5\", 5, \"cgt-twice\", \"cgt-twice\", 7, \"7\", 8]}");
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(JSON.readTree("[\"5\", \"cgt-twice\", \"7\"]"), body.path("registered"), body.toString());
        assertEquals(1, body.path("rejected").size(), body.toString());
        assertEquals("8", body.path("rejected").get(0).path("text").asText());
        assertEquals(1, body.path("rejected_count").asInt(), body.toString());
        assertEquals(0, body.path("rejected_left_out").asInt(), body.toString());

        HttpResponse<String> lines = Http.post(port, "/tasks", "text/plain", "cgt-line-twice\ncgt-line-twice\n5\n");
        JsonNode again = JSON.readTree(lines.body());
        assertEquals(JSON.readTree("[\"cgt-line-twice\"]"), again.path("registered"), again.toString());
        assertEquals(JSON.readTree("[\"5\"]"), again.path("known"), again.toString());
        assertEquals(0, again.path("rejected").size(), again.toString());
    }

    @Test
    void aBodyWithoutAnyIdIs400AndOneAboveTheInboxLimitIs413() throws Exception {
        startApp(Map.of("jimeng.inbox.max-file-size", "1KB"));

        assertEquals(400, Http.post(port, "/tasks", "text/plain", "").statusCode());
        assertEquals(400, Http.post(port, "/tasks", "text/plain", "# only a comment\n\n").statusCode());
        HttpResponse<String> noField = Http.post(port, "/tasks", "application/json", "{\"ids\": [\"x\"]}");
        assertEquals(400, noField.statusCode());
        assertTrue(JSON.readTree(noField.body()).path("reason").asText().contains("no task_id"), noField.body());

        HttpResponse<String> large = Http.post(port, "/tasks", "text/plain", "cgt-large-1\n".repeat(200));
        assertEquals(413, large.statusCode(), large.body());
        assertTrue(store().find(taskId("cgt-large-1")).isEmpty());

        HttpResponse<String> form = Http.post(port, "/tasks", "application/x-www-form-urlencoded", "cgt-form-1");
        assertEquals(415, form.statusCode(), form.body());
    }

    @Test
    void aChunkedBodyPassingTheLimitWhileItArrivesIs413WithTheReasonAndNoErrorLogged() throws Exception {
        startApp(Map.of());

        try (CapturedLog log = CapturedLog.capture()) {
            // Past 10 MB (the default jimeng.inbox.max-file-size) while it arrives: the HTTP server's own body limit cuts it off.
            byte[] lines = "cgt-chunked-1\n".repeat(760_000).getBytes(StandardCharsets.UTF_8);
            // No length known in advance: the client sends the body chunked, without Content-Length.
            HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tasks"))
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(lines)))
                    .build();
            HttpResponse<String> answer = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());

            assertEquals(413, answer.statusCode(), answer.body());
            assertTrue(JSON.readTree(answer.body()).path("reason").asText().contains("jimeng.inbox.max-file-size"), answer.body());
            assertTrue(store().find(taskId("cgt-chunked-1")).isEmpty());
            assertTrue(log.lines().stream().noneMatch(line -> line.startsWith("ERROR")), String.join("\n", log.lines()));
        }
    }

    // ---- Access ----

    @Test
    void onLoopbackAPostFromAPageOfAnotherOriginIsRefusedAndOneFromTheAppsOwnPageIsNot() throws Exception {
        startApp(Map.of());

        HttpResponse<String> foreign = Http.post(port, "/tasks", "text/plain", "cgt-origin-evil", "Origin", "https://evil.example");
        assertEquals(403, foreign.statusCode(), foreign.body());
        HttpResponse<String> foreignRetry = Http.post(port, "/tasks/cgt-origin-evil/retry", "text/plain", "", "Origin", "null");
        assertEquals(403, foreignRetry.statusCode(), foreignRetry.body());
        assertTrue(store().find(taskId("cgt-origin-evil")).isEmpty());

        HttpResponse<String> own = Http.post(port, "/tasks", "text/plain", "cgt-origin-own", "Origin", "http://127.0.0.1:" + port);
        assertEquals(200, own.statusCode(), own.body());
        HttpResponse<String> program = Http.post(port, "/tasks", "text/plain", "cgt-origin-program");
        assertEquals(200, program.statusCode(), program.body());
        assertEquals(200, Http.get(port, "/tasks", "Origin", "https://evil.example").statusCode(), "reading is not refused");
        assertTrue(store().find(taskId("cgt-origin-own")).isPresent() && store().find(taskId("cgt-origin-program")).isPresent());
    }

    @Test
    void boundBeyondLoopbackEveryRequestButObserveNeedsTheToken() throws Exception {
        String token = "tok-" + "5e1f0c9a7d3b2e84a6c1";
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of("jimeng.http.host", "0.0.0.0", "jimeng.http.token", token));

            HttpResponse<String> without = Http.get(port, "/tasks");
            assertEquals(401, without.statusCode(), without.body());
            assertEquals("Bearer", without.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(401, Http.get(port, "/").statusCode());
            assertEquals(401, Http.get(port, "/tasks", "Authorization", "Bearer " + token + "x").statusCode());
            assertEquals(401, Http.get(port, "/tasks", "Authorization", "Basic " + token).statusCode());
            assertEquals(401, Http.post(port, "/tasks", "text/plain", "cgt-no-token").statusCode());
            assertTrue(store().find(taskId("cgt-no-token")).isEmpty());

            HttpResponse<String> with = Http.get(port, "/tasks", "Authorization", "Bearer " + token);
            assertEquals(200, with.statusCode(), with.body());
            HttpResponse<String> posted = Http.post(port, "/tasks", "text/plain", "cgt-with-token\nbad id", "Authorization", "Bearer " + token);
            assertEquals(200, posted.statusCode(), posted.body());
            assertFalse(posted.headers().map().toString().contains(token), "the token is not echoed");
            assertEquals(404, Http.post(port, "/tasks/cgt-never/retry", null, "", "Authorization", "Bearer " + token).statusCode());
            await().atMost(WAIT).until(() -> Http.get(port, "/observe/health").statusCode() == 200);
            assertEquals(200, Http.get(port, "/observe/metrics").statusCode(), "probes need no token");

            onlyRejection("http-post-tasks.");
            app.close();
            app = null;
            assertFalse(log.all().contains(token), "the token is never logged");
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains(token), "never written: " + file);
                }
            }
        }
    }

    @Test
    void boundBeyondLoopbackWithoutATokenTheAppDoesNotStart() {
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        Http.enable(settings);
        settings.put("jimeng.http.host", "0.0.0.0");
        org.apache.camel.main.Main main = JimengFetcherApplication.create();
        settings.forEach(main::addOverrideProperty);
        Exception failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, main::run);
        String reason = JimengFetcherApplication.reason(failure);
        assertTrue(reason.startsWith("jimeng.http.host=0.0.0.0 listens beyond this machine, but jimeng.http.token is empty"), reason);
    }
}
