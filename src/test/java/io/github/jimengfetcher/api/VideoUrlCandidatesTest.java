package io.github.jimengfetcher.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which video URL candidate is followed, and what is said when none may be. */
class VideoUrlCandidatesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static VideoUrlCandidates.Pick pick(VideoUrlCandidates candidates, String answer) throws Exception {
        JsonNode root = JSON.readTree(answer);
        return candidates.pick(root, root.path("data"), root.path("data").path("fail_reason").asText(""));
    }

    @Test
    void anUnusableCandidateIsPassedOverForTheNextOne() throws Exception {
        VideoUrlCandidates.Pick pick = pick(new VideoUrlCandidates(""),
                "{\"data\":{\"result_url\":\"ftp://h/a.mp4\",\"extra\":{\"video_url\":\"https://h/b.mp4\"}}}");
        assertEquals("https://h/b.mp4", pick.url());
        assertNull(pick.problem(), "a usable URL leaves no problem behind");
    }

    @Test
    void whenNoneMayBeFollowedTheFirstProblemIsTold() throws Exception {
        VideoUrlCandidates.Pick pick = pick(new VideoUrlCandidates(" cdn.example.com ,"),
                "{\"data\":{\"result_url\":\"https://evil.example.net/a.mp4\",\"extra\":{\"video_url\":\"ftp://cdn.example.com/b.mp4\"}}}");
        assertNull(pick.url());
        assertEquals("video host 'evil.example.net' is not in jimeng.download.allowed-hosts", pick.problem());
        VideoUrlCandidates.Pick none = pick(new VideoUrlCandidates(null), "{\"data\":{\"result_url\":\"\"}}");
        assertNull(none.url());
        assertNull(none.problem(), "no candidate, no problem: the answer simply holds no URL");
    }

    @Test
    void aUrlInTheFailReasonIsACandidate() throws Exception {
        assertEquals("https://h/c.mp4", pick(new VideoUrlCandidates(""),
                "{\"data\":{\"fail_reason\":\"video at https://h/c.mp4 ready\"}}").url());
    }
}
