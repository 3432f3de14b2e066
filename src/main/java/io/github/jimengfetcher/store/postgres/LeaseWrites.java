package io.github.jimengfetcher.store.postgres;

import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.LeaseLostException;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskState;

import static io.github.jimengfetcher.store.postgres.StoreSql.NOW;

/**
 * The shared store's writes under a lease: each carries owner and epoch and touches nothing when
 * they no longer match (the row claimed again since, or finished), which the holder learns as a
 * {@link LeaseLostException}.
 */
final class LeaseWrites {

    private static final String HELD = " AND lease_owner = ? AND lease_epoch = ? AND lease_until > " + NOW + " AND NOT finished";

    /**
     * What a notification wrote to the row while it was held ({@link StoreNotices}) outlives the holder's
     * document: its time, and on an update the mark that it came mid-fetch.
     */
    static final String NOTIFIED_KEPT = "jsonb_strip_nulls(jsonb_build_object('notifiedAt', task->'notifiedAt'))";
    private static final String MARK_KEPT = "jsonb_strip_nulls(jsonb_build_object('notifiedAt', task->'notifiedAt', "
            + "'notifiedMidFetch', task->'notifiedMidFetch'))";
    private final StoreSql sql;
    private final long leaseTime;
    private final WriteBatches batches;
    private final KeptLeases kept;

    LeaseWrites(StoreSql sql, long leaseTime, WriteBatches batches, KeptLeases kept) {
        this.sql = sql;
        this.leaseTime = leaseTime;
        this.batches = batches;
        this.kept = kept;
    }

    /** A kept lease renewed or written is in use: no longer kept (see KeptLeases). */
    void renew(Lease lease) {
        given(lease);
        Long until = sql.queryLong("UPDATE jimeng_tasks SET lease_until = " + NOW + " + ?, kept = false WHERE id = ?" + HELD + " RETURNING lease_until",
                leaseTime, lease.taskId(), lease.owner(), lease.epoch());
        if (until == null) {
            throw lost(lease);
        }
        lease.renewedUntil(until);
    }

    void update(Lease lease) {
        given(lease);
        Task task = lease.task();
        int rows = sql.execute("UPDATE jimeng_tasks SET kept = false, phase = ?, next_at = ?, task = (?::jsonb - 'notifiedMidFetch') || " + MARK_KEPT
                + " WHERE id = ?" + HELD,
                task.phase.name(), task.nextAt, sql.document(task), lease.taskId(), lease.owner(), lease.epoch());
        if (rows == 0) {
            throw lost(lease);
        }
    }

    /**
     * With other releases, in one statement ({@link WriteBatches}); a mark left mid-fetch makes the task due at once.
     * A task still in its fetches keeps its lease to one lease time past its next due time, while there is room
     * ({@link KeptLeases}): its next fetch here needs no claim written.
     */
    void release(Lease lease) {
        given(lease);
        lease.end(); // before the statement: a renewal running meanwhile must not count it lost
        Task task = lease.task();
        Long keepUntil = task.phase == Task.Phase.FETCH && kept.hasRoom() ? task.nextAt + leaseTime : null;
        WriteBatches.Written written = batches.release(lease, keepUntil);
        if (written == WriteBatches.Written.LOST) {
            throw lost(lease);
        }
        if (written == WriteBatches.Written.KEPT) {
            kept.keep(new KeptLeases.Kept(lease.taskId(), task.provider, task.nextAt, lease.epoch(), keepUntil, task.copy()));
        } else if (task.phase == Task.Phase.FETCH) {
            kept.quiet().wake(); // a fetch given back, maybe due at once
        }
    }

    void finish(Lease lease, TaskState outcome) {
        given(lease);
        lease.end(); // before the statement, as for a release
        int rows = sql.execute("UPDATE jimeng_tasks SET finished = true, outcome = ?, lease_owner = NULL, lease_until = NULL, kept = false, "
                + "task = jsonb_build_object('id', id) WHERE id = ?" + HELD, outcome.name(), lease.taskId(), lease.owner(), lease.epoch());
        if (rows == 0) {
            throw lost(lease);
        }
    }

    /**
     * A lease given back (or lost) is not used again: a kept lease's row has the same owner and epoch when it
     * is served anew, so the row alone cannot tell the old lease from the new.
     */
    private static void given(Lease lease) {
        if (lease.ended()) {
            throw new LeaseLostException(lease, "it was given back or lost before");
        }
    }

    private static LeaseLostException lost(Lease lease) {
        lease.end();
        return new LeaseLostException(lease, "expired unrenewed, claimed again since, or finished");
    }
}
