package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The shared store's clocks, as this instance sees them. The database's clock: this machine's,
 * corrected by the offset last seen (every claim reads the database's time). The active clock the
 * task timeout counts on: a row every instance ticks about once a second, adding the time since the
 * last tick by anyone — nothing while this instance is in an outage, and at most a few seconds, so
 * the time no instance ran does not count either.
 */
final class StoreClock {

    private static final long TICK = 1_000;
    private static final long LONGEST_STEP = 5_000;

    private volatile long offset;
    private volatile long activeAtTick;
    private volatile long localAtTick;
    private volatile long lastTick;
    private final Set<String> outages = new HashSet<>();

    long now() {
        return System.currentTimeMillis() + offset;
    }

    void sawDatabaseTime(long databaseNow) {
        offset = databaseNow - System.currentTimeMillis();
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

    void tickIfDue(DataSource dataSource) {
        if (System.currentTimeMillis() - lastTick >= TICK) {
            tick(dataSource);
        }
    }

    void tick(DataSource dataSource) {
        String sql = "UPDATE jimeng_clock SET active_ms = active_ms + CASE WHEN ? THEN 0 ELSE "
                + "LEAST(?, GREATEST(0, " + StoreSql.NOW + " - ticked_at)) END, ticked_at = " + StoreSql.NOW
                + " WHERE id = 1 RETURNING active_ms, ticked_at";
        try (Connection c = dataSource.getConnection(); PreparedStatement tick = c.prepareStatement(sql)) {
            tick.setBoolean(1, inOutage());
            tick.setLong(2, LONGEST_STEP);
            try (ResultSet row = tick.executeQuery()) {
                row.next();
                long local = System.currentTimeMillis();
                activeAtTick = row.getLong(1);
                localAtTick = local;
                lastTick = local;
                sawDatabaseTime(row.getLong(2));
            }
        } catch (SQLException e) {
            lastTick = System.currentTimeMillis();
            throw StoreSql.unavailable(e);
        }
    }
}
