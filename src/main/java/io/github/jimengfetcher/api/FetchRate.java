package io.github.jimengfetcher.api;

/**
 * How many fetches may start per second, learned from the API's 429s (AIMD on a token bucket). One
 * of the fetch pace's two halves ({@link FetchPace} holds its lock and tells it what happened).
 *
 * <p>Concurrency alone cannot keep to a per-second limit: with answers in 20 ms one fetch at a time
 * is 50 a second. Until the first 429 the rate is unbounded. A 429 (with or without Retry-After) sets
 * it to {@value FetchPace#BACKOFF} of the rate the API accepted in the second before (its answers
 * other than 429; the first time, with the fetches still awaiting their answers), which is what a
 * per-second limit just let through; every second without a 429 in which the rate was what held the
 * fetches back raises it by 1 % (at least {@value #MIN_RATE_STEP} a second). Like TCP's slow start,
 * the rate probes faster (a quarter more each clean second) until the second cut, as the first may
 * come from a second in which few answers were in yet (just after a start), and again after
 * {@value #PROBE_AFTER_CLEAN_SECONDS} clean seconds in a row, since the API's limit may have been
 * raised. Claims take a token per fetch; the bucket holds a tenth of a second's worth, so fetches are
 * spread evenly rather than sent in bursts. Not thread-safe on its own.
 */
final class FetchRate {

    static final double MIN_RATE = 0.5;
    static final double MIN_RATE_STEP = 0.5;
    static final double RATE_STEP = 0.01;
    /** The step while probing for the API's limit (slow start, as TCP's): a quarter more each clean second. */
    static final double PROBE_STEP = 0.25;
    /** Clean seconds in a row after which the rate probes again: the API's limit may have been raised. */
    static final int PROBE_AFTER_CLEAN_SECONDS = 30;

    private double rate = Double.POSITIVE_INFINITY;
    private double tokens;
    private long tokensAt;
    private long lastCut = Long.MIN_VALUE / 2;
    /** Fetches sent and answers accepted (not 429) per tenth of a second, over the last second. */
    private final int[] sent = new int[10];
    private final int[] accepted = new int[10];
    private long bucketsAt;
    /** The second now being judged for a rate increase. */
    private long secondStart;
    private int sentThisSecond;
    private boolean limitedThisSecond;
    private int cuts;
    private int cleanSeconds;

    FetchRate(long now) {
        tokensAt = now;
        bucketsAt = now / 100;
        secondStart = now;
    }

    void sent(long now) {
        roll(now);
        sent[slot(now)]++;
        sentThisSecond++;
    }

    /** An answer other than 429. */
    void accepted(long now) {
        roll(now);
        accepted[slot(now)]++;
    }

    /** Moves the windows on without an event (a failure, to judge the second that ended). */
    void tick(long now) {
        roll(now);
    }

    /** A 429; inFlight: the fetches still awaiting their answers. */
    void limited(long now, int inFlight) {
        roll(now);
        limitedThisSecond = true;
        if (now - lastCut < FetchPace.CUT_SPACING_MILLIS) {
            return;
        }
        lastCut = now;
        cuts++;
        cleanSeconds = 0;
        double acceptedLastSecond = 0;
        for (int count : accepted) {
            acceptedLastSecond += count;
        }
        if (unbounded()) {
            // The first 429 comes while the answers to the first fetches are still on their way.
            acceptedLastSecond += inFlight;
        }
        refill(now);
        rate = Math.max(MIN_RATE, Math.min(rate, acceptedLastSecond) * FetchPace.BACKOFF);
        tokens = Math.min(tokens, capacity());
    }

    int take(long now, int max) {
        if (unbounded()) {
            return max;
        }
        refill(now);
        int taken = (int) Math.min(max, Math.floor(tokens));
        tokens -= taken;
        return taken;
    }

    void giveBack(int count) {
        if (count > 0 && !unbounded()) {
            tokens = Math.min(capacity(), tokens + count);
        }
    }

    long millisUntilToken(long now) {
        if (unbounded()) {
            return 0;
        }
        refill(now);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * 1000 / rate);
    }

    double rate() {
        return rate;
    }

    boolean unbounded() {
        return rate == Double.POSITIVE_INFINITY;
    }

    private void refill(long now) {
        if (now > tokensAt) {
            tokens = Math.min(capacity(), tokens + (now - tokensAt) * rate / 1000);
            tokensAt = now;
        }
    }

    /** A tenth of a second's fetches, at least one: fetches spread evenly, no burst after a lull. */
    private double capacity() {
        return Math.max(1, rate / 10);
    }

    /** Moves the windows on: the per-tenth counts and the second judged for a rate increase. */
    private void roll(long now) {
        long tenth = now / 100;
        if (tenth > bucketsAt) {
            for (long t = Math.max(bucketsAt + 1, tenth - 9); t <= tenth; t++) {
                sent[(int) (t % 10)] = 0;
                accepted[(int) (t % 10)] = 0;
            }
            bucketsAt = tenth;
        }
        if (now - secondStart >= 1_000) {
            // A clean second in which the rate held the fetches back (they went out at about the rate).
            if (!limitedThisSecond && !unbounded() && sentThisSecond >= 0.8 * rate * (now - secondStart) / 1000.0
                    && now - lastCut >= FetchPace.CUT_SPACING_MILLIS) {
                refill(now);
                cleanSeconds++;
                boolean probing = cuts < 2 || cleanSeconds > PROBE_AFTER_CLEAN_SECONDS;
                rate += Math.max(MIN_RATE_STEP, rate * (probing ? PROBE_STEP : RATE_STEP));
            } else if (limitedThisSecond) {
                cleanSeconds = 0;
            }
            secondStart = now;
            sentThisSecond = 0;
            limitedThisSecond = false;
        }
    }

    private static int slot(long now) {
        return (int) ((now / 100) % 10);
    }
}
