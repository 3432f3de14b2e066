package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.github.jimengfetcher.store.ProviderChoice;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;

import static io.github.jimengfetcher.store.postgres.StoreSql.NOW;

/**
 * Serves the due leases kept here ({@link KeptLeases}) in one statement: each row read back, and served
 * only while it is still kept by this instance under the same epoch, unexpired; serving writes nothing.
 * The statement carries the releases waiting for their batch ({@link WriteBatches}), as a claim does.
 */
final class KeptServing {

    /** A kept row still as this instance left it: same owner and epoch, kept, its lease unexpired. */
    private static final String VERIFY = "SELECT t.id, t.phase, t.next_at, t.lease_owner, t.lease_until, t.lease_epoch, t.task, "
            + NOW + " AS now, t.provider FROM jimeng_tasks t JOIN unnest(?::text[], ?::bigint[]) AS k(id, epoch) "
            + "ON t.id = k.id AND t.lease_epoch = k.epoch WHERE t.lease_owner = ? AND t.kept AND t.lease_until > " + NOW
            + " AND NOT t.finished AND t.phase = 'FETCH'";
    /** The same, with the releases carried: the served rows, then the released ones (id and epoch), told apart by the last column. */
    private static final String CARRYING = "WITH released AS (" + WriteBatches.RELEASE + "), served AS (" + VERIFY + ") "
            + "SELECT served.*, 'C' AS kind FROM served UNION ALL "
            + "SELECT id, NULL, NULL, NULL, NULL, epoch, NULL, NULL, NULL, CASE WHEN kept THEN 'K' ELSE 'R' END FROM released";

    private final StoreSql sql;
    private final StoreClock clock;
    private final String instanceId;
    private final long leaseTime;
    private final KeptLeases kept;
    private final WriteBatches batches;

    KeptServing(StoreSql sql, StoreClock clock, String instanceId, long leaseTime, KeptLeases kept, WriteBatches batches) {
        this.sql = sql;
        this.clock = clock;
        this.instanceId = instanceId;
        this.leaseTime = leaseTime;
        this.kept = kept;
        this.batches = batches;
    }

    /** Up to max due kept leases of the providers chosen and not paused, those whose rows still say so. */
    List<Lease> serve(int max, ProviderChoice chosen, SharedPauses pauses) {
        long now = clock.now();
        Map<ProviderName, Long> paused = kept.size() == 0 ? Map.of() : pauses.inForce();
        // one that would not outlast a third of its time is left to lapse: its fetch could lose it
        List<KeptLeases.Kept> due = kept.takeDue(now, max, leaseTime / 3,
                provider -> chosen.allows(provider) && paused.getOrDefault(provider, 0L) <= now);
        if (due.isEmpty()) {
            return List.of();
        }
        List<WriteBatches.Release> carried = batches.take();
        for (int attempt = 1; ; attempt++) {
            try {
                return serve(due, carried);
            } catch (SQLException e) {
                // the releases carried met another statement of this instance on the same rows: once more
                if (attempt == 1 && WriteBatches.DEADLOCK.equals(e.getSQLState())) {
                    continue;
                }
                kept.putBack(due);
                WriteBatches.fail(carried, StoreSql.unavailable(e));
                throw StoreSql.unavailable(e);
            } catch (RuntimeException e) {
                kept.putBack(due);
                WriteBatches.fail(carried, e);
                throw e;
            }
        }
    }

    private List<Lease> serve(List<KeptLeases.Kept> due, List<WriteBatches.Release> carried) throws SQLException {
        try (Connection c = sql.connection(); PreparedStatement verify = c.prepareStatement(carried.isEmpty() ? VERIFY : CARRYING)) {
            int i = carried.isEmpty() ? 1 : WriteBatches.bind(c, verify, 1, carried);
            verify.setArray(i++, c.createArrayOf("text", due.stream().map(k -> k.id().value()).toArray()));
            verify.setArray(i++, c.createArrayOf("bigint", due.stream().map(KeptLeases.Kept::epoch).toArray()));
            verify.setString(i, instanceId);
            long sentAt = System.currentTimeMillis();
            try (ResultSet rows = verify.executeQuery()) {
                // the kept leases not among them were freed by a notification, lapsed, or claimed elsewhere since: dropped
                return CarriedRows.read(rows, carried, sql, clock, instanceId, sentAt);
            }
        }
    }
}
