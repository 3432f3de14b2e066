package io.github.jimengfetcher;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.ArkShape;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.fake.Step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each shipped provider file against the fake gateway answering in that provider's shape: the app
 * started with jimeng.provider naming it and jimeng.providers.{name}.base-url and .api-key on the
 * fake, while jimeng.api.base-url points at a closed port and jimeng.api.key is another key, so a
 * task only finishes when the provider's own settings win.
 */
class ShippedProvidersTest extends AppTestSupport {

    @Test
    void newApiTaskThatSucceedsKeepsItsVideoAndTheAnswerWithItsMetadata() throws Exception {
        byte[] video = Videos.mp4(30_000, 31);
        String url = api.video("new-api.mp4", video);
        String id = "task_9f3c2a";
        api.newApi().task(id, Step.queued(), Step.running(20).word("processing"), Step.running(60), Step.succeeded(url));
        startWith("new-api");

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        assertEquals("succeeded", result.path("answer").path("status").asText(), result.toString());
        assertEquals(url, result.path("answer").path("url").asText());
        assertEquals(24, result.path("answer").path("metadata").path("fps").asInt(), "the raw answer is kept, metadata and all");
        assertFetchedWithTheKey(api.requestsTo("/v1/video/generations/" + id), 4);
    }

    @Test
    void newApiTaskThatFailsEndsWithTheErrorMessageAsReason() throws Exception {
        String id = "task_failed_1";
        api.newApi().task(id, Step.running(10), Step.failed("upstream_error", "the channel refused the prompt"));
        startWith("new-api");

        app.drop("ids.txt", id + "\n");

        JsonNode failure = awaitFailure(id);
        assertEquals("api_failure", failure.path("reason_class").asText(), failure.toString());
        assertTrue(failure.path("reason").asText().contains("the channel refused the prompt"), failure.toString());
        assertEquals("upstream_error", failure.path("last_answer").path("error").path("code").asText());
    }

    @Test
    void openAiVideoIsDownloadedFromItsContentWithTheKeyWhichNeverGoesToTheStorageHost() throws Exception {
        byte[] video = Videos.mp4(60_000, 32);
        String url = api.video("sora.mp4", video);
        api.openAi().videoUrlInAnswers(true);
        String id = "video_68d7512d07848190b3e45da0ecbebcde004da08e1e0678d5";
        api.openAi().task(id, Step.queued(), Step.running(35), Step.succeeded(url));
        startWith("openai-videos");

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        assertEquals("completed", result.path("answer").path("status").asText(), result.toString());
        assertEquals("sora-2", result.path("answer").path("model").asText());
        List<Request> content = api.requestsTo("/v1/videos/" + id + "/content");
        assertFalse(content.isEmpty(), "the video came from /content");
        assertTrue(content.stream().allMatch(r -> r.carries(FakeGateway.KEY)), "every /content request carried the key");
        assertTrue(api.storageRequests().stream().noneMatch(r -> r.carries(FakeGateway.KEY)),
                "the storage host never saw the key: " + api.storageRequests());
        assertFetchedWithTheKey(api.requestsTo("/v1/videos/" + id), 3);
    }

    @Test
    void openAiVideoThatFailsEndsWithTheErrorMessageAsReason() throws Exception {
        String id = "video_failed_1";
        api.openAi().task(id, Step.running(50), Step.failed("moderation_blocked", "Your request was blocked by our moderation system."));
        startWith("openai-videos");

        app.drop("ids.txt", id + "\n");

        JsonNode failure = awaitFailure(id);
        assertEquals("api_failure", failure.path("reason_class").asText(), failure.toString());
        assertTrue(failure.path("reason").asText().contains("blocked by our moderation system"), failure.toString());
        assertTrue(api.requestsTo("/v1/videos/" + id + "/content").isEmpty());
    }

