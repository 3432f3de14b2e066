package io.github.jimengfetcher.api;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The answer shapes of the API reference, one by one, including the URL look-up order. */
class FetchAnswerReaderTest {

    private final FetchAnswerReader reader = new FetchAnswerReader();

    private StatusFamily familyOf(String word) {
        return reader.read(null, "{\"code\":\"success\",\"data\":{\"status\":\"" + word + "\"}}").family();
    }

    @Test
    void statusWordsOfEveryGatewayAndProviderAreKnownInAnyCase() {
        Map<StatusFamily, List<String>> words = Map.of(
                StatusFamily.WAITING, List.of("NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS", "UNKNOWN", "queued", "running",
                        "in_queue", "generating", "in_progress", "pending", "processing", "In Progress", "in-progress", ""),
                StatusFamily.SUCCEEDED, List.of("SUCCESS", "succeeded", "done", "completed", "COMPLETED", "SUCCEEDED", "Success"),
                StatusFamily.FAILED, List.of("FAILURE", "failed", "FAILED", "ERROR", "error", "Failure"),
                StatusFamily.EXPIRED, List.of("expired", "EXPIRED"),
                StatusFamily.CANCELLED, List.of("cancelled", "canceled", "CANCELLED", "Canceled"),
                StatusFamily.NOT_FOUND, List.of("not_found", "NOT_FOUND", "not found"));
        words.forEach((family, list) -> list.forEach(word -> assertEquals(family, familyOf(word), "'" + word + "'")));
        assertEquals(StatusFamily.UNRECOGNISED, familyOf("WARMING_UP"));
        assertEquals("expired", reader.read(null, "{\"data\":{\"status\":\"expired\"}}").failureClass().wireName());
        assertEquals("cancelled", reader.read(null, "{\"data\":{\"status\":\"canceled\"}}").failureClass().wireName());
        assertEquals("not_found", reader.read(null, "{\"data\":{\"status\":\"not_found\"}}").failureClass().wireName());
        // OpenAI-style and Ark answers name the status at the top.
        assertEquals(StatusFamily.SUCCEEDED, reader.read(null, "{\"id\":\"v1\",\"status\":\"completed\"}").family());
    }

    @Test
    void everyStatusWordIsListedInTheOperatingDocs() throws Exception {
        String docs = java.nio.file.Files.readString(java.nio.file.Path.of("docs", "operating.md")).toUpperCase(java.util.Locale.ROOT);
        for (StatusFamily family : StatusFamily.values()) {
            for (String word : family.words()) {
                assertTrue(docs.contains("`" + word + "`"), word + " is missing from the status words of docs/operating.md");
            }
        }
    }

    @Test
    void failureReasonIsInTheGatewaysWords() {
        assertEquals("quota exhausted", reader.read(null,
                "{\"code\":\"error\",\"message\":\"quota exhausted\",\"data\":{\"status\":\"failed\"}}").failureReason());
        assertEquals("moderation blocked", reader.read(null,
                "{\"id\":\"v\",\"status\":\"failed\",\"error\":{\"code\":\"x\",\"message\":\"moderation blocked\"}}").failureReason());
        FetchAnswer expired = reader.read(null, "{\"code\":10000,\"message\":\"Success\",\"data\":{\"status\":\"expired\"}}");
        assertTrue(expired.failureReason().contains("expired"), expired.failureReason());
        assertEquals("", expired.message(), "Jimeng's code 10000 and message Success are no error");
    }

