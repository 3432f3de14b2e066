package io.github.jimengfetcher.api;

import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How fast this instance may fetch (bean {@code fetchPace}): how many fetches may be in flight at
 * once, learned from the answers' latency ({@link FetchConcurrency}), and how many may start per
 * second, learned from 429s ({@link FetchRate}). This class holds the lock the two share, tells each
 * what the API said, and logs the slowdowns.
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
    static final double MIN_RATE = FetchRate.MIN_RATE;
    static final long LOG_SPACING_MILLIS = 30_000;

    private final LongSupplier clock;
    private final FetchConcurrency concurrency;
    private final FetchRate rate;
    private IntConsumer onLimit = limit -> { };
    /** Whose pace this is, for the log: " for provider ark"; empty when not told. */
    private String whose = "";

    private int cutsSinceLog;
    private long lastLog = Long.MIN_VALUE / 2;

    /** @param maxLimit jimeng.fetch.max-concurrent; @param clock milliseconds */
    public FetchPace(int maxLimit, LongSupplier clock) {
        this.clock = clock;
        long now = clock.getAsLong();
        this.concurrency = new FetchConcurrency(maxLimit, now);
        this.rate = new FetchRate(now);
    }

    public FetchPace(int maxLimit) {
        this(maxLimit, System::currentTimeMillis);
    }

    /** The pace of this provider's fetches (ProviderPaces): its log lines name it. */
    synchronized void setProvider(String provider) {
        this.whose = " for provider " + provider;
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
        rate.sent(now);
        concurrency.sent(now);
    }

    /** The API answered (its headers arrived) after latencyMillis with this HTTP status. */
    public synchronized void answered(int status, long latencyMillis) {
        long now = clock.getAsLong();
        concurrency.returned(now);
        int before = limit();
        if (status == 429) {
            rate.limited(now, concurrency.inFlight());
            cutLimit(now, "HTTP 429", before);
            return;
        }
        rate.accepted(now);
        if (status >= 500) {
            cutLimit(now, "HTTP " + status, before);
            return;
        }
        String slower = concurrency.answered(now, latencyMillis);
        if (slower != null) {
            logged(now, slower);
        }
        limitChanged(before);
    }

    /** No answer: a network fault or a timeout. The API (or the way to it) is overloaded or away. */
    public synchronized void failed() {
        long now = clock.getAsLong();
        rate.tick(now);
        concurrency.returned(now);
        cutLimit(now, "no answer", limit());
    }

    // ---- what the claims may do (DueWork) ----

    /** Takes up to max tokens (one per fetch about to be claimed): as many as the rate allows now. */
    public synchronized int takeTokens(int max) {
        return rate.take(clock.getAsLong(), max);
    }

    /** Tokens taken for fetches that were not claimed after all (nothing was due). */
    public synchronized void giveBackTokens(int count) {
        rate.giveBack(count);
    }

    /** How long until the next token: 0 when one is there (or the rate is unbounded). */
    public synchronized long millisUntilToken() {
        return rate.millisUntilToken(clock.getAsLong());
    }

    // ---- what it is now ----

    /** Fetches allowed in flight at once. */
    public synchronized int limit() {
        return concurrency.limit();
    }

    /** Fetches allowed per second; infinite until the API first answered 429. */
    public synchronized double rate() {
        return rate.rate();
    }

    /** The rate cannot be cut further: 429s keep coming at the slowest pace, so the API wants a pause. */
    public synchronized boolean atSlowestRate() {
        return rate.rate() <= MIN_RATE;
    }

    public int maxLimit() {
        return concurrency.maxLimit();
    }

    // ---- inside ----

    private void cutLimit(long now, String why, int before) {
        if (concurrency.cut(now)) {
            logged(now, why);
        }
        limitChanged(before);
    }

    private void limitChanged(int before) {
        if (limit() != before) {
            onLimit.accept(limit());
        }
    }

    private void logged(long now, String why) {
        cutsSinceLog++;
        if (now - lastLog >= LOG_SPACING_MILLIS) {
            LOG.info("Fetch pace slowed ({}){}: at most {} fetches in flight{}{}", why, whose, limit(),
                    rate.unbounded() ? "" : String.format(", %.1f a second", rate.rate()),
                    cutsSinceLog > 1 ? " (" + cutsSinceLog + " slowdowns since the last such line)" : "");
            lastLog = now;
            cutsSinceLog = 0;
        }
    }

    @Override
    public synchronized String toString() {
        return "fetch pace: " + limit() + " in flight, " + (rate.unbounded() ? "unbounded" : String.format("%.1f/s", rate.rate()));
    }
}