    @Test
    void arkTaskThatSucceedsKeepsItsVideoAndTheAnswerAsReceived() throws Exception {
        byte[] video = Videos.mp4(50_000, 33);
        String url = api.video("seedance.mp4", video);
        String id = "cgt-20250829165122-qkwch";
        api.ark().task(id, Step.queued(), Step.running(0), Step.succeeded(url));
        startWith("ark");

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        JsonNode answer = result.path("answer");
        assertEquals("succeeded", answer.path("status").asText(), result.toString());
        assertEquals(url, answer.path("content").path("video_url").asText());
        assertEquals("doubao-seedance-1-0-pro-250528", answer.path("model").asText());
        assertEquals(108900, answer.path("usage").path("completion_tokens").asLong());
        JsonNode frame = result.path("images").path(0);
        assertEquals("last-frame", frame.path("name").asText(), result.toString());
        assertEquals("videos/" + id + ".last-frame.png", frame.path("file").asText(), "the last frame Ark's answer names is saved: " + frame);
        assertFetchedWithTheKey(arkRequestsFor(id), 3);
        assertTrue(api.storageRequests().stream().noneMatch(r -> r.carries(FakeGateway.KEY)), "the key stays with the API");
    }

    @Test
    void arkTasksThatFailExpireOrAreCancelledEndWithTheirReasonClass() throws Exception {
        api.ark().task("cgt-ark-failed", Step.running(0),
                Step.failed("OutputVideoSensitiveContentDetected", "The request failed because the output video may contain sensitive information."));
        api.ark().task("cgt-ark-expired", Step.queued(), Step.expired());
        api.ark().task("cgt-ark-cancelled", Step.cancelled());
        startWith("ark");

        app.drop("ids.txt", "cgt-ark-failed\ncgt-ark-expired\ncgt-ark-cancelled\n");

        JsonNode failed = awaitFailure("cgt-ark-failed");
        assertEquals("api_failure", failed.path("reason_class").asText(), failed.toString());
        assertTrue(failed.path("reason").asText().contains("the output video may contain sensitive information"), failed.toString());
        JsonNode expired = awaitFailure("cgt-ark-expired");
        assertEquals("expired", expired.path("reason_class").asText(), expired.toString());
        JsonNode cancelled = awaitFailure("cgt-ark-cancelled");
        assertEquals("cancelled", cancelled.path("reason_class").asText(), cancelled.toString());
        assertEquals(1, arkRequestsFor("cgt-ark-cancelled").size(), "a final word is final at once");
    }

    @Test
    void arkTaskItDoesNotKnowEndsNotFound() throws Exception {
        String id = "cgt-20250101000000-nobody";
        startWith("ark");

        app.drop("ids.txt", id + "\n");

        JsonNode failure = awaitFailure(id);
        assertEquals("not_found", failure.path("reason_class").asText(), failure.toString());
        assertFalse(api.requestsTo("/api/v3/contents/generations/tasks/" + id).isEmpty());
        assertFalse(Files.exists(app.result(id)));
    }

    /** The app on this provider, its base URL and key set for it alone. */
    private RunningApp startWith(String provider) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.provider", provider);
        settings.put("jimeng.providers." + provider + ".base-url", api.baseUrl());
        settings.put("jimeng.providers." + provider + ".api-key", FakeGateway.KEY);
        settings.put("jimeng.provider-files", root.resolve("providers").toString());
        settings.put("jimeng.api.base-url", "http://127.0.0.1:" + Http.freePort());
        settings.put("jimeng.api.key", "sk-not-this-provider-0000");
        return startApp(settings);
    }

    /** Ark's requests that asked for the task: alone, or named in a list query (its shipped file has one). */
    private List<Request> arkRequestsFor(String id) {
        return api.requests().stream().filter(r -> r.path().equals(ArkShape.TASK.replace("{id}", id))
                || r.path().equals(ArkShape.LIST) && r.parameter("filter.task_ids").contains(id)).toList();
    }

    private static void assertFetchedWithTheKey(List<Request> fetches, int atLeast) {
        assertTrue(fetches.size() >= atLeast, "fetched " + fetches.size() + " times");
        assertTrue(fetches.stream().allMatch(r -> ("Bearer " + FakeGateway.KEY).equals(r.authorization())), fetches.toString());
    }
}
