package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;

import static io.github.jimengfetcher.store.postgres.StoreSql.NOW;

/**
 * Releases from many exchanges written together: one statement for every batch, sent once the first
 * release in it has waited jimeng.store.batch-time or batch-size releases wait, whichever comes first,
 * unless a claim carries them first in its own statement ({@link #take}); while a claim gathers its
 * slots, a batch whose time has come waits for it, up to twice the batch time ({@link #claimComing}).
 * Each row keeps the fencing of a single release (owner, epoch, unexpired, not finished); a row the
 * statement did not write is that caller's lost lease alone, and a database fault fails every caller of
 * its batch as it would have failed a single write. A crash before the statement loses only writes whose
 * leases then run out: their tasks are claimed again, as after a crash before a single write.
 */
final class WriteBatches implements AutoCloseable {

    /**
     * What a release writes ({@link LeaseWrites}'s single release, row by row): the notification time kept,
     * and one more fetch at once after a fetch a notification came during.
     */
    /**
     * A release asked to keep its lease keeps it unless a notification came mid-fetch (the task is due at
     * once then, for any instance).
     */
    private static final String KEEPS = "(w.keep_until IS NOT NULL AND t.task->'notifiedMidFetch' IS NULL)";

    static final String RELEASE = "UPDATE jimeng_tasks t SET phase = w.phase, "
            + "next_at = CASE WHEN t.task->'notifiedMidFetch' IS NOT NULL THEN LEAST(w.next_at, " + NOW + ") ELSE w.next_at END, "
            + "task = (w.doc::jsonb - 'notifiedMidFetch') || " + LeaseWrites.NOTIFIED_KEPT + ", "
            // kept (see KeptLeases): owner and epoch stay, the lease runs to one lease time past the next due time
            + "kept = " + KEEPS + ", lease_owner = CASE WHEN " + KEEPS + " THEN t.lease_owner END, "
            + "lease_until = CASE WHEN " + KEEPS + " THEN w.keep_until END "
            + "FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::bigint[]) "
            + "AS w(id, owner, epoch, phase, next_at, doc, keep_until) "
            + "WHERE t.id = w.id AND t.lease_owner = w.owner AND t.lease_epoch = w.epoch AND t.lease_until > " + NOW
            + " AND NOT t.finished RETURNING w.id, w.epoch, t.kept";
    /** Two statements that lock the same rows in another order: the database ends one, which is sent again. */
    static final String DEADLOCK = "40P01";

    /** What became of a release: its lease lost (the row left alone), given back, or kept. */
    enum Written { LOST, RELEASED, KEPT }

    /** @param keepUntil the lease kept until then (see KeptLeases), or null: given back */
    record Release(Lease lease, String phase, long nextAt, String document, Long keepUntil, long queuedAt,
            CompletableFuture<Written> written) {
        String key() {
            return lease.taskId().value() + "@" + lease.epoch();
        }
    }

    /** Rows locked in one order by every statement of this instance that writes many (see LeaseClaims#renewAll). */
    static final Comparator<Release> IN_ID_ORDER = Comparator.comparing((Release r) -> r.lease.taskId().value())
            .thenComparingLong(r -> r.lease.epoch());

    private final StoreSql sql;
    private final long batchNanos;
    private final int batchSize;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Release> waiting = new ArrayList<>();
    private final Thread writer;
    private boolean closed;
    /** Until then, a claim gathering its slots is expected to carry what waits in its own statement (see {@link #claimComing}). */
    private long claimComingUntil = System.nanoTime();

    WriteBatches(StoreSql sql, long batchMillis, int batchSize, String instanceId) {
        this.sql = sql;
        this.batchNanos = TimeUnit.MILLISECONDS.toNanos(batchMillis);
        this.batchSize = batchSize;
        this.writer = new Thread(this::writeBatches, "store-writes-" + instanceId);
        writer.setDaemon(true);
        writer.start();
    }