    @Test
    void anErrorNamingNoStatusIsAnErrorAnswerWithTheGatewaysMessage() {
        FetchAnswerReader.ErrorAnswerException envelope = assertThrows(FetchAnswerReader.ErrorAnswerException.class,
                () -> reader.read("cgt-e", "{\"code\":\"error\",\"message\":\"upstream unavailable\"}"));
        assertEquals("upstream unavailable", envelope.getMessage());
        FetchAnswerReader.ErrorAnswerException error = assertThrows(FetchAnswerReader.ErrorAnswerException.class,
                () -> reader.read("cgt-e", "{\"error\":{\"message\":\"channel busy\",\"type\":\"new_api_error\"}}"));
        assertEquals("the API answered with an error: channel busy", error.describe());
        assertThrows(FetchAnswerReader.ErrorAnswerException.class,
                () -> reader.read("cgt-e", "{\"code\":500,\"message\":\"internal\",\"data\":{\"status\":\"UNKNOWN\"}}"));
        // Judged by the status when there is one; a plain answer without status is still "not finished yet".
        assertEquals(StatusFamily.WAITING, reader.read("cgt-e", "{\"code\":\"error\",\"message\":\"slow\",\"data\":{\"status\":\"QUEUED\"}}").family());
        assertEquals(StatusFamily.WAITING, reader.read("cgt-e", "{\"code\":200,\"data\":{\"task_id\":\"cgt-e\"}}").family());
    }

    @Test
    void anAnswerNamingAnotherTaskIsNeverActedOn() {
        String url = "https://x.volces.com/other.mp4";
        FetchAnswerReader.ForeignAnswerException foreign = assertThrows(FetchAnswerReader.ForeignAnswerException.class,
                () -> reader.read("cgt-mine", FakeGateway.success("cgt-other", url)));
        assertEquals("answer names task cgt-other", foreign.describe());
        String nestedOther = FakeGateway.success("cgt-mine", url).replace(
                "\"status\":\"SUCCESS\",\"task_id\":\"cgt-mine\"", "\"status\":\"SUCCESS\",\"task_id\":\"cgt-other\"");
        assertThrows(FetchAnswerReader.ForeignAnswerException.class, () -> reader.read("cgt-mine", nestedOther));
        assertEquals(url, reader.read("cgt-mine", FakeGateway.success("cgt-mine", url)).videoUrl());
    }

    @Test
    void fieldsNamedForVideoAndUrlsThatMayBeVideosComeBeforeThumbnails() {
        assertEquals("https://h/v.mp4", reader.read(null,
                "{\"data\":{\"status\":\"SUCCESS\",\"extra\":{\"url\":\"https://h/thumb.jpg\",\"video_url\":\"https://h/v.mp4\"}}}").videoUrl());
        assertEquals("https://h/v", reader.read(null,
                "{\"data\":{\"status\":\"SUCCESS\",\"url\":\"https://h/v\",\"videoUrl\":\"https://h/cover.PNG?x=1\"}}").videoUrl());
        assertEquals("https://h/clip.mp4", reader.read(null,
                "{\"data\":{\"status\":\"SUCCESS\",\"items\":[{\"url\":\"https://h/a.webp\"},{\"url\":\"https://h/clip.mp4\"}]}}").videoUrl());
        // Ark's content.video_url beside a cover image.
        assertEquals("https://h/ark.mp4", reader.read(null,
                "{\"id\":\"cgt-1\",\"status\":\"succeeded\",\"content\":{\"cover_url\":\"https://h/c.jpg\",\"url\":\"https://h/c.gif\",\"video_url\":\"https://h/ark.mp4\"}}").videoUrl());
        // The documented places keep their order.
        assertEquals("https://h/result.jpg", reader.read(null,
                "{\"data\":{\"status\":\"SUCCESS\",\"result_url\":\"https://h/result.jpg\",\"video_url\":\"https://h/v.mp4\"}}").videoUrl());
    }

