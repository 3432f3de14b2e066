package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.jimengfetcher.store.ProviderChoice;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;

import static io.github.jimengfetcher.store.postgres.StoreSql.NOW;

/**
 * The shared store's claims and renewals, many rows in one statement each: due rows are taken with
 * {@code FOR UPDATE SKIP LOCKED} (two instances never claim one row) and leased with a fencing epoch
 * one higher; renewals extend only the rows whose owner and epoch still match. Fetches due among the
 * leases kept here ({@link KeptLeases}) are served first, from this instance's plan, with no statement.
 */
final class LeaseClaims {

    private final StoreSql sql;
    private final StoreClock clock;
    private final String instanceId;
    private final long leaseTime;
    /** The providers whose tasks this instance can ask (configured here); empty: every task. */
    private final String[] providers;

    /** Releases waiting for their batch: a claim carries them in its statement. */
    private final WriteBatches batches;
    /** The leases kept here after fetches: served before any row is claimed. */
    private final KeptLeases kept;
    private final KeptServing serving;

    LeaseClaims(StoreSql sql, StoreClock clock, String instanceId, long leaseTime, java.util.Collection<ProviderName> providers,
            WriteBatches batches, KeptLeases kept) {
        this.sql = sql;
        this.kept = kept;
        this.serving = new KeptServing(clock, instanceId, leaseTime, kept);
        this.batches = batches;
        this.clock = clock;
        this.instanceId = instanceId;
        this.leaseTime = leaseTime;
        this.providers = providers.stream().map(ProviderName::value).sorted().toArray(String[]::new);
    }

    /**
     * Downloads due go the URL that lapses first first (the task's videoUrlExpiresAt, read from the
     * document: the due rows are few, sorted after the index found them), then those whose URL does
     * not say, in due order.
     */
    private static final String BY_URL_EXPIRY = "(task->>'videoUrlExpiresAt')::bigint NULLS LAST, next_at";

    /**
     * Claims up to max due tasks of the phase in one statement (of the providers configured here; fetches:
     * of those chosen, and not of a provider whose fetches are paused on its key), leased for the lease
     * time, due again after gapMillis.
     */
    List<Lease> claimDue(Task.Phase phase, int max, long gapMillis, ProviderChoice chosen, SharedPauses pauses) {
        clock.tickIfDue(sql.dataSource());
        boolean fetch = phase == Task.Phase.FETCH;
        if (max <= 0 || fetch && noneLeft(chosen)) {
            return List.of();
        }
        List<Lease> served = fetch ? serving.serve(max, chosen, pauses) : List.of();
        if (served.size() >= max || fetch && kept.quiet().holds(chosen)) {
            return served;
        }
        List<Lease> claimed = claimRows(phase, max - served.size(), gapMillis, chosen, pauses);
        if (fetch) {
            kept.quiet().claimed(chosen, max - served.size(), claimed.size());
            kept.claimed(claimed);
        }
        if (served.isEmpty()) {
            return claimed;
        }
        List<Lease> all = new ArrayList<>(served);
        all.addAll(claimed);
        return all;
    }

