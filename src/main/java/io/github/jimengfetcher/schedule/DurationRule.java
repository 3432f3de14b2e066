package io.github.jimengfetcher.schedule;

import java.time.Duration;

/**
 * Which finished tasks may teach the schedule their duration. A gateway's submit_time can be wrong
 * (1, a time in milliseconds read as seconds, a clock years off): a few such answers learned would
 * move the median to the histogram's far end, and every task would then be fetched only at
 * jimeng.fetch.max-interval. So a duration is learned only when it is positive and at most
 * {@link #LONGEST} (the longest an Ark task runs), and its submit time, where the answers gave one,
 * is neither ahead of the moment the task was seen ready nor more than {@link #LONGEST} before the
 * task was registered here.
 */
public final class DurationRule {

    /** The longest a task of the gateway runs; no duration learned or kept is longer. */
    public static final long LONGEST = Duration.ofHours(72).toMillis();
    /** Clocks of the gateway and of this machine differ by this much without either being wrong. */
    static final long CLOCK_SLACK = 60_000;

    /** Why a duration is not learned (a metric's label), or LEARNED. */
    public enum Verdict {
        LEARNED("learned"),
        NOT_POSITIVE("not_positive"),
        SUBMITTED_IN_FUTURE("submitted_in_future"),
        SUBMITTED_BEFORE_REGISTRATION("submitted_long_before_registration"),
        TOO_LONG("too_long");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private DurationRule() {
    }

    /** Whether the gateway's submit time is one to count a task's age and duration from. */
    public static boolean plausibleSubmitTime(Long submittedAt, long registeredAt, long now) {
        return submittedAt != null && submittedAt <= now + CLOCK_SLACK && submittedAt >= registeredAt - LONGEST;
    }

    /**
     * @param submittedAt the gateway's submit time (epoch ms), null when its answers gave none
     * @param registeredAt when the task was registered here (epoch ms)
     * @param durationMillis the duration as measured (from submitTime, or the registration, to ready)
     * @param readyAt when the task was seen ready (epoch ms)
     */
    public static Verdict judge(Long submittedAt, long registeredAt, long readyAt, long durationMillis) {
        if (submittedAt != null && submittedAt > readyAt + CLOCK_SLACK) {
            return Verdict.SUBMITTED_IN_FUTURE;
        }
        if (submittedAt != null && submittedAt < registeredAt - LONGEST) {
            return Verdict.SUBMITTED_BEFORE_REGISTRATION;
        }
        if (durationMillis <= 0) {
            return Verdict.NOT_POSITIVE;
        }
        if (durationMillis > LONGEST) {
            return Verdict.TOO_LONG;
        }
        return Verdict.LEARNED;
    }
}
