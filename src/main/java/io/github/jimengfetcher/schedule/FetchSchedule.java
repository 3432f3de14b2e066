package io.github.jimengfetcher.schedule;

/**
 * When to fetch a pending task next, from how long tasks of its kind took ({@link DurationHistogram}).
 *
 * <h2>The reasoning</h2>
 * Each fetch costs one request; each second between a task becoming ready and the fetch that sees it
 * costs latency. This is the classic inspection-scheduling problem (Keller, 1974: inspecting for a
 * failure whose time has a known distribution): with f the density of the duration, S its survival
 * function and h = f / S its hazard rate (how likely a task still running at age t is to finish in the
 * next second), a schedule with n(t) fetches per second at age t costs about
 * <pre>   fetches: integral of n(t) S(t) dt       latency: integral of f(t) / (2 n(t)) dt</pre>
 * Minimising fetches for a given mean latency (a Lagrange multiplier, pointwise) gives
 * n(t) proportional to sqrt(h(t)): the spacing grows as 1 / sqrt(hazard). Few fetches while a task is
 * almost surely still running (h near 0), close together where tasks of its kind usually finish,
 * sparse again in the long tail, where the hazard falls.
 *
 * <h2>How close together</h2>
 * The constant is chosen so that the expected latency equals that of the plain interval I (I / 2 on
 * average): with n(t) = sqrt(h(t)) / c the mean latency is c J / 2 with J = integral of sqrt(f S) dt,
 * so c = I / J. jimeng.fetch.interval thus keeps its meaning (how long a ready task may wait, on
 * average) and the schedule spends the fetches where they buy the most. The continuous model takes the
 * density as flat within a gap, and the history is learned only from tasks finished so far (the longest
 * are under-represented while they run), so c aims a little lower, at {@link #LATENCY_SHARE} of the
 * interval's latency: in a seeded simulation of the benchmark's loads (FetchScheduleSimulationTest) the
 * mean latency then stays below the plain interval's on each, at 0.6-0.9 of its fetches.
 *
 * <h2>From density to the next fetch</h2>
 * Rather than sampling the spacing at one age, the next fetch after age a is placed where the expected
 * number of fetches reaches one: integral from a to a + gap of n(t) dt = 1. That sees a rise in the
 * hazard ahead (a task early in its life is not left a long gap that jumps over where its kind finishes).
 * The gap is clamped to [jimeng.fetch.min-interval, jimeng.fetch.max-interval]. A task older than every
 * task learned gets the plain interval: nothing is known of what comes next.
 *
 * <h2>Without history</h2>
 * Fewer than {@link #MIN_SAMPLES} learned tasks of the kind and of all kinds together (or the schedule
 * switched off): the plain interval, as before.
 */
public final class FetchSchedule {

    /** Learned tasks needed before a histogram is trusted: enough for the buckets where tasks finish to be seen. */
    public static final double MIN_SAMPLES = 50;

    /** The share of the plain interval's mean latency the schedule aims at: a margin for the continuous model. */
    static final double LATENCY_SHARE = 0.95;

    private final boolean adaptive;
    private final long interval;
    private final long min;
    private final long max;

    /** All in milliseconds; min <= interval <= max (checked at start). */
    public FetchSchedule(boolean adaptive, long interval, long min, long max) {
        this.adaptive = adaptive;
        this.interval = interval;
        this.min = min;
        this.max = max;
    }

    public boolean adaptive() {
        return adaptive;
    }

    public long interval() {
        return interval;
    }

    /** The shortest gap the schedule plans: what a claim moves a task's due time by, so no fetch comes sooner. */
    public long minGap() {
        return adaptive ? min : interval;
    }

    /** The longest gap the schedule plans. */
    public long maxGap() {
        return adaptive ? max : interval;
    }

    /** Is the histogram (null for none) enough to schedule by? */
    public static boolean trusted(DurationHistogram learned) {
        return learned != null && learned.count() >= MIN_SAMPLES && learned.sqrtDensitySurvival() > 0;
    }

    /**
     * The gap (ms) from a fetch that found the task still running at this age (seconds since it was
     * submitted) to its next fetch.
     *
     * @param learned the durations of the task's kind (or of all kinds), null when there are none
     */
    public long gapMillis(DurationHistogram learned, double ageSeconds) {
        if (!adaptive || !trusted(learned)) {
            return interval;
        }
        double c = LATENCY_SHARE * interval / 1000.0 / learned.sqrtDensitySurvival();
        double age = Math.max(0, ageSeconds);
        double next = learned.sqrtHazardIntegral(age, c);
        if (Double.isInfinite(next) || Double.isNaN(next)) {
            // Older than every task learned: nothing is known of what comes now (the history, learned only from
            // tasks finished so far, under-represents the longest), so the plain interval; else the little
            // that is left of the learned durations does not call for a fetch sooner than the longest gap.
            return learned.survival(age) <= 0 ? interval : max;
        }
        long gap = Math.round((next - age) * 1000);
        return Math.max(min, Math.min(max, gap));
    }

    /**
     * When a task still running at this age will most likely be ready, as an age (seconds): the median of
     * its kind's durations, given it has run this long. NaN without a trusted history or beyond it.
     */
    public static double estimatedReadyAge(DurationHistogram learned, double ageSeconds) {
        if (!trusted(learned)) {
            return Double.NaN;
        }
        return learned.conditionalMedian(Math.max(0, ageSeconds));
    }
}
