package io.github.jimengfetcher;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.FakeGateway;
import io.github.jimengfetcher.support.Videos;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The poll loop: every status and answer variant, through the real routes against a real HTTP server. */
class PollTest extends AppTestSupport {

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
        for (LoggedRequest fetch : api.fetchesOf(id)) {
            assertEquals("GET", fetch.getMethod().getName());
            assertEquals("Bearer " + FakeGateway.KEY, fetch.getHeader("Authorization"));
        }
        assertEquals(1, api.requestsTo("/videos/qkwch.mp4").size());
        assertFalse(api.requestsTo("/videos/qkwch.mp4").get(0).containsHeader("Authorization"), "the key never goes to the storage host");
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
        api.answer(id, aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(FakeGateway.TASK_NOT_EXIST));
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
                "{\"code\":\"success\",\"data\":{\"task_id\":\"" + id + "\"}}",
                FakeGateway.success(id, url));
        startApp(Map.of());

        app.drop("ids.txt", id);

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        assertEquals(4, api.fetchesOf(id).size());
    }

    @Test
    void successWithoutAnyVideoUrlFailsAsNoVideoUrl() throws Exception {
        String id = "cgt-no-url";
        api.answer(id, okJson("{\"code\":\"success\",\"data\":{\"task_id\":\"" + id + "\",\"status\":\"SUCCESS\",\"fail_reason\":\"\",\"data\":null}}"));
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
        api.answer(id, okJson("{\"code\":\"success\",\"data\":{\"task_id\":\"" + id + "\",\"status\":\"SUCCESS\",\"result_url\":\"file:///etc/passwd\"}}"));
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
        api.answer(id, okJson("{\"code\":\"success\",\"data\":{\"task_id\":\"" + id + "\",\"status\":\"SUCCESS\",\"fail_reason\":\"" + url + "\"}}"));
        startApp(Map.of());

        app.drop("ids.txt", id);

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
    }

    @Test
    void taskStillUnfinishedAfterTheTimeoutFailsAsTimedOut() throws Exception {
        String id = "cgt-slow";
        api.answer(id, okJson(FakeGateway.status(id, "IN_PROGRESS", "12%")));
        startApp(Map.of("jimeng.task-timeout", "1s"));

        app.drop("ids.txt", id);

        JsonNode failure = awaitFailure(id);
        assertEquals("timed_out", failure.path("reason_class").asText());
        assertTrue(failure.path("reason").asText().matches("timed out after \\d.*\\(last status IN_PROGRESS 12%\\)"), failure.toString());
        assertEquals("IN_PROGRESS", failure.path("last_answer").path("data").path("status").asText());
    }
}
