package io.github.jimengfetcher.store.postgres;

import java.util.function.Supplier;

import io.github.jimengfetcher.store.StoreUnavailableException;

/** A value read from the database at most once per interval; the last one read while the database is away. */
final class RecentValue {

    private final long interval;
    private long readAt;
    private Long value;

    RecentValue(long intervalMillis) {
        this.interval = intervalMillis;
    }

    synchronized Long get(Supplier<Long> read) {
        long now = System.currentTimeMillis();
        if (value == null || now - readAt >= interval) {
            try {
                value = read.get();
                readAt = now;
            } catch (StoreUnavailableException away) {
                if (value == null) {
                    throw away;
                }
            }
        }
        return value;
    }
}
