package io.github.jimengfetcher.store.journal;

/**
 * Registrations come first: while ids register, and for {@link #GRACE_MILLIS} after one of at least
 * {@link #BULK_IDS} ids (more files of ids may follow it), new fetches wait. On a machine with few cores a burst of ids is made
 * durable at full speed instead of sharing the cores with the fetches its first ids started. A
 * hold lasts at most {@link #MAX_HOLD_MILLIS}; fetches then run for at least {@link #FREE_MILLIS}
 * before the next one, so ids that never stop coming slow the fetches down but never stop them.
 * Used under the store's lock.
 */
final class RegistrationFirst {

    static final int BULK_IDS = 500;
    static final long GRACE_MILLIS = 200;
    static final long MAX_HOLD_MILLIS = 1_000;
    static final long FREE_MILLIS = 1_000;

    private int running;
    private long lastEnd = Long.MIN_VALUE / 2;
    private long holdBegan = -1;
    private long freeUntil;

    void begin(long now) {
        running++;
        fetchesHeldUntil(now);
    }

    void end(long now, int ids) {
        running--;
        if (ids >= BULK_IDS) {
            lastEnd = now;
        }
    }

    /** The time until which new fetches wait, or 0 when nothing holds them. */
    long fetchesHeldUntil(long now) {
        boolean registering = running > 0 || now < lastEnd + GRACE_MILLIS;
        if (!registering || now < freeUntil) {
            if (!registering) {
                holdBegan = -1;
            }
            return 0;
        }
        if (holdBegan < 0) {
            holdBegan = now;
        }
        long holdEnds = holdBegan + MAX_HOLD_MILLIS;
        if (now >= holdEnds) {
            freeUntil = holdEnds + FREE_MILLIS;
            holdBegan = -1;
            return 0;
        }
        return running > 0 ? holdEnds : Math.min(holdEnds, lastEnd + GRACE_MILLIS);
    }
}
