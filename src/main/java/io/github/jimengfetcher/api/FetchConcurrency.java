package io.github.jimengfetcher.api;

/**
 * How many fetches may be in flight at once, learned from how fast the API answers (AIMD, as TCP
 * Vegas and Netflix's concurrency-limits do). One of the fetch pace's two halves ({@link FetchPace}
 * holds its lock and tells it what happened).
 *
 * <p>While answers come back clean and about as fast as the fastest seen lately, and the limit is
 * actually used (at least half of it in flight), each answer raises the limit by 1 / limit: one more
 * fetch in flight per round of answers. An answer that shows the API is overloaded cuts it to
 * {@value FetchPace#BACKOFF} of itself: a 5xx, a network fault or timeout, a 429, or a latency risen
 * well above the baseline (the smoothed latency above {@code 2 x baseline + }
 * {@value #LATENCY_SLACK_MILLIS} ms: the requests queue somewhere; the slack keeps this machine's own
 * load, a busy CPU or a pause of its collector, which adds some tens of milliseconds to every answer,
 * from passing for the API's). The baseline is the least latency of the last one or two windows of
 * {@value #BASELINE_WINDOW_MILLIS} ms, so an API that turns slower for good becomes the new normal
 * within two windows. The limit stays between 1 and {@code jimeng.fetch.max-concurrent}. Not
 * thread-safe on its own.
 */
final class FetchConcurrency {

    static final long BASELINE_WINDOW_MILLIS = 30_000;
    static final long LATENCY_SLACK_MILLIS = 50;
    /** The smoothing of the latency: about the last 20 answers. */
    static final double LATENCY_WEIGHT = 0.05;

    private final int maxLimit;
    private double limit;
    private int inFlight;
    private long lastCut = Long.MIN_VALUE / 2;

    private double smoothedLatency = -1;
    private long windowStart;
    private long windowMin = Long.MAX_VALUE;
    private long previousWindowMin = Long.MAX_VALUE;

    FetchConcurrency(int maxLimit, long now) {
        this.maxLimit = Math.max(1, maxLimit);
        this.limit = this.maxLimit;
        this.windowStart = now;
    }

    void sent(long now) {
        roll(now);
        inFlight++;
    }

    /** An answer or a failure came back: one fewer in flight. */
    void returned(long now) {
        roll(now);
        inFlight = Math.max(0, inFlight - 1);
    }

    /** Moves the latency baseline's windows on. */
    private void roll(long now) {
        if (now - windowStart >= BASELINE_WINDOW_MILLIS) {
            previousWindowMin = now - windowStart >= 2 * BASELINE_WINDOW_MILLIS ? Long.MAX_VALUE : windowMin;
            windowMin = Long.MAX_VALUE;
            windowStart = now;
        }
    }

    /**
     * A clean answer after latencyMillis: raises the limit, or cuts it when the answers queue.
     * @return why the limit was cut, or null
     */
    String answered(long now, long latencyMillis) {
        long latency = Math.max(0, latencyMillis);
        windowMin = Math.min(windowMin, latency);
        smoothedLatency = smoothedLatency < 0 ? latency : smoothedLatency + LATENCY_WEIGHT * (latency - smoothedLatency);
        if (smoothedLatency > 2 * baseline() + LATENCY_SLACK_MILLIS) {
            String why = "answers slower (" + Math.round(smoothedLatency) + " ms against " + baseline() + " ms)";
            return cut(now) ? why : null;
        }
        if (inFlight + 1 >= limit / 2 && limit < maxLimit) {
            limit = Math.min(maxLimit, limit + 1 / limit);
        }
        return null;
    }

    /** The API is overloaded: the limit drops to BACKOFF of itself, at most once per CUT_SPACING_MILLIS. */
    boolean cut(long now) {
        if (now - lastCut < FetchPace.CUT_SPACING_MILLIS) {
            return false;
        }
        lastCut = now;
        limit = Math.max(1, limit * FetchPace.BACKOFF);
        return true;
    }

    int inFlight() {
        return inFlight;
    }

    int limit() {
        return (int) Math.floor(limit);
    }

    int maxLimit() {
        return maxLimit;
    }

    private long baseline() {
        long least = Math.min(windowMin, previousWindowMin);
        return least == Long.MAX_VALUE ? Math.round(smoothedLatency) : least;
    }
}
