package io.github.jimengfetcher.provider;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.api.FetchAnswer;
import io.github.jimengfetcher.api.FetchAnswerReader.ErrorAnswerException;
import io.github.jimengfetcher.api.FetchAnswerReader.ForeignAnswerException;
import io.github.jimengfetcher.api.FetchAnswerReader.MalformedAnswerException;
import io.github.jimengfetcher.api.StatusFamily;
import io.github.jimengfetcher.api.VideoUrlCandidates;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.ProviderName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped providers' answers, as their APIs give them, read by the files' JSON Pointers into the gateway's FetchAnswer. */
class PointerAnswerReaderTest {

    private static final Map<ProviderName, Provider> SHIPPED = ProviderFiles.read(Path.of("target", "no-provider-files-here"));
    private static final String ARK_ID = "cgt-20250829165122-qkwch";
    private static final String ARK_VIDEO = "https://ark-content-generation-cn-beijing.tos-cn-beijing.volces.com/doubao-seedance-1-0-pro/"
            + ARK_ID + ".mp4?X-Tos-Algorithm=TOS4-HMAC-SHA256&X-Tos-Date=20250829T085246Z&X-Tos-Expires=86400&X-Tos-Signature=3f1c";

    private static PointerAnswerReader reader(String provider, String allowedHosts) {
        return new PointerAnswerReader(SHIPPED.get(new ProviderName(provider)), "https://relay.example.com", new VideoUrlCandidates(allowedHosts));
    }

    private static FetchAnswer ark(String id, String answer) {
        return reader("ark", "").read(id, answer);
    }

    private static String arkAnswer(String status, String more) {
        return """
                {"id":"%s","model":"doubao-seedance-1-0-pro-250528","status":"%s",%s"created_at":1756457482,"updated_at":1756457566,
                 "seed":10,"resolution":"1080p","ratio":"16:9","duration":5,"framespersecond":24}
                """.formatted(ARK_ID, status, more);
    }

    @Test
    void arkQueuedAndRunningAreStillWaiting() {
        for (String word : new String[] {"queued", "running"}) {
            FetchAnswer answer = ark(ARK_ID, arkAnswer(word, ""));
            assertEquals(StatusFamily.WAITING, answer.family());
            assertEquals(word.toUpperCase(), answer.status());
            assertNull(answer.videoUrl());
            assertEquals("doubao-seedance-1-0-pro-250528", answer.kind(), "the model is the kind");
        }
    }

    @Test
    void arkSucceededGivesTheVideoNotTheLastFrameAndItsTimes() {
        String raw = arkAnswer("succeeded", """
                "content":{"video_url":"%s","last_frame_url":"https://ark-content-generation-cn-beijing.tos-cn-beijing.volces.com/last_frame.png?X-Tos-Expires=86400"},
                "usage":{"completion_tokens":246840,"total_tokens":246840},""".formatted(ARK_VIDEO));
        FetchAnswer answer = ark(ARK_ID, raw);
        assertEquals(StatusFamily.SUCCEEDED, answer.family());
        assertTrue(answer.hasVideo());
        assertEquals(ARK_VIDEO, answer.videoUrl());
        assertEquals(1756457482_000L, answer.submittedAt());
        assertEquals(1756457566_000L, answer.finishedAt());
        assertEquals(raw, answer.raw(), "the whole answer, last frame and all, goes into the result record");
    }

    @Test
    void arkFailedSaysTheErrorCodeAndMessage() {
        FetchAnswer answer = ark(ARK_ID, arkAnswer("failed", """
                "error":{"code":"OutputVideoSensitiveContentDetected","message":"The request failed because the output video may contain sensitive information."},"""));
        assertEquals(StatusFamily.FAILED, answer.family());
        assertEquals(FailureClass.API_FAILURE, answer.failureClass());
        assertEquals("OutputVideoSensitiveContentDetected: The request failed because the output video may contain sensitive information.",
                answer.failureReason());
    }

    @Test
    void arkExpiredAndCancelledEndTheTaskSo() {
        FetchAnswer expired = ark(ARK_ID, arkAnswer("expired", ""));
        assertEquals(FailureClass.EXPIRED, expired.failureClass());
        assertEquals("the API reports the task expired (EXPIRED)", expired.failureReason());
        FetchAnswer cancelled = ark(ARK_ID, arkAnswer("cancelled", ""));
        assertEquals(FailureClass.CANCELLED, cancelled.failureClass());
    }

    @Test
    void anAnswerNamingAnotherTaskIsRefused() {
        assertThrows(ForeignAnswerException.class, () -> ark("cgt-20250829165122-other", arkAnswer("succeeded", "")));
        assertThrows(MalformedAnswerException.class, () -> ark(ARK_ID, "<html>busy</html>"));
        assertThrows(MalformedAnswerException.class, () -> ark(ARK_ID, "[1,2]"));
    }

    @Test
    void anErrorWithoutAStatusIsAnErrorAnswer() {
        ErrorAnswerException error = assertThrows(ErrorAnswerException.class,
                () -> ark(ARK_ID, "{\"error\":{\"code\":\"InternalServiceError\",\"message\":\"try again\"}}"));
        assertEquals("InternalServiceError: try again", error.getMessage());
    }

