package io.github.jimengfetcher.schedule;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.CapturedLog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The learned durations of one instance, kept in a file under jimeng.work.folder across restarts. */
class DurationFileTest {

    @TempDir
    Path work;

    private LearnedDurations learnFrom(int n, double seconds) {
        LearnedDurations durations = new LearnedDurations(new DurationFile(work));
        for (int i = 0; i < n; i++) {
            durations.learn("jimeng-videos", Math.round((seconds + i % 10) * 1000));
        }
        durations.keep();
        return durations;
    }

    @Test
    void whatWasLearnedIsThereAfterARestart() throws Exception {
        LearnedDurations before = learnFrom(120, 55);
        LearnedDurations after = new LearnedDurations(new DurationFile(work));

        DurationHistogram kept = after.forKind("jimeng-videos");
        assertNotNull(kept, "trusted after the restart");
        DurationHistogram learned = before.forKind("jimeng-videos");
        assertEquals(learned.count(), kept.count(), 1e-3);
        assertEquals(learned.quantile(0.5), kept.quantile(0.5), 1e-3);
        assertEquals(learned.count(), after.all().get(LearnedDurations.ANY).count(), 1e-3, "all kinds together too");
        try (var files = Files.list(work)) {
            assertEquals(List.of(DurationFile.FILE_NAME), files.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    @Test
    void aMissingFileIsAnEmptyHistoryWithoutAWord() {
        try (CapturedLog log = CapturedLog.capture()) {
            LearnedDurations durations = new LearnedDurations(new DurationFile(work));
            assertNull(durations.forKind("jimeng-videos"));
            assertTrue(durations.all().isEmpty());
            assertEquals(0, log.count("WARN"), log.all());
        }
    }

    @Test
    void aCorruptFileIsIgnoredWithAWarningAndReplacedByTheNextLesson() throws Exception {
        Files.writeString(work.resolve(DurationFile.FILE_NAME), "{\"buckets\": \"log2/8/138\", \"kinds\": {\"any\": [1, 2");
        try (CapturedLog log = CapturedLog.capture()) {
            LearnedDurations durations = new LearnedDurations(new DurationFile(work));
            assertNull(durations.forKind("jimeng-videos"), "the plain interval");
            assertFalse(log.containing("cannot be read").isEmpty(), log.all());
            durations.learn("jimeng-videos", 60_000);
            durations.keep();
        }
        assertEquals(1, new DurationFile(work).load().get(LearnedDurations.ANY).count(), 1e-6);
    }

    @Test
    void aFileOfAnotherLayoutOrWithBadWeightsIsIgnored() throws Exception {
        Files.writeString(work.resolve(DurationFile.FILE_NAME), "{\"buckets\": \"linear/10\", \"kinds\": {\"any\": [1, 2]}}");
        try (CapturedLog log = CapturedLog.capture()) {
            assertTrue(new DurationFile(work).load().isEmpty());
            assertFalse(log.containing("learned afresh").isEmpty(), log.all());
        }
        Files.writeString(work.resolve(DurationFile.FILE_NAME), "{\"buckets\": \"" + DurationFile.LAYOUT + "\", \"kinds\": {\"any\": [1, 2]}}");
        assertTrue(new DurationFile(work).load().isEmpty(), "a wrong number of buckets");
    }

    /** A burst of lessons (tasks finishing together) is written once, not once each; stopping writes the rest. */
    @Test
    void lessonsAreKeptTogetherAndTheRestWhenTheAppStops() throws Exception {
        LearnedDurations durations = new LearnedDurations(new DurationFile(work));
        durations.learn("jimeng-videos", 60_000);
        for (int i = 0; i < 499; i++) {
            durations.learn("jimeng-videos", 61_000);
        }
        assertTrue(new DurationFile(work).load().isEmpty(), "nothing written within the first seconds");
        durations.keep(); // what the app's stop does
        assertEquals(durations.all().get(LearnedDurations.ANY).count(), new DurationFile(work).load().get(LearnedDurations.ANY).count(), 1e-3);
        assertEquals(durations.all().get("jimeng-videos").quantile(0.5), new DurationFile(work).load().get("jimeng-videos").quantile(0.5), 1e-3);
    }

    @Test
    void aKindSeenTooRarelyIsScheduledByAllKinds() {
        LearnedDurations durations = learnFrom(80, 55);
        durations.learn("seedance/rare", 300_000);
        assertEquals(durations.all().get(LearnedDurations.ANY), durations.forKind("seedance/rare"));
        assertEquals(durations.all().get("jimeng-videos"), durations.forKind("jimeng-videos"));
        assertEquals(durations.all().get(LearnedDurations.ANY), durations.forKind(null));
    }

    @Test
    void theNumberOfKindsIsBounded() {
        LearnedDurations durations = new LearnedDurations(new DurationFile(work));
        for (int i = 0; i < 100; i++) {
            durations.learn("kind-" + i, 60_000);
        }
        assertEquals(LearnedDurations.MAX_KINDS, durations.all().size());
        assertEquals(100 * (1 - 100 / 2.0 / DurationHistogram.CAP), durations.all().get(LearnedDurations.ANY).count(), 1,
                "every lesson counted under any (less the decay)");
    }

    @Test
    void durationsPastTheBoundKeptInTheFileAreDroppedFromItAtStart() throws Exception {
        // As an earlier version kept them: 60 tasks of about 40 s, and 66 whose submit_time was 1 (years).
        StringBuilder weights = new StringBuilder();
        for (int b = 0; b < DurationHistogram.EARLIER_BUCKETS; b++) {
            weights.append(b == 0 ? "" : ",").append(b == DurationHistogram.bucketOf(40) ? 60 : b == DurationHistogram.EARLIER_BUCKETS - 1 ? 66 : 0);
        }
        String any = "[" + weights + "]";
        Files.writeString(work.resolve(DurationFile.FILE_NAME), "{\"buckets\": \"" + DurationFile.EARLIER_LAYOUT
                + "\", \"kinds\": {\"any\": " + any + ", \"jimeng-videos\": " + any + "}}");

        try (CapturedLog log = CapturedLog.capture()) {
            LearnedDurations durations = new LearnedDurations(new DurationFile(work));
            DurationHistogram kept = durations.forKind("jimeng-videos");
            assertNotNull(kept);
            assertEquals(40, kept.quantile(0.5), 4, "the schedule goes by the 40 s tasks alone");
            assertEquals(1, log.count("Dropped the learned task durations longer than 72 h (about 66 tasks' worth)"), log.all());
        }
        // The file itself no longer holds them: another start reads it as it is, with nothing to drop.
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(work.resolve(DurationFile.FILE_NAME).toFile());
        assertEquals(DurationFile.LAYOUT, root.path("buckets").asText());
        for (String kind : List.of("any", "jimeng-videos")) {
            var stored = root.path("kinds").path(kind);
            assertEquals(DurationHistogram.BUCKETS, stored.size(), kind);
            assertEquals(0, stored.get(DurationHistogram.BUCKETS - 1).asDouble(), kind);
            assertEquals(60, stored.get(DurationHistogram.bucketOf(40)).asDouble(), 1e-3, kind);
        }
        try (CapturedLog log = CapturedLog.capture()) {
            new LearnedDurations(new DurationFile(work)).forKind("jimeng-videos");
            assertEquals(0, log.count("Dropped"), log.all());
        }
    }
}
