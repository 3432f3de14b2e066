package io.github.jimengfetcher;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The poll loop: every status and answer variant, through the real routes against a real HTTP server. */
class PollTest extends AppTestSupport {

    private final CapturedLog log = CapturedLog.capture();

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    @Test
    void statusWordsOfEveryGatewayAndProviderEndTheTaskAtOnce() throws Exception {
        Map<String, byte[]> videos = new java.util.LinkedHashMap<>();
        // Ark / Seedance: the status and the video at the top of the answer.
        String ark = "cgt-word-ark";
        videos.put(ark, Videos.mp4(20_000, 11));
        api.answer(ark, Answer.json("{\"id\":\"" + ark + "\",\"status\":\"succeeded\",\"content\":{\"video_url\":\""
                + api.video("ark.mp4", videos.get(ark)) + "\"}}"));
        // Jimeng's own API: code 10000, "done".
        String jimeng = "cgt-word-jimeng";
        videos.put(jimeng, Videos.mp4(20_000, 12));
        api.statuses(jimeng,
                "{\"code\":10000,\"message\":\"Success\",\"data\":{\"status\":\"in_queue\"}}",
                "{\"code\":10000,\"message\":\"Success\",\"data\":{\"status\":\"generating\"}}",
                "{\"code\":10000,\"message\":\"Success\",\"data\":{\"status\":\"done\",\"video_url\":\""
                        + api.video("jimeng.mp4", videos.get(jimeng)) + "\"}}");
        // OpenAI-style video endpoints.
        String openai = "cgt-word-openai";
        videos.put(openai, Videos.mp4(20_000, 13));
        api.statuses(openai, "{\"id\":\"v1\",\"status\":\"in_progress\"}",
                "{\"id\":\"v1\",\"status\":\"completed\",\"url\":\"" + api.video("openai.mp4", videos.get(openai)) + "\"}");
        // This gateway family, any case.
        String upper = "cgt-word-completed";
        videos.put(upper, Videos.mp4(20_000, 14));
        String nested = FakeGateway.success(upper, api.video("completed.mp4", videos.get(upper)));
        api.answer(upper, Answer.json(nested.replace("\"status\":\"SUCCESS\"", "\"status\":\"COMPLETED\"")));

        Map<String, String> ends = new java.util.LinkedHashMap<>();
        ends.put("failed", "api_failure");
        ends.put("ERROR", "api_failure");
        ends.put("Failure", "api_failure");
        ends.put("expired", "expired");
        ends.put("canceled", "cancelled");
        ends.put("CANCELLED", "cancelled");
        ends.put("not_found", "not_found");
        ends.keySet().forEach(word -> api.answer("cgt-end-" + word, Answer.json(FakeGateway.failure("cgt-end-" + word, "gateway says " + word)
                .replace("\"FAILURE\"", "\"" + word + "\""))));
        startApp(Map.of());

        app.drop("ids.txt", String.join("\n", videos.keySet()) + "\n"
                + String.join("\n", ends.keySet().stream().map(word -> "cgt-end-" + word).toList()) + "\n");

        for (Map.Entry<String, byte[]> task : videos.entrySet()) {
            awaitResult(task.getKey());
            assertArrayEquals(task.getValue(), Files.readAllBytes(app.video(task.getKey())), task.getKey());
        }
        for (Map.Entry<String, String> end : ends.entrySet()) {
            String id = "cgt-end-" + end.getKey();
            JsonNode failure = awaitFailure(id);
            assertEquals(end.getValue(), failure.path("reason_class").asText(), failure.toString());
            assertTrue(failure.path("reason").asText().contains("gateway says " + end.getKey()), failure.toString());
            assertEquals(1, api.fetchesOf(id).size(), "a final word is final at the first answer");
        }
        assertEquals(0, log.count("unrecognised status"), log.all());
    }

    @Test
    void anErrorAnswerThatSaysTheTaskFailedFailsItAtOnceInTheGatewaysWords() throws Exception {
        String id = "cgt-error-failed";
        api.answer(id, Answer.json("{\"code\":\"error\",\"message\":\"quota exhausted for this account\",\"data\":{\"task_id\":\""
                + id + "\",\"status\":\"FAILED\"}}"));
        startApp(Map.of());

        app.drop("ids.txt", id);

        JsonNode failure = awaitFailure(id);
        assertEquals("api_failure", failure.path("reason_class").asText());
        assertEquals("quota exhausted for this account", failure.path("reason").asText());
        assertEquals(1, api.fetchesOf(id).size());
        assertEquals(1, log.count("carries an error: quota exhausted for this account"), log.all());
    }

