package io.github.jimengfetcher.schedule;

import org.junit.jupiter.api.Test;

import static io.github.jimengfetcher.schedule.DurationRule.Verdict.LEARNED;
import static io.github.jimengfetcher.schedule.DurationRule.Verdict.NOT_POSITIVE;
import static io.github.jimengfetcher.schedule.DurationRule.Verdict.SUBMITTED_BEFORE_REGISTRATION;
import static io.github.jimengfetcher.schedule.DurationRule.Verdict.SUBMITTED_IN_FUTURE;
import static io.github.jimengfetcher.schedule.DurationRule.Verdict.TOO_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationRuleTest {

    private static final long HOUR = 3_600_000;
    private static final long REGISTERED = 1_780_000_000_000L;

    @Test
    void aPlausibleDurationIsLearned() {
        assertEquals(LEARNED, DurationRule.judge(REGISTERED - 5_000, REGISTERED, REGISTERED + 60_000, 65_000));
        assertEquals(LEARNED, DurationRule.judge(null, REGISTERED, REGISTERED + 60_000, 60_000), "no submit time: from the registration");
        assertEquals(LEARNED, DurationRule.judge(REGISTERED - 71 * HOUR, REGISTERED, REGISTERED + HOUR / 2, 71 * HOUR + HOUR / 2),
                "submitted long before it was registered here, but within the longest run");
    }

    @Test
    void aSubmitTimeOfOneOrYearsBackIsNotLearned() {
        assertEquals(SUBMITTED_BEFORE_REGISTRATION, DurationRule.judge(1_000L, REGISTERED, REGISTERED + 60_000, REGISTERED + 59_000));
        assertEquals(SUBMITTED_BEFORE_REGISTRATION, DurationRule.judge(REGISTERED - 73 * HOUR, REGISTERED, REGISTERED + 60_000, 73 * HOUR + 60_000));
    }

    @Test
    void aSubmitTimeAfterTheTaskWasReadyIsNotLearned() {
        assertEquals(SUBMITTED_IN_FUTURE, DurationRule.judge(REGISTERED + 10 * HOUR, REGISTERED, REGISTERED + 60_000, -1));
    }

    @Test
    void aDurationOfZeroOrLessOrLongerThan72HoursIsNotLearned() {
        assertEquals(NOT_POSITIVE, DurationRule.judge(REGISTERED, REGISTERED, REGISTERED, 0));
        assertEquals(NOT_POSITIVE, DurationRule.judge(REGISTERED + 30_000, REGISTERED, REGISTERED, -30_000), "within the clock slack, yet negative");
        assertEquals(TOO_LONG, DurationRule.judge(null, REGISTERED, REGISTERED + 73 * HOUR, 73 * HOUR));
        assertEquals(LEARNED, DurationRule.judge(null, REGISTERED, REGISTERED + 72 * HOUR, 72 * HOUR), "72 h itself is the bound");
    }

    @Test
    void onlyAPlausibleSubmitTimeCountsForATasksAge() {
        long now = REGISTERED + HOUR;
        assertTrue(DurationRule.plausibleSubmitTime(REGISTERED - HOUR, REGISTERED, now));
        assertFalse(DurationRule.plausibleSubmitTime(1_000L, REGISTERED, now));
        assertFalse(DurationRule.plausibleSubmitTime(now + 2 * 60_000, REGISTERED, now));
        assertFalse(DurationRule.plausibleSubmitTime(null, REGISTERED, now));
    }

    @Test
    void storedWeightPastTheBoundIsDroppedAndAnEarlierLayoutIsRead() {
        double[] earlier = new double[DurationHistogram.EARLIER_BUCKETS];
        earlier[DurationHistogram.bucketOf(40)] = 60;
        earlier[DurationHistogram.EARLIER_BUCKETS - 1] = 66; // past 36 h: years, from submit_time=1
        DurationHistogram read = DurationHistogram.of(earlier);
        assertEquals(66, read.beyondBound(), 1e-9);
        assertTrue(read.quantile(0.5) > 100_000, "as it was: the median at the far end, " + read.quantile(0.5));
        DurationHistogram within = read.withinBound();
        assertEquals(0, within.beyondBound());
        assertEquals(60, within.count(), 1e-9);
        assertEquals(40, within.quantile(0.5), 4);
        assertTrue(DurationHistogram.bucketOf(DurationRule.LONGEST / 1000.0) < DurationHistogram.BUCKETS - 1, "72 h fits in the finite buckets");
    }
}
