package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;

import io.github.jimengfetcher.store.StoreUnavailableException;

/**
 * The shared store's clocks, as this instance sees them. The database's clock: this machine's,
 * corrected by an offset read from the database (every claim and tick reads its time; see
 * {@link #sawDatabaseTime}). The active clock the
 * task timeout counts on: a row every instance ticks about once a second, adding the time since the
 * last tick by anyone — nothing while this instance is in an outage, and at most a few seconds, so
 * the time no instance ran does not count either.
 */
final class StoreClock {

    private static final long TICK = 1_000;
    private static final long LONGEST_STEP = 5_000;
    /** How long a reading of the database's clock is trusted: a clock stepped meanwhile is followed within two. */
    private static final long READING_WINDOW = 60_000;

    private volatile long offset;
    private long windowStart = Long.MIN_VALUE;
    private long windowBest = Long.MAX_VALUE;
    private long previousWindowBest = Long.MAX_VALUE;
    private volatile long activeAtTick;
    private volatile long localAtTick;
    private volatile long lastTick;
    private final Set<String> outages = new HashSet<>();

    long now() {
        return System.currentTimeMillis() + offset;
    }

    /**
     * A reading of the database's clock, by a statement sent at {@code sentAt} (this machine's
     * clock). The database read its clock somewhere between sending and answer, so
     * {@code databaseNow - sentAt} is never below the true offset: the later the answer (a busy
     * database, a stalled thread), the further ahead this reading puts the database's clock. The
     * smallest such bound of the last minute or two is kept: within a few milliseconds of the truth,
     * and never behind it. Ahead is the safe side: a next fetch booked from this clock comes no
     * earlier than planned on the database's (where other instances claim it), and a lease is
     * thought to end no later than it does. Behind, a reading taken after a long wait would let
     * another instance fetch a task that much sooner.
     */
    synchronized void sawDatabaseTime(long databaseNow, long sentAt) {
        long bound = databaseNow - sentAt;
        if (windowStart == Long.MIN_VALUE || sentAt < windowStart || sentAt - windowStart >= 2 * READING_WINDOW) {
            // the first reading, this machine's clock set back, or readings too old to trust
            previousWindowBest = Long.MAX_VALUE;
            windowBest = Long.MAX_VALUE;
            windowStart = sentAt;
        } else if (sentAt - windowStart >= READING_WINDOW) {
            previousWindowBest = windowBest;
            windowBest = Long.MAX_VALUE;
            windowStart = sentAt;
        }
        windowBest = Math.min(windowBest, bound);
        offset = Math.min(windowBest, previousWindowBest);
    }

    synchronized void outageBegan(String cause) {
        outages.add(cause);
    }

    synchronized void outageEnded(String cause) {
        outages.remove(cause);
    }

    private synchronized boolean inOutage() {
        return !outages.isEmpty();
    }

    /** The active clock now: its last reading, run on locally since unless in an outage. */
    long activeNow() {
        long since = inOutage() ? 0 : Math.min(LONGEST_STEP, System.currentTimeMillis() - localAtTick);
        return activeAtTick + Math.max(0, since);
    }

    /**
     * Ticks once a second at most, before a claim. The database away is not this step's to report: the
     * claim's own statement does, and leases kept here are served without one (see KeptServing).
     */
    void tickIfDue(DataSource dataSource) {
        if (System.currentTimeMillis() - lastTick >= TICK) {
            try {
                tick(dataSource);
            } catch (StoreUnavailableException away) {
                // tried again a second later
            }
        }
    }

    void tick(DataSource dataSource) {
        String sql = "UPDATE jimeng_clock SET active_ms = active_ms + CASE WHEN ? THEN 0 ELSE "
                + "LEAST(?, GREATEST(0, " + StoreSql.NOW + " - ticked_at)) END, ticked_at = " + StoreSql.NOW
                + " WHERE id = 1 RETURNING active_ms, ticked_at";
        try (Connection c = dataSource.getConnection(); PreparedStatement tick = c.prepareStatement(sql)) {
            tick.setBoolean(1, inOutage());
            tick.setLong(2, LONGEST_STEP);
            long sentAt = System.currentTimeMillis();
            try (ResultSet row = tick.executeQuery()) {
                row.next();
                long local = System.currentTimeMillis();
                activeAtTick = row.getLong(1);
                localAtTick = local;
                lastTick = local;
                sawDatabaseTime(row.getLong(2), sentAt);
            }
        } catch (SQLException e) {
            lastTick = System.currentTimeMillis();
            throw StoreSql.unavailable(e);
        }
    }
}
