package io.github.jimengfetcher.store.journal;

/**
 * While ids register, new fetches wait: the ids are made durable first, and on a machine with few
 * cores a file of many ids is not slowed by the fetches its own first slices started. A hold lasts
 * at most {@link #MAX_HOLD_MILLIS} in a row, so registrations that never stop do not starve the
 * fetches. Used under the store's lock.
 */
final class RegistrationFirst {

    static final long MAX_HOLD_MILLIS = 1_000;

    private int running;
    private long since;

    void begin(long now) {
        if (running++ == 0) {
            since = now;
        }
    }

    void end() {
        running--;
    }

    /** The time until which new fetches wait, or 0 when nothing holds them. */
    long fetchesHeldUntil(long now) {
        long until = since + MAX_HOLD_MILLIS;
        return running > 0 && now < until ? until : 0;
    }
}
