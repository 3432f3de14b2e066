package io.github.jimengfetcher.api;

import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How fast this instance may fetch: how many fetches may be in flight at once (the limit) and how
 * many may start per second (the rate), both learned from the API's answers (bean {@code fetchPace}).
 *
 * <p><b>Concurrency, by latency (AIMD, as TCP Vegas and Netflix's concurrency-limits do).</b> While
 * answers come back clean and about as fast as the fastest seen lately, and the limit is actually
 * used (at least half of it in flight), each answer raises the limit by 1 / limit: one more fetch
 * in flight per round of answers. An answer that shows the API is overloaded cuts it to
 * {@value #BACKOFF} of itself: a 5xx, a network fault or timeout, a 429, or a latency risen well above
 * the baseline (the smoothed latency above {@code 2 x baseline + } {@value #LATENCY_SLACK_MILLIS} ms:
 * the requests queue somewhere; the slack keeps this machine's own load, a busy CPU or a pause of its
 * collector, which adds some tens of milliseconds to every answer, from passing for the API's). The
 * baseline is the least latency of the last one or two windows of
 * {@value #BASELINE_WINDOW_MILLIS} ms, so an API that turns slower for good becomes the new normal
 * within two windows. The limit stays between 1 and {@code jimeng.fetch.max-concurrent}.
 *
 * <p><b>Rate, by 429s (AIMD on a token bucket).</b> Concurrency alone cannot keep to a per-second
 * limit: with answers in 20 ms one fetch at a time is 50 a second. Until the first 429 the rate is
 * unbounded. A 429 (with or without Retry-After) sets it to {@value #BACKOFF} of the rate the API
 * accepted in the second before (its answers other than 429; the first time, with the fetches still
 * awaiting their answers), which is what a per-second limit just
 * let through; every second without a 429 in which the rate was what held the fetches back raises it
 * by 1 % (at least {@value #MIN_RATE_STEP} a second). Like TCP's slow start, the rate probes faster
 * (a quarter more each clean second) until the second cut, as the first may come from a second in
 * which few answers were in yet (just after a start), and again after
 * {@value #PROBE_AFTER_CLEAN_SECONDS} clean seconds in a row, since the API's limit may have been
 * raised. Claims take a token per fetch; the bucket holds a
 * tenth of a second's worth, so fetches are spread evenly rather than sent in bursts.
 *
 * <p>Cuts come at most once per {@value #CUT_SPACING_MILLIS} ms: the answers to fetches already in
 * flight when the first 429 came tell nothing new. Changes are logged at most once per
 * {@value #LOG_SPACING_MILLIS} ms. Thread-safe; the clock is given, so tests can drive it.
 */
public class FetchPace {

    private static final Logger LOG = LoggerFactory.getLogger(FetchPace.class);

    /** What a cut leaves: TCP Reno halves, concurrency-limits' AIMD keeps 0.9; 0.9 keeps the rate near the API's limit. */
    static final double BACKOFF = 0.9;
    static final long CUT_SPACING_MILLIS = 1_000;
    static final long BASELINE_WINDOW_MILLIS = 30_000;
    static final long LATENCY_SLACK_MILLIS = 50;
    /** The smoothing of the latency: about the last 20 answers. */
    static final double LATENCY_WEIGHT = 0.05;
    static final double MIN_RATE = 0.5;
    static final double MIN_RATE_STEP = 0.5;
    static final double RATE_STEP = 0.01;
    /** The step while probing for the API's limit (slow start, as TCP's): a quarter more each clean second. */
    static final double PROBE_STEP = 0.25;
    /** Clean seconds in a row after which the rate probes again: the API's limit may have been raised. */
    static final int PROBE_AFTER_CLEAN_SECONDS = 30;
    static final long LOG_SPACING_MILLIS = 30_000;

    private final int maxLimit;
    private final LongSupplier clock;
    private IntConsumer onLimit = limit -> { };

    // concurrency
    private double limit;
    private int inFlight;
    private long lastLimitCut = Long.MIN_VALUE / 2;

    // latency
    private double smoothedLatency = -1;
    private long windowStart;
    private long windowMin = Long.MAX_VALUE;
    private long previousWindowMin = Long.MAX_VALUE;

    // rate
    private double rate = Double.POSITIVE_INFINITY;
    private double tokens;
    private long tokensAt;
    private long lastRateCut = Long.MIN_VALUE / 2;
    /** Fetches sent and answers accepted (not 429) per tenth of a second, over the last second. */
    private final int[] sent = new int[10];
    private final int[] accepted = new int[10];
    private long bucketsAt;
    /** The second now being judged for a rate increase. */
    private long secondStart;
    private int sentThisSecond;
    private boolean limitedThisSecond;
    private int rateCuts;
    private int cleanSeconds;

    private int cutsSinceLog;
    private long lastLog = Long.MIN_VALUE / 2;

    /** @param maxLimit jimeng.fetch.max-concurrent; @param clock milliseconds */
    public FetchPace(int maxLimit, LongSupplier clock) {
        this.maxLimit = Math.max(1, maxLimit);
        this.clock = clock;
        this.limit = this.maxLimit;
        long now = clock.getAsLong();
        windowStart = now;
        tokensAt = now;
        bucketsAt = now / 100;
        secondStart = now;
    }

    public FetchPace(int maxLimit) {
        this(maxLimit, System::currentTimeMillis);
    }

    /** Told the limit (a whole number of fetches) whenever it changes, and once now. */
    public synchronized void setOnLimit(IntConsumer onLimit) {
        this.onLimit = onLimit;
        onLimit.accept(limit());
    }

    // ---- what the API said (ApiRequestLimits, around every request) ----

    /** A fetch goes out. */
    public synchronized void sent() {
        long now = clock.getAsLong();
        roll(now);
        sent[slot(now)]++;
        sentThisSecond++;
        inFlight++;
    }

    /** The API answered (its headers arrived) after latencyMillis with this HTTP status. */
    public synchronized void answered(int status, long latencyMillis) {
        long now = clock.getAsLong();
        roll(now);
        inFlight = Math.max(0, inFlight - 1);
        if (status == 429) {
            limitedThisSecond = true;
            cutRate(now);
            cutLimit(now, "HTTP 429");
            return;
        }
        accepted[slot(now)]++;
        if (status >= 500) {
            cutLimit(now, "HTTP " + status);
            return;
        }
        long latency = Math.max(0, latencyMillis);
        windowMin = Math.min(windowMin, latency);
        smoothedLatency = smoothedLatency < 0 ? latency : smoothedLatency + LATENCY_WEIGHT * (latency - smoothedLatency);
        if (smoothedLatency > 2 * baseline() + LATENCY_SLACK_MILLIS) {
            cutLimit(now, "answers slower (" + Math.round(smoothedLatency) + " ms against " + baseline() + " ms)");
        } else if (inFlight + 1 >= limit / 2 && limit < maxLimit) {
            int before = limit();
            limit = Math.min(maxLimit, limit + 1 / limit);
            if (limit() != before) {
                onLimit.accept(limit());
            }
        }
    }

    /** No answer: a network fault or a timeout. The API (or the way to it) is overloaded or away. */
    public synchronized void failed() {
        long now = clock.getAsLong();
        roll(now);
        inFlight = Math.max(0, inFlight - 1);
        cutLimit(now, "no answer");
    }

    // ---- what the claims may do (DueWork) ----

    /** Takes up to max tokens (one per fetch about to be claimed): as many as the rate allows now. */
    public synchronized int takeTokens(int max) {
        if (rate == Double.POSITIVE_INFINITY) {
            return max;
        }
        refill(clock.getAsLong());
        int taken = (int) Math.min(max, Math.floor(tokens));
        tokens -= taken;
        return taken;
    }

    /** Tokens taken for fetches that were not claimed after all (nothing was due). */
    public synchronized void giveBackTokens(int count) {
        if (count > 0 && rate != Double.POSITIVE_INFINITY) {
            tokens = Math.min(capacity(), tokens + count);
        }
    }

    /** How long until the next token: 0 when one is there (or the rate is unbounded). */
    public synchronized long millisUntilToken() {
        if (rate == Double.POSITIVE_INFINITY) {
            return 0;
        }
        refill(clock.getAsLong());
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * 1000 / rate);
    }

    // ---- what it is now ----

    /** Fetches allowed in flight at once. */
    public synchronized int limit() {
        return (int) Math.floor(limit);
    }

    /** Fetches allowed per second; infinite until the API first answered 429. */
    public synchronized double rate() {
        return rate;
    }

    /** The rate cannot be cut further: 429s keep coming at the slowest pace, so the API wants a pause. */
    public synchronized boolean atSlowestRate() {
        return rate <= MIN_RATE;
    }

    public int maxLimit() {
        return maxLimit;
    }

    // ---- inside ----

    private void cutLimit(long now, String why) {
        if (now - lastLimitCut < CUT_SPACING_MILLIS) {
            return;
        }
        lastLimitCut = now;
        int before = limit();
        limit = Math.max(1, limit * BACKOFF);
        if (limit() != before) {
            onLimit.accept(limit());
        }
        logged(now, why);
    }

    private void cutRate(long now) {
        if (now - lastRateCut < CUT_SPACING_MILLIS) {
            return;
        }
        lastRateCut = now;
        rateCuts++;
        cleanSeconds = 0;
        double acceptedLastSecond = 0;
        for (int count : accepted) {
            acceptedLastSecond += count;
        }
        if (rate == Double.POSITIVE_INFINITY) {
            // The first 429 comes while the answers to the first fetches are still on their way.
            acceptedLastSecond += inFlight;
        }
        refill(now);
        rate = Math.max(MIN_RATE, Math.min(rate, acceptedLastSecond) * BACKOFF);
        tokens = Math.min(tokens, capacity());
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

    private long baseline() {
        long least = Math.min(windowMin, previousWindowMin);
        return least == Long.MAX_VALUE ? Math.round(smoothedLatency) : least;
    }

    /** Moves the windows on: the per-tenth counts, the latency baseline, the second judged for a rate increase. */
    private void roll(long now) {
        long tenth = now / 100;
        if (tenth > bucketsAt) {
            for (long t = Math.max(bucketsAt + 1, tenth - 9); t <= tenth; t++) {
                sent[(int) (t % 10)] = 0;
                accepted[(int) (t % 10)] = 0;
            }
            bucketsAt = tenth;
        }
        if (now - windowStart >= BASELINE_WINDOW_MILLIS) {
            previousWindowMin = now - windowStart >= 2 * BASELINE_WINDOW_MILLIS ? Long.MAX_VALUE : windowMin;
            windowMin = Long.MAX_VALUE;
            windowStart = now;
        }
        if (now - secondStart >= 1_000) {
            // A clean second in which the rate held the fetches back (they went out at about the rate).
            if (!limitedThisSecond && rate != Double.POSITIVE_INFINITY && sentThisSecond >= 0.8 * rate * (now - secondStart) / 1000.0
                    && now - lastRateCut >= CUT_SPACING_MILLIS) {
                refill(now);
                cleanSeconds++;
                boolean probing = rateCuts < 2 || cleanSeconds > PROBE_AFTER_CLEAN_SECONDS;
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

    private void logged(long now, String why) {
        cutsSinceLog++;
        if (now - lastLog >= LOG_SPACING_MILLIS) {
            LOG.info("Fetch pace slowed ({}): at most {} fetches in flight{}{}", why, limit(),
                    rate == Double.POSITIVE_INFINITY ? "" : String.format(", %.1f a second", rate),
                    cutsSinceLog > 1 ? " (" + cutsSinceLog + " slowdowns since the last such line)" : "");
            lastLog = now;
            cutsSinceLog = 0;
        }
    }

    @Override
    public synchronized String toString() {
        return "fetch pace: " + limit() + " in flight, " + (rate == Double.POSITIVE_INFINITY ? "unbounded" : String.format("%.1f/s", rate));
    }
}