    @Test
    void aWordInNoListIsUnrecognisedAndStillFollowed() {
        FetchAnswer answer = ark(ARK_ID, arkAnswer("paused", ""));
        assertEquals(StatusFamily.UNRECOGNISED, answer.family());
        assertEquals("PAUSED", answer.status());
    }

    @Test
    void aVideoHostNotAllowedIsRefusedWithTheReason() {
        FetchAnswer answer = reader("ark", "cdn.example.com").read(ARK_ID, arkAnswer("succeeded", "\"content\":{\"video_url\":\"" + ARK_VIDEO + "\"},"));
        assertNull(answer.videoUrl());
        assertEquals("video host 'ark-content-generation-cn-beijing.tos-cn-beijing.volces.com' is not in jimeng.download.allowed-hosts",
                answer.missingVideoReason());
    }

    @Test
    void newApiTasksFromQueuedToTheirVideoOrFailure() {
        PointerAnswerReader newApi = reader("new-api", "");
        String id = "task_01JZ7ZK1C4Y5Q";
        assertEquals(StatusFamily.WAITING, newApi.read(id, "{\"task_id\":\"" + id + "\",\"status\":\"queued\"}").family());
        assertEquals(StatusFamily.WAITING, newApi.read(id, "{\"task_id\":\"" + id + "\",\"status\":\"in_progress\"}").family());
        assertEquals(StatusFamily.WAITING, newApi.read(id, "{\"task_id\":\"" + id + "\",\"status\":\"processing\",\"error\":null}").family());
        FetchAnswer done = newApi.read(id, """
                {"task_id":"%s","status":"succeeded","format":"mp4","url":"https://cdn.relay.example/v/视频 1.mp4?sig=a b",
                 "metadata":{"duration":5.0,"fps":30,"width":1280,"height":720,"seed":20231234},"error":null}
                """.formatted(id));
        assertEquals("https://cdn.relay.example/v/%E8%A7%86%E9%A2%91%201.mp4?sig=a%20b", done.videoUrl(), "on the wire as a browser sends it");
        assertNull(done.kind());
        FetchAnswer failed = newApi.read(id, """
                {"task_id":"%s","status":"failed","error":{"code":"content_policy_violation","message":"prompt rejected"}}
                """.formatted(id));
        assertEquals(FailureClass.API_FAILURE, failed.failureClass());
        assertEquals("content_policy_violation: prompt rejected", failed.failureReason());
    }

    @Test
    void openAiVideosProgressTimesAndTheVideoOnTheProvidersOwnPath() {
        PointerAnswerReader openai = reader("openai-videos", "");
        String id = "video_68d7512d07848190b3e45da0ecbebcde004da08e1e0678d5";
        FetchAnswer running = openai.read(id, """
                {"id":"%s","object":"video","created_at":1758941485,"status":"in_progress","model":"sora-2","progress":45,"seconds":"8","size":"1280x720"}
                """.formatted(id));
        assertEquals(StatusFamily.WAITING, running.family());
        assertEquals("45%", running.progress());
        assertEquals("IN_PROGRESS 45%", running.toString());
        assertEquals("sora-2", running.kind());
        FetchAnswer done = openai.read(id, """
                {"id":"%s","object":"video","created_at":1758941485,"completed_at":1758941600,"status":"completed","model":"sora-2",
                 "progress":100,"seconds":"8","size":"1280x720","video_url":"https://elsewhere.example/v.mp4"}
                """.formatted(id));
        assertEquals("https://relay.example.com/v1/videos/" + id + "/content", done.videoUrl(), "download.path comes first");
        assertEquals(1758941600_000L, done.finishedAt());
        FetchAnswer failed = openai.read(id, """
                {"id":"%s","object":"video","status":"failed","error":{"code":"moderation_blocked","message":"Your request was blocked."}}
                """.formatted(id));
        assertEquals("moderation_blocked: Your request was blocked.", failed.failureReason());
    }

    @Test
    void timesAreSecondsMillisecondsOrIsoText() {
        assertEquals(1722769557708L, AnswerTimes.epochMillis(new com.fasterxml.jackson.databind.node.LongNode(1722769557708L)));
        assertEquals(1756457482_000L, AnswerTimes.epochMillis(new com.fasterxml.jackson.databind.node.TextNode("1756457482")));
        assertEquals(1756457482_000L, AnswerTimes.epochMillis(new com.fasterxml.jackson.databind.node.TextNode("2025-08-29T08:51:22Z")));
        assertEquals(1756457482_000L, AnswerTimes.epochMillis(new com.fasterxml.jackson.databind.node.TextNode("2025-08-29T16:51:22+08:00")));
        assertNull(AnswerTimes.epochMillis(new com.fasterxml.jackson.databind.node.IntNode(0)));
        assertNull(AnswerTimes.epochMillis(new com.fasterxml.jackson.databind.node.TextNode("soon")));
    }
}