    @Test
    void theVideoUrlIsTheEncodedFormThatGoesOnTheWire() {
        FetchAnswer answer = reader.read(null, "{\"data\":{\"status\":\"SUCCESS\",\"result_url\":\"https://cdn.example.com/视频 1.mp4?name=猫&sig=a+b%2F=\"}}");
        assertEquals("https://cdn.example.com/%E8%A7%86%E9%A2%91%201.mp4?name=%E7%8C%AB&sig=a+b%2F=", answer.videoUrl());
        reader.setAllowedVideoHosts(List.of("视频.example"));
        assertEquals("https://xn--cy2a840a.example/a.mp4",
                reader.read(null, "{\"data\":{\"status\":\"SUCCESS\",\"result_url\":\"https://视频.example/a.mp4\"}}").videoUrl());
        FetchAnswer elsewhere = reader.read(null, "{\"data\":{\"status\":\"SUCCESS\",\"result_url\":\"https://cdn.example.com/a b.mp4\"}}");
        assertNull(elsewhere.videoUrl());
        assertTrue(elsewhere.missingVideoReason().contains("not in jimeng.download.allowed-hosts"), elsewhere.missingVideoReason());
    }

    @Test
    void providersExampleYieldsTheNestedVideo() {
        FetchAnswer answer = reader.read(null, FakeGateway.success("cgt-1", "https://x.volces.com/a.mp4?X-Tos-Expires=86400"));
        assertEquals("SUCCESS", answer.status());
        assertEquals("100%", answer.progress());
        assertEquals("https://x.volces.com/a.mp4?X-Tos-Expires=86400", answer.videoUrl());
        assertTrue(answer.hasVideo());
    }

    @Test
    void urlsAreLookedUpInTheDocumentedOrder() {
        String all = """
                {"code":"success","data":{"status":"SUCCESS","result_url":"https://second/b.mp4","fail_reason":"see https://third/c.mp4",
                 "extra":{"video_url":"https://fourth/d.mp4"},
                 "data":{"data":{"data":{"video":"https://first/a.mp4"}}}}}""";
        assertEquals("https://first/a.mp4", reader.read(null, all).videoUrl());
        String noNested = all.replace("\"video\":\"https://first/a.mp4\"", "\"video\":\"\"");
        assertEquals("https://second/b.mp4", reader.read(null, noNested).videoUrl());
        String onlyReason = noNested.replace("\"result_url\":\"https://second/b.mp4\",", "");
        assertEquals("https://third/c.mp4", reader.read(null, onlyReason).videoUrl());
        String onlyField = onlyReason.replace("see https://third/c.mp4", "");
        assertEquals("https://fourth/d.mp4", reader.read(null, onlyField).videoUrl());
        String none = onlyField.replace("https://fourth/d.mp4", "");
        assertNull(reader.read(null, none).videoUrl());
        assertFalse(reader.read(null, none).hasVideo());
    }

    @Test
    void schemaVariantWithIntegerCodeAndTaskStatusIsRead() {
        FetchAnswer answer = reader.read(null, "{\"code\":200,\"message\":\"\",\"request_id\":\"r\",\"data\":{\"task_id\":\"t\",\"task_status\":\"in_progress\",\"created_at\":1,\"updated_at\":2}}");
        assertEquals("IN_PROGRESS", answer.status());
        assertEquals("", answer.progress());
    }

    @Test
    void failReasonMeansFailureOnlyWhenTheStatusSaysSo() {
        FetchAnswer inProgress = reader.read(null, "{\"data\":{\"status\":\"IN_PROGRESS\",\"fail_reason\":\"transient upstream hiccup\"}}");
        assertFalse(inProgress.endsWithoutVideo());
        FetchAnswer failure = reader.read(null, FakeGateway.failure("t", "quota exceeded"));
        assertTrue(failure.endsWithoutVideo());
        assertEquals("api_failure", failure.failureClass().wireName());
        assertEquals("quota exceeded", failure.failureReason());
        assertEquals("the API reported FAILURE without a reason", reader.read(null, "{\"data\":{\"status\":\"FAILURE\"}}").failureReason());
    }