    /** Claims up to max due rows in one statement, carrying the releases waiting for their batch. */
    private List<Lease> claimRows(Task.Phase phase, int max, long gapMillis, ProviderChoice chosen, SharedPauses pauses) {
        boolean fetch = phase == Task.Phase.FETCH;
        String only = fetch && chosen.only() != null ? " AND provider = ?" : "";
        String skipped = fetch && chosen.only() == null && !chosen.skipped().isEmpty() ? " AND provider <> ALL(?)" : "";
        List<WriteBatches.Release> carried = batches.take();
        String claimSql = "WITH " + (carried.isEmpty() ? "" : "released AS (" + WriteBatches.RELEASE + "), ")
                + "due AS (SELECT id FROM jimeng_tasks WHERE NOT finished AND phase = ? AND next_at <= " + NOW
                + " AND (lease_until IS NULL OR lease_until <= " + NOW + ")" + (fetch ? SharedPauses.NOT_PAUSED : "")
                + (providers.length == 0 ? "" : " AND provider = ANY(?)") + only + skipped
                + " ORDER BY " + (phase == Task.Phase.DOWNLOAD ? BY_URL_EXPIRY : "next_at") + " LIMIT ? FOR UPDATE SKIP LOCKED) "
                + "UPDATE jimeng_tasks t SET lease_owner = ?, lease_until = " + NOW + " + ?, lease_epoch = t.lease_epoch + 1, kept = false, "
                // a mark left by a fetch whose lease lapsed: this fetch is the one it asked for
                + "next_at = " + NOW + " + ?, task = t.task - 'notifiedMidFetch' FROM due WHERE t.id = due.id "
                + "RETURNING t.id, t.phase, t.next_at, t.lease_owner, t.lease_until, t.lease_epoch, t.task, " + NOW + " AS now, t.provider";
        if (!carried.isEmpty()) {
            // the claimed rows, then the released ones (id and epoch), told apart by the last column
            claimSql = claimSql.replace(") UPDATE jimeng_tasks t SET lease_owner", "), claimed AS (UPDATE jimeng_tasks t SET lease_owner")
                    + ") SELECT claimed.*, 'C' AS kind FROM claimed UNION ALL SELECT id, NULL, NULL, NULL, NULL, epoch, NULL, NULL, NULL, CASE WHEN kept THEN 'K' ELSE 'R' END FROM released";
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return claim(claimSql, carried, phase, max, gapMillis, chosen, pauses);
            } catch (SQLException e) {
                // the releases carried met another statement of this instance on the same rows: once more
                if (attempt == 1 && WriteBatches.DEADLOCK.equals(e.getSQLState())) {
                    continue;
                }
                // their callers learn of the fault as of a single write's
                WriteBatches.fail(carried, StoreSql.unavailable(e));
                throw StoreSql.unavailable(e);
            } catch (RuntimeException e) {
                WriteBatches.fail(carried, e);
                throw e;
            }
        }
    }

    private List<Lease> claim(String claimSql, List<WriteBatches.Release> carried, Task.Phase phase, int max, long gapMillis,
            ProviderChoice chosen, SharedPauses pauses) throws SQLException {
        boolean fetch = phase == Task.Phase.FETCH;
        try (Connection c = sql.connection(); PreparedStatement claim = c.prepareStatement(claimSql)) {
            int i = carried.isEmpty() ? 1 : WriteBatches.bind(c, claim, 1, carried);
            claim.setString(i++, phase.name());
            if (fetch) {
                i = pauses.bind(c, claim, i);
            }
            if (providers.length > 0) {
                claim.setArray(i++, c.createArrayOf("text", providers));
            }
            if (fetch && chosen.only() != null) {
                claim.setString(i++, chosen.only().value());
            }
            if (fetch && chosen.only() == null && !chosen.skipped().isEmpty()) {
                claim.setArray(i++, c.createArrayOf("text", chosen.skipped().stream().map(ProviderName::value).toArray()));
            }
            claim.setInt(i++, max);
            claim.setString(i++, instanceId);
            claim.setLong(i++, leaseTime);
            claim.setLong(i, gapMillis);
            long sentAt = System.currentTimeMillis();
            try (ResultSet rows = claim.executeQuery()) {
                return CarriedRows.read(rows, carried, sql, clock, instanceId, sentAt);
            }
        }
    }

    /**
     * Every provider configured here left out of the claim (the rest of a claim whose providers each took
     * their share alone): no task can match, so no statement is sent.
     */
    private boolean noneLeft(ProviderChoice chosen) {
        if (providers.length == 0) {
            return false;
        }
        for (String provider : providers) {
            if (chosen.allows(new ProviderName(provider))) {
                return false;
            }
        }
        return true;
    }

    /** Renews the leases in one statement; @return those lost (their rows moved on: ended here). */
    List<Lease> renewAll(java.util.Collection<Lease> leases) {
        // in id order, as the release batches: two statements on common rows lock them in the same order
        List<Lease> asked = leases.stream().filter(lease -> !lease.ended())
                .sorted(java.util.Comparator.comparing((Lease lease) -> lease.taskId().value())).toList();
        if (asked.isEmpty()) {
            return List.of();
        }
        Set<TaskId> renewed = new HashSet<>();
        java.util.Map<TaskId, Lease> byId = new java.util.HashMap<>();
        asked.forEach(lease -> byId.put(lease.taskId(), lease));
        try (Connection c = sql.connection(); PreparedStatement renew = c.prepareStatement(
                "UPDATE jimeng_tasks t SET lease_until = " + NOW + " + ?, kept = false FROM unnest(?::text[], ?::bigint[]) AS l(id, epoch) "
                        + "WHERE t.id = l.id AND t.lease_epoch = l.epoch AND t.lease_owner = ? AND t.lease_until > " + NOW
                        + " AND NOT t.finished RETURNING t.id, t.lease_until")) {
            renew.setLong(1, leaseTime);
            renew.setArray(2, c.createArrayOf("text", asked.stream().map(lease -> lease.taskId().value()).toArray()));
            renew.setArray(3, c.createArrayOf("bigint", asked.stream().map(Lease::epoch).toArray()));
            renew.setString(4, instanceId);
            try (ResultSet rows = renew.executeQuery()) {
                while (rows.next()) {
                    TaskId id = TaskDocuments.id(rows.getString(1));
                    renewed.add(id);
                    byId.get(id).renewedUntil(rows.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw StoreSql.unavailable(e);
        }
        List<Lease> lost = new ArrayList<>();
        for (Lease lease : asked) {
            // a lease given back while the renewal ran is not lost (release and finish end it first)
            if (!renewed.contains(lease.taskId()) && !lease.ended()) {
                lease.end();
                lost.add(lease);
            }
        }
        return lost;
    }
}
