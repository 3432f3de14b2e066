package io.github.jimengfetcher.inbox;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The names read inbox files are kept under in inbox/.done/. */
class DoneNamesTest {

    private static final Clock SAME_MILLISECOND = Clock.fixed(Instant.parse("2026-12-07T14:15:00.123Z"), ZoneId.of("UTC"));

    private static Submission batch() {
        return Submission.inboxFile(InboxFile.notTaken("batch-7.txt", "test"), Instant.EPOCH);
    }

    /**
     * Camel's move deletes what is at the target before renaming: under one name, the second of two
     * instances reading a file in the same millisecond would delete the copy the first moved there.
     */
    @Test
    void twoInstancesSharingTheInboxNeverKeepAFileUnderOneNameEvenInTheSameMillisecond() {
        String a = new DoneNames("a", SAME_MILLISECOND).of(batch());
        String b = new DoneNames("b", SAME_MILLISECOND).of(batch());
        assertNotEquals(a, b);
        assertTrue(a.endsWith("-a-batch-7.txt") && b.endsWith("-b-batch-7.txt"), a + " " + b);
    }

    @Test
    void aSingleInstanceKeepsTheTimeItReadTheFileAndTheFileName() {
        Clock utc = SAME_MILLISECOND.withZone(ZoneId.systemDefault());
        String name = new DoneNames("", utc).of(batch());
        String time = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmssSSS")
                .format(SAME_MILLISECOND.instant().atZone(ZoneId.systemDefault()));
        assertEquals(time + "-batch-7.txt", name);
    }

    @Test
    void aLongNameWithTheLongestInstanceIdStillFitsAFileSystemName() {
        String longest = "i".repeat(64);
        String name = new DoneNames(longest, SAME_MILLISECOND)
                .of(Submission.inboxFile(InboxFile.notTaken("任务".repeat(200) + ".txt", "test"), Instant.EPOCH));
        assertTrue(name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255, name);
        assertTrue(List.of(name.split("-")).contains(longest), name);
    }
}