    @Test
    void missingStatusIsUnknownAndNotFinal() {
        FetchAnswer answer = reader.read(null, "{\"code\":\"success\",\"data\":{\"task_id\":\"t\"}}");
        assertEquals("UNKNOWN", answer.status());
        assertEquals(StatusFamily.WAITING, answer.family());
        assertEquals(StatusFamily.UNRECOGNISED, reader.read(null, "{\"data\":{\"status\":\"PAUSED\"}}").family());
        assertFalse(reader.read(null, "{\"data\":{\"status\":\"PAUSED\"}}").endsWithoutVideo());
    }

    @Test
    void onlyHttpUrlsAndOnlyAllowedHostsAreFollowed() {
        FetchAnswer ftp = reader.read(null, "{\"data\":{\"status\":\"SUCCESS\",\"result_url\":\"ftp://host/a.mp4\"}}");
        assertNull(ftp.videoUrl());
        assertTrue(ftp.missingVideoReason().contains("'ftp'"));
        reader.setAllowedVideoHosts(List.of("cdn.example.com", "other.example.com"));
        FetchAnswer elsewhere = reader.read(null, "{\"data\":{\"status\":\"SUCCESS\",\"result_url\":\"https://evil.example.net/a.mp4\"}}");
        assertNull(elsewhere.videoUrl());
        assertTrue(elsewhere.missingVideoReason().contains("evil.example.net"));
        assertEquals("https://CDN.example.com/a.mp4",
                reader.read(null, "{\"data\":{\"status\":\"SUCCESS\",\"result_url\":\"https://CDN.example.com/a.mp4\"}}").videoUrl());
    }

    @Test
    void anAnswerThatIsNotJsonIsAPassingFault() {
        assertThrows(FetchAnswerReader.MalformedAnswerException.class, () -> reader.read(null, "<html>502 Bad Gateway</html>"));
        assertThrows(FetchAnswerReader.MalformedAnswerException.class, () -> reader.read(null, ""));
        assertThrows(FetchAnswerReader.MalformedAnswerException.class, () -> reader.read(null, "[1,2]"));
    }

    @Test
    void taskNotExistIsRecognised() {
        assertTrue(FetchAnswerReader.isTaskNotFound(FakeGateway.TASK_NOT_EXIST));
        assertFalse(FetchAnswerReader.isTaskNotFound("{\"error\":{\"message\":\"bad\",\"type\":\"new_api_error\"}}"));
        assertFalse(FetchAnswerReader.isTaskNotFound("not json"));
    }

    @Test
    void theKindAndTheGatewaysTimesAreReadForTheSchedule() {
        FetchAnswer example = reader.read(null, FakeGateway.success("cgt-20250829165122-qkwch", "https://v.example/x.mp4"));
        assertEquals("jimeng-videos", example.kind());
        assertEquals(1756457484_000L, example.submittedAt());
        assertEquals(1756457496_000L, example.finishedAt());

        FetchAnswer withModel = reader.read(null, "{\"data\":{\"status\":\"IN_PROGRESS\",\"action\":\"generate\",\"model\":\"seedance 1.0\","
                + "\"submit_time\":\"1756457484.25\",\"finish_time\":0}}");
        assertEquals("generate/seedance_1.0", withModel.kind(), "action and model, as a label can hold them");
        assertEquals(1756457484_250L, withModel.submittedAt(), "a numeric string, with a fraction");
        assertNull(withModel.finishedAt(), "0 is not yet");

        FetchAnswer upstreamOnly = reader.read(null, "{\"data\":{\"status\":\"queued\",\"data\":{\"action\":\"jimeng-videos\"},"
                + "\"submit_time\":1756457484123}}");
        assertEquals("jimeng-videos", upstreamOnly.kind(), "the upstream's action when the gateway names none");
        assertEquals(1756457484123L, upstreamOnly.submittedAt(), "a time that large is milliseconds already");

        FetchAnswer bare = reader.read(null, "{\"data\":{\"status\":\"queued\",\"submit_time\":\"soon\"}}");
        assertNull(bare.kind());
        assertNull(bare.submittedAt());
    }
}
