package io.github.jimengfetcher.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.ArkShape;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.KlingShape;
import io.github.jimengfetcher.support.fake.OpenAiShape;
import io.github.jimengfetcher.support.fake.Step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake gateway answers in each provider's shape, as plain HTTP sees it: what the app tests stand on. */
class FakeProviderShapesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String BEARER = "Bearer " + FakeGateway.KEY;

    private final FakeGateway api = new FakeGateway();

    @AfterEach
    void close() {
        api.close();
    }

    @Test
    void newApiTaskGoesThroughItsStepsInNewApiWordsAndTheLastRepeats() throws Exception {
        String url = api.video("n.mp4", Videos.mp4(5_000, 1));
        api.newApi().task("task_n1", Step.queued(), Step.running(30).word("processing"), Step.succeeded(url));
        api.newApi().task("task_n2", Step.failed("content_policy", "prompt rejected"));

        assertEquals("queued", get("/v1/video/generations/task_n1").path("status").asText());
        assertEquals("processing", get("/v1/video/generations/task_n1").path("status").asText());
        JsonNode done = get("/v1/video/generations/task_n1");
        assertEquals(done, get("/v1/video/generations/task_n1"), "the last step repeats");
        assertEquals("task_n1", done.path("task_id").asText());
        assertEquals("succeeded", done.path("status").asText());
        assertEquals("mp4", done.path("format").asText());
        assertEquals(url, done.path("url").asText());
        assertEquals(24, done.path("metadata").path("fps").asInt());
        assertTrue(done.path("metadata").has("seed"));
        JsonNode failed = get("/v1/video/generations/task_n2");
        assertEquals("failed", failed.path("status").asText());
        assertEquals("content_policy", failed.path("error").path("code").asText());
        assertEquals("prompt rejected", failed.path("error").path("message").asText());
        assertEquals(401, send("/v1/video/generations/task_n1", null).statusCode());
        assertEquals(404, send("/v1/video/generations/nobody", BEARER).statusCode());
        assertEquals(6, api.newApi().requests("/v1/video/generations/{id}"));
    }

    @Test
    void openAiVideoStreamsItsContentOnlyWithTheKeyAndTheRecordShowsWhoCarriedIt() throws Exception {
        byte[] bytes = Videos.mp4(40_000, 2);
        String url = api.video("sora.mp4", bytes);
        api.openAi().videoUrlInAnswers(true);
        api.openAi().task("video_1", Step.queued(), Step.running(40), Step.succeeded(url));

        JsonNode queued = get("/v1/videos/video_1");
        assertEquals("video", queued.path("object").asText());
        assertEquals("queued", queued.path("status").asText());
        assertTrue(queued.path("completed_at").isNull());
        JsonNode running = get("/v1/videos/video_1");
        assertEquals("in_progress", running.path("status").asText());
        assertEquals(40, running.path("progress").asInt());
        JsonNode done = get("/v1/videos/video_1");
        assertEquals("completed", done.path("status").asText());
        assertEquals(100, done.path("progress").asInt());
        assertTrue(done.path("completed_at").asLong() >= done.path("created_at").asLong());
        assertTrue(done.path("expires_at").asLong() > done.path("completed_at").asLong());
        assertTrue(done.path("error").isNull());
        assertEquals(url, done.path("video_url").asText());

        assertEquals(401, send("/v1/videos/video_1/content", null).statusCode());
        assertEquals(401, send("/v1/videos/video_1/content", "Bearer sk-someone-else").statusCode());
        HttpResponse<byte[]> content = CLIENT.send(request("/v1/videos/video_1/content", BEARER).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, content.statusCode());
        assertEquals("video/mp4", content.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(bytes, content.body());

        assertEquals(3, api.requestsTo("/v1/videos/video_1/content").size());
        assertEquals(1, api.requestsTo("/v1/videos/video_1/content").stream().filter(r -> r.carries(FakeGateway.KEY)).count());
        assertEquals(3, api.openAi().requests(OpenAiShape.CONTENT));
        assertTrue(api.storageRequests().isEmpty(), "the content is streamed by the API, not asked of the storage host");
    }

    @Test
    void arkTaskAnswersInArksWordsAndAnUnknownIdIsResourceNotFound() throws Exception {
        String url = api.video("ark.mp4", Videos.mp4(5_000, 3));
        api.ark().task("cgt-a1", Step.queued(), Step.running(50), Step.succeeded(url));
        api.ark().task("cgt-a2", Step.failed("OutputVideoSensitiveContentDetected", "The output video may contain sensitive content."));
        api.ark().task("cgt-a3", Step.expired());
        api.ark().task("cgt-a4", Step.cancelled());

        assertEquals("queued", get("/api/v3/contents/generations/tasks/cgt-a1").path("status").asText());
        assertEquals("running", get("/api/v3/contents/generations/tasks/cgt-a1").path("status").asText());
        JsonNode done = get("/api/v3/contents/generations/tasks/cgt-a1");
        assertEquals("succeeded", done.path("status").asText());
        assertEquals("cgt-a1", done.path("id").asText());
        assertEquals(url, done.path("content").path("video_url").asText());
        assertTrue(done.path("content").path("last_frame_url").asText().endsWith(".png?X-Tos-Expires=86400&X-Tos-Signature=s"));
        assertTrue(done.path("usage").path("completion_tokens").asLong() > 0);
        assertTrue(done.path("updated_at").asLong() >= done.path("created_at").asLong());
        assertTrue(done.path("created_at").asLong() < 10_000_000_000L, "unix seconds");
        for (String field : new String[] {"model", "seed", "resolution", "ratio", "duration", "framespersecond"}) {
            assertTrue(done.has(field), field);
        }
        JsonNode failed = get("/api/v3/contents/generations/tasks/cgt-a2");
        assertEquals("failed", failed.path("status").asText());
        assertEquals("OutputVideoSensitiveContentDetected", failed.path("error").path("code").asText());
        assertEquals("expired", get("/api/v3/contents/generations/tasks/cgt-a3").path("status").asText());
        assertEquals("cancelled", get("/api/v3/contents/generations/tasks/cgt-a4").path("status").asText());

        HttpResponse<String> unknown = send("/api/v3/contents/generations/tasks/cgt-nobody", BEARER);
        assertEquals(404, unknown.statusCode());
        JsonNode error = JSON.readTree(unknown.body()).path("error");
        assertEquals("ResourceNotFound", error.path("code").asText());
        assertEquals("NotFound", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("cgt-nobody"));
        assertEquals(7, api.ark().requests(ArkShape.TASK));
    }

    @Test
    void arkListQueryAnswersManyTasksInOneRequestEachCountedAsAFetchOfIt() throws Exception {
        String url = api.video("l.mp4", Videos.mp4(5_000, 4));
        api.ark().task("cgt-l1", Step.running(0), Step.succeeded(url));
        api.ark().task("cgt-l2", Step.queued());
        api.ark().answers("cgt-l3", Answer.status(500));

        JsonNode first = get("/api/v3/contents/generations/tasks?filter.task_ids=cgt-l1&filter.task_ids=cgt-l2"
                + "&filter.task_ids=cgt-l3&filter.task_ids=cgt-nobody&page_num=1&page_size=4");
        assertEquals(2, first.path("total").asInt(), first.toString());
        assertEquals("cgt-l1", first.path("items").path(0).path("id").asText());
        assertEquals("running", first.path("items").path(0).path("status").asText());
        assertEquals("queued", first.path("items").path(1).path("status").asText());
        JsonNode second = get("/api/v3/contents/generations/tasks?filter.task_ids=cgt-l1&page_num=1&page_size=1");
        assertEquals("succeeded", second.path("items").path(0).path("status").asText(), "the list query moved the task on");
        assertEquals(url, second.path("items").path(0).path("content").path("video_url").asText());
        assertEquals("succeeded", get("/api/v3/contents/generations/tasks/cgt-l1").path("status").asText());

        String tooMany = IntStream.range(0, 501).mapToObj(i -> "filter.task_ids=cgt-m" + i).collect(Collectors.joining("&"));
        assertEquals(400, send("/api/v3/contents/generations/tasks?" + tooMany + "&page_size=501", BEARER).statusCode());
        assertEquals(401, send("/api/v3/contents/generations/tasks?filter.task_ids=cgt-l1", null).statusCode());
        assertEquals(3, api.ark().requests(ArkShape.LIST));
        assertEquals(1, api.ark().requests(ArkShape.TASK));
    }

    @Test
    void klingTasksAnswerUnderTextAndImageToVideoBesideOpenAiStyleVideos() throws Exception {
        String url = api.video("k.mp4", Videos.mp4(5_000, 5));
        api.kling().task("kt-1", Step.queued(), Step.running(0), Step.succeeded(url));
        api.kling().task("ki-1", Step.failed("1301", "image violates the content policy"));
        api.openAi().task("video_k", Step.queued());

        assertEquals("submitted", get("/v1/videos/text2video/kt-1").path("data").path("task_status").asText());
        assertEquals("processing", get("/v1/videos/text2video/kt-1").path("data").path("task_status").asText());
        JsonNode done = get("/v1/videos/text2video/kt-1");
        assertEquals(0, done.path("code").asInt());
        assertEquals("kt-1", done.path("data").path("task_id").asText());
        assertEquals("succeed", done.path("data").path("task_status").asText());
        assertEquals(url, done.path("data").path("task_result").path("videos").path(0).path("url").asText());
        JsonNode failed = get("/v1/videos/image2video/ki-1");
        assertEquals("failed", failed.path("data").path("task_status").asText());
        assertEquals("image violates the content policy", failed.path("data").path("task_status_msg").asText());
        assertEquals("queued", get("/v1/videos/video_k").path("status").asText());
        assertEquals(3, api.kling().requests(KlingShape.TEXT2VIDEO));
        assertEquals(1, api.kling().requests(KlingShape.IMAGE2VIDEO));
        assertEquals(1, api.openAi().requests(OpenAiShape.TASK));
    }

    @Test
    void everyShapeLeavesTheGatewaysOwnFetchAsItWas() throws Exception {
        api.statuses("cgt-own", FakeGateway.status("cgt-own", "IN_PROGRESS", "10%"));
        api.ark().task("cgt-own", Step.cancelled());

        assertEquals("IN_PROGRESS", get("/jimeng/fetch/cgt-own").path("data").path("status").asText());
        assertEquals("cancelled", get("/api/v3/contents/generations/tasks/cgt-own").path("status").asText());
        assertEquals(1, api.fetchesOf("cgt-own").size());
        assertFalse(api.fetchesOf("cgt-own").get(0).carries("sk-not-sent"));
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = send(path, BEARER);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String path, String authorization) throws Exception {
        return CLIENT.send(request(path, authorization).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + path)).timeout(Duration.ofSeconds(10)).GET();
        return authorization == null ? request : request.header("Authorization", authorization);
    }
}
