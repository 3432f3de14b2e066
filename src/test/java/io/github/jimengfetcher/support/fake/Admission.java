package io.github.jimengfetcher.support.fake;

/**
 * The API's limit per key: a token bucket holding one second's worth of fetches, refilled at the
 * rate (0: no limit); and the admitted and limited fetches of every second since the first fetch.
 */
final class Admission {

    private static final int SECONDS = 3600;

    private double rate;
    private double tokens;
    private long at = System.nanoTime();
    private long firstFetchAt;
    private long limited;
    private final long[][] perSecond = new long[2][SECONDS];

    synchronized void rate(double fetchesPerSecond) {
        rate = fetchesPerSecond;
        tokens = fetchesPerSecond;
        at = System.nanoTime();
    }

    /** One token of the bucket, if there is one; counted in its second either way. */
    synchronized boolean admit(long now) {
        if (firstFetchAt == 0) {
            firstFetchAt = now;
        }
        boolean admitted = rate <= 0 || token();
        perSecond[admitted ? 0 : 1][(int) Math.min(SECONDS - 1, (now - firstFetchAt) / 1000)]++;
        if (!admitted) {
            limited++;
        }
        return admitted;
    }

    private boolean token() {
        long now = System.nanoTime();
        tokens = Math.min(rate, tokens + (now - at) / 1e9 * rate);
        at = now;
        if (tokens >= 1) {
            tokens--;
            return true;
        }
        return false;
    }

    /** When the first fetch came (epoch ms), 0 before. */
    synchronized long firstFetchAt() {
        return firstFetchAt;
    }

    synchronized long limited() {
        return limited;
    }

    /** Admitted ([0]) and limited ([1]) fetches of each second since the first fetch, up to this one. */
    synchronized long[][] perSecond(int seconds) {
        int n = Math.max(0, Math.min(SECONDS, seconds));
        return new long[][] {java.util.Arrays.copyOf(perSecond[0], n), java.util.Arrays.copyOf(perSecond[1], n)};
    }

    static int seconds() {
        return SECONDS;
    }
}
