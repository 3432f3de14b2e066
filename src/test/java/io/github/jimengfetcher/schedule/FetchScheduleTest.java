package io.github.jimengfetcher.schedule;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The next gap from the learned durations: its bounds, its shape, and the plain interval without history. */
class FetchScheduleTest {

    private static final FetchSchedule ADAPTIVE = new FetchSchedule(true, 10_000, 2_000, 60_000);

    private static DurationHistogram learned(int n, long seed, double tailShare) {
        Random random = new Random(seed);
        DurationHistogram histogram = new DurationHistogram();
        for (int i = 0; i < n; i++) {
            histogram.add(random.nextDouble() < tailShare ? 120 + 480 * random.nextDouble() : 60 * Math.exp(0.3 * random.nextGaussian()));
        }
        return histogram;
    }

    /** Exactly uniform on [from, to): each bucket weighs its overlap with the range. */
    private static DurationHistogram uniform(double from, double to, int n) {
        double[] weights = new double[DurationHistogram.BUCKETS];
        for (int b = 0; b < weights.length - 1; b++) {
            double overlap = Math.min(to, DurationHistogram.upper(b)) - Math.max(from, DurationHistogram.lower(b));
            weights[b] = Math.max(0, overlap) * n / (to - from);
        }
        return DurationHistogram.of(weights);
    }

    @Test
    void withoutHistoryTheGapIsThePlainInterval() {
        assertEquals(10_000, ADAPTIVE.gapMillis(null, 30));
        assertEquals(10_000, ADAPTIVE.gapMillis(new DurationHistogram(), 30));
        DurationHistogram few = learned((int) FetchSchedule.MIN_SAMPLES - 1, 1, 0);
        assertEquals(10_000, ADAPTIVE.gapMillis(few, 30), "fewer than the minimum of samples");
        assertTrue(ADAPTIVE.gapMillis(learned((int) FetchSchedule.MIN_SAMPLES + 5, 1, 0), 30) != 10_000, "enough of them");
    }

    @Test
    void switchedOffTheGapIsThePlainIntervalWhateverWasLearned() {
        FetchSchedule fixed = new FetchSchedule(false, 10_000, 2_000, 60_000);
        DurationHistogram history = learned(500, 2, 0.15);
        for (double age = 0; age < 1_000; age += 7) {
            assertEquals(10_000, fixed.gapMillis(history, age));
        }
        assertEquals(10_000, fixed.minGap(), "a claim moves the due time one interval");
        assertEquals(10_000, fixed.maxGap());
        assertEquals(2_000, ADAPTIVE.minGap());
        assertEquals(60_000, ADAPTIVE.maxGap());
    }

    @Test
    void everyGapIsWithinTheBounds() {
        DurationHistogram history = learned(1_000, 3, 0.15);
        for (double age = 0; age < 100_000; age = age * 1.01 + 0.3) {
            long gap = ADAPTIVE.gapMillis(history, age);
            assertTrue(gap >= 2_000 && gap <= 60_000, "gap " + gap + " at age " + age);
        }
        FetchSchedule narrow = new FetchSchedule(true, 10_000, 9_000, 11_000);
        for (double age = 0; age < 1_000; age += 3) {
            long gap = narrow.gapMillis(history, age);
            assertTrue(gap >= 9_000 && gap <= 11_000, "gap " + gap + " at age " + age);
        }
    }

    @Test
    void sparseWhileTasksAreSurelyRunningCloseWhereTheyFinishSparseAgainInTheTail() {
        DurationHistogram history = learned(1_000, 4, 0.15);
        long early = ADAPTIVE.gapMillis(history, 0);
        long nearMedian = ADAPTIVE.gapMillis(history, 60);
        long tail = ADAPTIVE.gapMillis(history, 300);
        assertTrue(early > nearMedian, "early " + early + " vs near the median " + nearMedian);
        assertTrue(early >= 20_000, "a young task is left alone: " + early);
        assertTrue(nearMedian < 10_000, "closer than the plain interval where tasks finish: " + nearMedian);
        assertTrue(tail > nearMedian, "sparse again in the tail: " + tail);
        assertTrue(1 - history.survival(early / 1000.0) < 0.15, "the first gap does not jump over where many tasks finish: " + early);
        assertEquals(10_000, ADAPTIVE.gapMillis(history, 5_000), "older than every task learned: nothing is known, the plain interval");
    }

    @Test
    void whereTheHazardRisesTheGapsShrink() {
        // Uniform durations have a rising hazard 1 / (end - t): every gap is at most the one before.
        DurationHistogram history = uniform(30, 300, 1_000);
        long before = 60_000;
        for (double age = 30; age < 290; age += 5) {
            long gap = ADAPTIVE.gapMillis(history, age);
            assertTrue(gap <= before + 1, "gap " + gap + " at age " + age + " after " + before);
            before = gap;
        }
    }

    @Test
    void aLongerIntervalNeverGivesShorterGaps() {
        DurationHistogram history = learned(1_000, 5, 0.15);
        FetchSchedule patient = new FetchSchedule(true, 20_000, 2_000, 60_000);
        for (double age = 0; age < 700; age += 4) {
            assertTrue(patient.gapMillis(history, age) >= ADAPTIVE.gapMillis(history, age), "age " + age);
        }
    }

    @Test
    void theEstimatedReadyTimeIsTheMedianGivenTheAge() {
        assertTrue(Double.isNaN(FetchSchedule.estimatedReadyAge(null, 10)));
        assertTrue(Double.isNaN(FetchSchedule.estimatedReadyAge(learned(10, 6, 0), 10)), "too little history");
        DurationHistogram history = learned(1_000, 6, 0);
        assertEquals(60, FetchSchedule.estimatedReadyAge(history, 0), 4);
        assertTrue(FetchSchedule.estimatedReadyAge(history, 80) > 80);
    }
}