    /** Writes the release with the next batch and waits for it; keepUntil: the lease kept until then, or null. */
    Written release(Lease lease, Long keepUntil) {
        Task task = lease.task();
        Release release = new Release(lease, task.phase.name(), task.nextAt, sql.document(task), keepUntil, System.nanoTime(),
                new CompletableFuture<>());
        boolean queued;
        lock.lock();
        try {
            queued = !closed;
            if (queued) {
                waiting.add(release);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (!queued) {
            // after the stop's flush: alone, now
            write(List.of(release));
        }
        try {
            return release.written.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException fault) {
                throw fault;
            }
            throw e;
        }
    }

    /**
     * Up to batch-size releases still waiting, taken out for a claim to carry in its own statement
     * ({@link LeaseClaims}): the claims of the next work and the releases of the last go together.
     * The carrier settles them ({@link #settle}, {@link #fail}).
     */
    List<Release> take() {
        lock.lock();
        try {
            List<Release> taken = new ArrayList<>(waiting.subList(0, Math.min(batchSize, waiting.size())));
            waiting.subList(0, taken.size()).clear();
            return taken.stream().sorted(IN_ID_ORDER).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A claim has begun gathering its slots, for one batch time, and will carry what waits then in its own
     * statement: a batch whose time comes meanwhile waits for it (and the claim's own time, half a batch
     * time more) rather than going alone, never past twice the batch time. A claim that asks nothing of
     * the database (kept leases served from the plan) leaves the batch to go by itself at that bound.
     */
    void claimComing() {
        lock.lock();
        try {
            claimComingUntil = System.nanoTime() + batchNanos + batchNanos / 2;
        } finally {
            lock.unlock();
        }
    }

    /** The releases' rows as {@link #RELEASE}'s seven arrays, from parameter i on; the next parameter's index. */
    static int bind(Connection c, PreparedStatement statement, int i, List<Release> batch) throws SQLException {
        statement.setArray(i++, c.createArrayOf("text", batch.stream().map(r -> r.lease.taskId().value()).toArray()));
        statement.setArray(i++, c.createArrayOf("text", batch.stream().map(r -> r.lease.owner()).toArray()));
        statement.setArray(i++, c.createArrayOf("bigint", batch.stream().map(r -> r.lease.epoch()).toArray()));
        statement.setArray(i++, c.createArrayOf("text", batch.stream().map(Release::phase).toArray()));
        statement.setArray(i++, c.createArrayOf("bigint", batch.stream().map(Release::nextAt).toArray()));
        statement.setArray(i++, c.createArrayOf("text", batch.stream().map(Release::document).toArray()));
        statement.setArray(i++, c.createArrayOf("bigint", batch.stream().map(Release::keepUntil).toArray()));
        return i;
    }

    /** Each caller learns whether its row was written (its id@epoch among those returned, kept or not) or its lease was lost. */
    static void settle(List<Release> batch, Map<String, Boolean> written) {
        for (Release release : batch) {
            Boolean kept = written.get(release.key());
            release.written.complete(kept == null ? Written.LOST : kept ? Written.KEPT : Written.RELEASED);
        }
    }

    static void fail(List<Release> batch, RuntimeException fault) {
        batch.forEach(release -> release.written.completeExceptionally(fault));
    }

    /** Releases waiting for their batch now. */
    int waitingCount() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Writes what still waits, then ends the writer: called before the leases go back and the pool closes. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeBatches() {
        while (true) {
            List<Release> batch = nextBatch();
            if (batch == null) {
                return;
            }
            write(batch);
        }
    }

    /** The next batch once it is due; null once closed with nothing left. */
    private List<Release> nextBatch() {
        lock.lock();
        try {
            while (true) {
                // a claim may have carried off what waited (see take), so the oldest is looked at anew each time
                if (waiting.isEmpty()) {
                    if (closed) {
                        return null;
                    }
                    changed.awaitUninterruptibly();
                    continue;
                }
                long oldest = waiting.get(0).queuedAt;
                long due = oldest + batchNanos;
                if (claimComingUntil - due > 0) {
                    // left to the claim gathering its slots, within twice the batch time
                    due = Math.min(claimComingUntil, oldest + 2 * batchNanos);
                }
                long left = due - System.nanoTime();
                if (closed || waiting.size() >= batchSize || left <= 0) {
                    break;
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    // not stopped by an interrupt: only close() ends the writer, once all is written
                }
            }
            List<Release> batch = new ArrayList<>(waiting.subList(0, Math.min(batchSize, waiting.size())));
            waiting.subList(0, batch.size()).clear();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void write(List<Release> batch) {
        // in id order: two batches of one instance lock their common rows in the same order
        List<Release> sorted = batch.stream().sorted(IN_ID_ORDER).toList();
        try {
            Map<String, Boolean> written;
            try {
                written = send(sorted);
            } catch (SQLException e) {
                if (!DEADLOCK.equals(e.getSQLState())) {
                    throw e;
                }
                written = send(sorted);
            }
            settle(sorted, written);
        } catch (SQLException e) {
            fail(sorted, StoreSql.unavailable(e));
        } catch (RuntimeException | Error e) {
            // no caller waits for ever on a batch that failed otherwise
            sorted.forEach(release -> release.written.completeExceptionally(e));
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    /** @return the id@epoch of each row written, and whether it was kept */
    private Map<String, Boolean> send(List<Release> batch) throws SQLException {
        Map<String, Boolean> written = new HashMap<>();
        try (Connection c = sql.connection(); PreparedStatement statement = c.prepareStatement(RELEASE)) {
            bind(c, statement, 1, batch);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    written.put(rows.getString(1) + "@" + rows.getLong(2), rows.getBoolean(3));
                }
            }
        }
        return written;
    }
}
