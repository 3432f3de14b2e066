package io.github.jimengfetcher;

import io.github.jimengfetcher.support.FakeGateway;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The answer shapes of the API reference, one by one, including the URL look-up order. */
class FetchAnswerReaderTest {

    private final FetchAnswerReader reader = new FetchAnswerReader();

    @Test
    void providersExampleYieldsTheNestedVideo() {
        FetchAnswer answer = reader.read(FakeGateway.success("cgt-1", "https://x.volces.com/a.mp4?X-Tos-Expires=86400"));
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
        assertEquals("https://first/a.mp4", reader.read(all).videoUrl());
        String noNested = all.replace("\"video\":\"https://first/a.mp4\"", "\"video\":\"\"");
        assertEquals("https://second/b.mp4", reader.read(noNested).videoUrl());
        String onlyReason = noNested.replace("\"result_url\":\"https://second/b.mp4\",", "");
        assertEquals("https://third/c.mp4", reader.read(onlyReason).videoUrl());
        String onlyField = onlyReason.replace("see https://third/c.mp4", "");
        assertEquals("https://fourth/d.mp4", reader.read(onlyField).videoUrl());
        String none = onlyField.replace("https://fourth/d.mp4", "");
        assertNull(reader.read(none).videoUrl());
        assertFalse(reader.read(none).hasVideo());
    }

    @Test
    void schemaVariantWithIntegerCodeAndTaskStatusIsRead() {
        FetchAnswer answer = reader.read("{\"code\":200,\"message\":\"\",\"request_id\":\"r\",\"data\":{\"task_id\":\"t\",\"task_status\":\"in_progress\",\"created_at\":1,\"updated_at\":2}}");
        assertEquals("IN_PROGRESS", answer.status());
        assertEquals("", answer.progress());
    }

    @Test
    void failReasonMeansFailureOnlyWhenTheStatusSaysSo() {
        FetchAnswer inProgress = reader.read("{\"data\":{\"status\":\"IN_PROGRESS\",\"fail_reason\":\"transient upstream hiccup\"}}");
        assertFalse(inProgress.isFailure());
        FetchAnswer failure = reader.read(FakeGateway.failure("t", "quota exceeded"));
        assertTrue(failure.isFailure());
        assertEquals("quota exceeded", failure.failureReason());
        assertEquals("the API reported FAILURE without a reason", reader.read("{\"data\":{\"status\":\"FAILURE\"}}").failureReason());
    }

    @Test
    void missingStatusIsUnknownAndNotFinal() {
        FetchAnswer answer = reader.read("{\"code\":\"success\",\"data\":{\"task_id\":\"t\"}}");
        assertEquals("UNKNOWN", answer.status());
        assertFalse(answer.isSuccess() || answer.isFailure() || answer.isUnrecognised());
        assertTrue(reader.read("{\"data\":{\"status\":\"PAUSED\"}}").isUnrecognised());
    }

    @Test
    void onlyHttpUrlsAndOnlyAllowedHostsAreFollowed() {
        FetchAnswer ftp = reader.read("{\"data\":{\"status\":\"SUCCESS\",\"result_url\":\"ftp://host/a.mp4\"}}");
        assertNull(ftp.videoUrl());
        assertTrue(ftp.missingVideoReason().contains("'ftp'"));
        reader.setAllowedVideoHosts("cdn.example.com, other.example.com");
        FetchAnswer elsewhere = reader.read("{\"data\":{\"status\":\"SUCCESS\",\"result_url\":\"https://evil.example.net/a.mp4\"}}");
        assertNull(elsewhere.videoUrl());
        assertTrue(elsewhere.missingVideoReason().contains("evil.example.net"));
        assertEquals("https://CDN.example.com/a.mp4",
                reader.read("{\"data\":{\"status\":\"SUCCESS\",\"result_url\":\"https://CDN.example.com/a.mp4\"}}").videoUrl());
    }

    @Test
    void anAnswerThatIsNotJsonIsAPassingFault() {
        assertThrows(FetchAnswerReader.MalformedAnswerException.class, () -> reader.read("<html>502 Bad Gateway</html>"));
        assertThrows(FetchAnswerReader.MalformedAnswerException.class, () -> reader.read(""));
        assertThrows(FetchAnswerReader.MalformedAnswerException.class, () -> reader.read("[1,2]"));
    }

    @Test
    void taskNotExistIsRecognised() {
        assertTrue(FetchAnswerReader.isTaskNotFound(FakeGateway.TASK_NOT_EXIST));
        assertFalse(FetchAnswerReader.isTaskNotFound("{\"error\":{\"message\":\"bad\",\"type\":\"new_api_error\"}}"));
        assertFalse(FetchAnswerReader.isTaskNotFound("not json"));
    }
}