    @Test
    void anErrorNamingNoStatusIsRetriedAndTheThirdInARowFailsTheTask() throws Exception {
        String broken = "cgt-error-envelope";
        String error = "{\"code\":\"error\",\"message\":\"upstream channel unavailable\",\"data\":null}";
        api.answer(broken, Answer.json(error));
        String flaky = "cgt-error-between";
        byte[] video = Videos.mp4(20_000, 21);
        api.statuses(flaky, error, error, FakeGateway.status(flaky, "IN_PROGRESS", "50%"), error, error,
                FakeGateway.success(flaky, api.video("between.mp4", video)));
        startApp(Map.of());

        app.drop("ids.txt", broken + "\n" + flaky + "\n");

        JsonNode failure = awaitFailure(broken);
        assertEquals("api_failure", failure.path("reason_class").asText());
        assertTrue(failure.path("reason").asText().contains("upstream channel unavailable"), failure.toString());
        assertEquals("error", failure.path("last_answer").path("code").asText());
        assertEquals(3, api.fetchesOf(broken).size());
        assertTrue(log.count("upstream channel unavailable") >= 1, log.all());
        // Two errors, an answer, two errors: never three in a row, so the task goes on to its video.
        awaitResult(flaky);
        assertArrayEquals(video, Files.readAllBytes(app.video(flaky)));
    }

    @Test
    void anAnswerNamingAnotherTaskIsNeverActedOn() throws Exception {
        String id = "cgt-mine";
        byte[] mine = Videos.mp4(20_000, 31);
        String otherUrl = api.video("other.mp4", Videos.mp4(20_000, 32));
        String foreign = FakeGateway.success("cgt-other", otherUrl);
        api.statuses(id, foreign, foreign, foreign, FakeGateway.success(id, api.video("mine.mp4", mine)));
        startApp(Map.of());

        app.drop("ids.txt", id);

        awaitResult(id);
        assertArrayEquals(mine, Files.readAllBytes(app.video(id)));
        assertEquals(0, api.requestsTo("/videos/other.mp4").size(), "another task's video is never fetched");
        assertEquals(4, api.fetchesOf(id).size());
        assertEquals(1, log.count("answer names task cgt-other"), log.all());
    }

    @Test
    void aVideoUrlWithSpacesAndCjkIsRequestedEncoded() throws Exception {
        String id = "cgt-cjk-url";
        byte[] video = Videos.mp4(20_000, 41);
        api.video("视频 1.mp4", video);
        api.answer(id, Answer.json(FakeGateway.success(id, api.baseUrl() + "/videos/视频 1.mp4?name=猫&sig=a+b%2F=")));
        startApp(Map.of());

        app.drop("ids.txt", id);

        awaitResult(id);
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        assertEquals("/videos/%E8%A7%86%E9%A2%91%201.mp4?name=%E7%8C%AB&sig=a+b%2F=", api.requestsTo("/videos/视频 1.mp4").get(0).url(),
                "the path encoded, the query as it was");
    }

    @Test
    void taskIsFollowedThroughItsStatusesUntilItsVideoLands() throws Exception {
        String id = "cgt-20250829165122-qkwch";
        byte[] video = Videos.mp4(300_000, 1);
        String url = api.video("qkwch.mp4", video);
        api.statuses(id,
                FakeGateway.status(id, "NOT_START", ""),
                FakeGateway.status(id, "SUBMITTED", "0%"),
                FakeGateway.status(id, "QUEUED", "0%"),
                FakeGateway.status(id, "IN_PROGRESS", "45%"),
                FakeGateway.success(id, url));
        startApp(Map.of());

        app.drop("ids.txt", id + "\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        JsonNode result = JSON.readTree(app.result(id).toFile());
        assertEquals(id, result.path("task_id").asText());
        assertEquals("videos/" + id + ".mp4", result.path("video_file").asText());
        assertEquals(video.length, result.path("video_bytes").asLong());
        assertEquals(Videos.sha256(video), result.path("video_sha256").asText());
        assertEquals(url, result.path("answer").path("data").path("data").path("data").path("data").path("video").asText());
        // Each status was asked for once: no fetch more than the task needed.
        assertEquals(5, api.fetchesOf(id).size());
        for (Request fetch : api.fetchesOf(id)) {
            assertEquals("GET", fetch.method());
            assertEquals("Bearer " + FakeGateway.KEY, fetch.header("Authorization"));
        }
        assertEquals(1, api.requestsTo("/videos/qkwch.mp4").size());
        assertFalse(api.requestsTo("/videos/qkwch.mp4").get(0).hasHeader("Authorization"), "the key never goes to the storage host");
        assertEquals(1, app.filesIn("results"));
        assertEquals(1, app.filesIn("videos"));
        assertEquals(0, app.filesIn("failed"));
    }

    @Test
    void failureIsRecordedWithTheApiReason() throws Exception {
        String id = "cgt-fails";
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "10%"), FakeGateway.failure(id, "content policy: prompt rejected"));
        startApp(Map.of());

        app.drop(id, "");

