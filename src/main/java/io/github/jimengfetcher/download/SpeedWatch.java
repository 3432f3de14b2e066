package io.github.jimengfetcher.download;

import java.util.ArrayDeque;

/**
 * Tells when a download is too slow to keep: fewer than the minimum bytes over the last
 * window (jimeng.download.min-speed x jimeng.download.stall-timeout). A storage host that
 * trickles a byte now and then never trips the stall timeout, which only sees silence;
 * this does. Asked each time bytes arrive: between two arrivals the stall timeout watches.
 *
 * Keeps a few samples (time, bytes so far), one per eighth of a window at most. Not
 * thread-safe: one transfer's bytes arrive on one I/O thread at a time.
 */
final class SpeedWatch {

    private final long windowMillis;
    private final long windowNanos;
    private final long minBytes;
    /** Oldest first; the first is the newest sample taken at least a window ago, once there is one. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    /**
     * @param windowMillis     the window the speed is measured over
     * @param minBytesPerSecond the slowest acceptable average over a window; 0 watches nothing
     * @param nowNanos          when the transfer started
     */
    SpeedWatch(long windowMillis, long minBytesPerSecond, long nowNanos) {
        this.windowMillis = windowMillis;
        this.windowNanos = windowMillis * 1_000_000L;
        this.minBytes = minBytesPerSecond * windowMillis / 1000;
        samples.add(new long[] {nowNanos, 0});
    }

    /** Why a transfer that was {@link #tooSlow} is cut off. */
    String why() {
        return "storage host sent fewer than " + minBytes + " bytes in " + windowMillis + " ms (jimeng.download.min-speed)";
    }

    /**
     * @param received bytes received by this transfer so far
     * @return true when fewer than the minimum arrived over the last full window
     */
    boolean tooSlow(long nowNanos, long received) {
        if (minBytes <= 0) {
            return false;
        }
        if (nowNanos - samples.getLast()[0] >= windowNanos / 8) {
            samples.addLast(new long[] {nowNanos, received});
        }
        while (samples.size() > 1) {
            long[] oldest = samples.removeFirst();
            if (nowNanos - samples.getFirst()[0] < windowNanos) {
                samples.addFirst(oldest);
                break;
            }
        }
        long[] windowStart = samples.getFirst();
        return nowNanos - windowStart[0] >= windowNanos && received - windowStart[1] < minBytes;
    }
}
