package io.github.jimengfetcher.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class VideoRangeTest {

    @Test
    void oneRangeOfBytesIsServedAsAskedWithinTheFile() {
        assertEquals(new VideoRange(VideoRange.Kind.PART, 0, 99, 1000), VideoRange.of("bytes=0-99", 1000));
        assertEquals(new VideoRange(VideoRange.Kind.PART, 900, 999, 1000), VideoRange.of("bytes=900-5000", 1000));
        assertEquals(new VideoRange(VideoRange.Kind.PART, 500, 999, 1000), VideoRange.of("bytes=500-", 1000));
        assertEquals(new VideoRange(VideoRange.Kind.PART, 990, 999, 1000), VideoRange.of("bytes=-10", 1000));
        assertEquals(new VideoRange(VideoRange.Kind.PART, 0, 999, 1000), VideoRange.of("bytes=-5000", 1000));
        assertEquals("bytes 990-999/1000", VideoRange.of("bytes=-10", 1000).contentRange());
    }

    @Test
    void numbersTooLargeForALongLieBeyondTheEnd() {
        assertEquals(new VideoRange(VideoRange.Kind.PART, 0, 999, 1000), VideoRange.of("bytes=0-99999999999999999999", 1000));
        assertEquals(new VideoRange(VideoRange.Kind.PART, 0, 999, 1000), VideoRange.of("bytes=-99999999999999999999", 1000));
        assertEquals(VideoRange.Kind.UNSATISFIABLE, VideoRange.of("bytes=99999999999999999999-", 1000).kind());
        assertEquals(VideoRange.Kind.UNSATISFIABLE, VideoRange.of("bytes=99999999999999999999-99999999999999999999", 1000).kind());
    }

    @Test
    void rangesPastTheEndCannotBeServedAndOthersAskForTheWholeFile() {
        assertEquals(VideoRange.Kind.UNSATISFIABLE, VideoRange.of("bytes=1000-", 1000).kind());
        assertEquals(VideoRange.Kind.UNSATISFIABLE, VideoRange.of("bytes=1000-2000", 1000).kind());
        assertEquals(VideoRange.Kind.UNSATISFIABLE, VideoRange.of("bytes=-0", 1000).kind());
        assertEquals(VideoRange.Kind.UNSATISFIABLE, VideoRange.of("bytes=0-", 0).kind());
        assertEquals("bytes */1000", VideoRange.of("bytes=1000-", 1000).contentRange());
        for (String whole : new String[] {null, "", "bytes=", "bytes=-", "items=0-1", "bytes=0-1,5-6", "bytes=9-3"}) {
            assertEquals(VideoRange.Kind.WHOLE, VideoRange.of(whole, 1000).kind(), whole);
        }
    }

    @Test
    void taskQueriesAreReadOrRefusedWithTheReason() {
        TaskQuery defaults = TaskQuery.of(null, null, null, null);
        assertNull(defaults.problem());
        assertEquals(100, defaults.limit());
        assertEquals(0, defaults.offset());
        assertNull(defaults.state());
        assertEquals("", defaults.idPart());
        TaskQuery asked = TaskQuery.of("failed", " 2025 ", "200", "1000");
        assertEquals(io.github.jimengfetcher.task.TaskState.FAILED, asked.state());
        assertEquals("2025", asked.idPart());
        assertEquals(200, asked.offset());
        assertEquals(1000, asked.limit());
        for (String[] bad : new String[][] {{"done", null, null, null}, {null, null, "-1", null}, {null, null, null, "0"},
                {null, null, null, "1001"}, {null, null, "1e3", null}, {null, "x".repeat(129), null, null}}) {
            assertEquals(false, TaskQuery.of(bad[0], bad[1], bad[2], bad[3]).isValid(), String.join(",", java.util.Arrays.asList(bad).toString()));
        }
    }
}