        JsonNode failure = awaitFailure(id);
        assertEquals(id, failure.path("task_id").asText());
        assertEquals("content policy: prompt rejected", failure.path("reason").asText());
        assertEquals("api_failure", failure.path("reason_class").asText());
        assertEquals("FAILURE", failure.path("last_answer").path("data").path("status").asText());
        assertFalse(Files.exists(app.result(id)));
    }

    @Test
    void unknownTaskFailsAsNotFoundOnceConfirmed() throws Exception {
        String id = "cgt-never-submitted";
        api.answer(id, Answer.status(400).header("Content-Type", "application/json").body(FakeGateway.TASK_NOT_EXIST));
        startApp(Map.of());

        app.drop("ids.txt", id);

        JsonNode failure = awaitFailure(id);
        assertTrue(failure.path("reason").asText().startsWith("task not found"), failure.toString());
        assertEquals("not_found", failure.path("reason_class").asText());
        assertEquals("task_not_exist", failure.path("last_answer").path("code").asText());
        assertEquals(2, api.fetchesOf(id).size(), "asked twice to confirm, then never again");
    }

    @Test
    void unknownAndUnrecognisedStatusesKeepPolling() throws Exception {
        String id = "cgt-unclear";
        String url = api.video("unclear.mp4", Videos.mp4(5_000, 2));
        api.statuses(id,
                FakeGateway.status(id, "UNKNOWN", ""),
                FakeGateway.status(id, "WARMING_UP", ""),
                FakeGateway.status(id, "warming_up", ""),
                "{\"code\":\"success\",\"data\":{\"task_id\":\"" + id + "\"}}",
                FakeGateway.success(id, url));
        startApp(Map.of());

        app.drop("ids.txt", id);

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        assertEquals(5, api.fetchesOf(id).size());
        assertEquals(1, log.count("unrecognised status"), "once per task and word: " + log.all());
        assertEquals(0, app.filesIn("failed"));
    }

    @Test
    void successWithoutAnyVideoUrlFailsAsNoVideoUrl() throws Exception {
        String id = "cgt-no-url";
        api.answer(id, Answer.json("{\"code\":\"success\",\"data\":{\"task_id\":\"" + id + "\",\"status\":\"SUCCESS\",\"fail_reason\":\"\",\"data\":null}}"));
        startApp(Map.of());

        app.drop("ids.txt", id);

        JsonNode failure = awaitFailure(id);
        assertEquals("no_video_url", failure.path("reason_class").asText());
        assertTrue(failure.path("reason").asText().contains("no video URL"), failure.toString());
        assertEquals(1, api.fetchesOf(id).size(), "a SUCCESS without URL is final, not polled forever");
    }

    @Test
    void videoUrlWithAnotherSchemeIsNeverFollowed() throws Exception {
        String id = "cgt-file-url";
        api.answer(id, Answer.json("{\"code\":\"success\",\"data\":{\"task_id\":\"" + id + "\",\"status\":\"SUCCESS\",\"result_url\":\"file:///etc/passwd\"}}"));
        startApp(Map.of());

        app.drop("ids.txt", id);

        JsonNode failure = awaitFailure(id);
        assertTrue(failure.path("reason").asText().contains("scheme 'file' is not allowed"), failure.toString());
        assertEquals(0, app.filesIn("videos"));
    }

    @Test
    void schemaVariantWithTaskStatusAndResultUrlIsFollowed() throws Exception {
        String id = "cgt-schema-variant";
        byte[] video = Videos.mp4(20_000, 3);
        String url = api.video("variant.mp4", video);
        api.statuses(id,
                "{\"code\":200,\"message\":\"\",\"request_id\":\"r1\",\"data\":{\"task_id\":\"" + id + "\",\"task_status\":\"queued\",\"created_at\":1,\"updated_at\":2}}",
                "{\"code\":200,\"message\":\"\",\"request_id\":\"r2\",\"data\":{\"task_id\":\"" + id + "\",\"task_status\":\"SUCCESS\",\"result_url\":\"" + url + "\"}}");
        startApp(Map.of());

        app.drop("ids.txt", id);

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
    }

    @Test
    void videoUrlInFailReasonOfASuccessIsFollowed() throws Exception {
        String id = "cgt-url-in-fail-reason";
        byte[] video = Videos.mp4(20_000, 4);
        String url = api.video("in-reason.mp4", video);
        api.answer(id, Answer.json("{\"code\":\"success\",\"data\":{\"task_id\":\"" + id + "\",\"status\":\"SUCCESS\",\"fail_reason\":\"" + url + "\"}}"));
        startApp(Map.of());

        app.drop("ids.txt", id);

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
    }

    @Test
    void taskStillUnfinishedAfterTheTimeoutFailsAsTimedOut() throws Exception {
        String id = "cgt-slow";
        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "12%")));
        startApp(Map.of("jimeng.fetch.task-timeout", "1s"));

        app.drop("ids.txt", id);

        JsonNode failure = awaitFailure(id);
        assertEquals("timed_out", failure.path("reason_class").asText());
        assertTrue(failure.path("reason").asText().matches("timed out after \\d.*\\(last status IN_PROGRESS 12%\\)"), failure.toString());
        assertEquals("IN_PROGRESS", failure.path("last_answer").path("data").path("status").asText());
    }
}
