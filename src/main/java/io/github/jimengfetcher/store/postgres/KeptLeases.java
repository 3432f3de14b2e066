package io.github.jimengfetcher.store.postgres;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;

/**
 * The leases this instance kept after fetches that found their tasks still in progress, in due order:
 * their rows wait under this instance's lease (kept), so the next fetch of each is served from here
 * with no statement at all ({@link KeptServing}). What is held here is a plan: every write of a served
 * lease is fenced by the row (owner, epoch, unexpired), so a row freed meanwhile (a notification or a
 * reopen received elsewhere) costs one fetch whose write is refused. Bounded, so that the other
 * instances get their share of the work.
 */
final class KeptLeases {

    /** A kept row as this instance wrote it: the task as written, its due time, epoch and lease. */
    record Kept(TaskId id, ProviderName provider, long nextAt, long epoch, long leaseUntil, Task task) {
    }

    /**
     * A row kept and not due yet: waiting for its turn, held by nobody for the status pages, a notification or
     * a reopen. Once due it is (about to be) fetched by its keeper, without a write: it counts as held then.
     */
    static final String WAITING = "(kept AND next_at > " + StoreSql.NOW + ")";

    private static final Comparator<Kept> DUE_ORDER = Comparator.comparingLong(Kept::nextAt).thenComparing(k -> k.id().value());

    private final int limit;
    private final TreeSet<Kept> byDue = new TreeSet<>(DUE_ORDER);
    private final Map<TaskId, Kept> byId = new HashMap<>();
    private final ClaimQuiet quiet = new ClaimQuiet();

    /** @param limit at most this many kept at once; beyond it a lease is given back as before */
    KeptLeases(int limit) {
        this.limit = limit;
    }

    /** When the fetch claims serving these need not ask the database. */
    ClaimQuiet quiet() {
        return quiet;
    }

    synchronized boolean hasRoom() {
        return byId.size() < limit;
    }

    synchronized void keep(Kept kept) {
        Kept before = byId.put(kept.id(), kept);
        if (before != null) {
            byDue.remove(before);
        }
        byDue.add(kept);
    }

    /**
     * Takes out up to max kept leases due at now, earliest first, of the providers allowed. One whose lease
     * would not outlast now by the margin is taken out and dropped: it lapses, and any instance claims it then.
     */
    synchronized List<Kept> takeDue(long now, int max, long margin, Predicate<ProviderName> allowed) {
        List<Kept> due = new ArrayList<>();
        var it = byDue.iterator();
        while (it.hasNext() && due.size() < max) {
            Kept kept = it.next();
            if (kept.nextAt() > now) {
                break;
            }
            if (kept.leaseUntil() <= now + margin) {
                it.remove();
                byId.remove(kept.id());
            } else if (allowed.test(kept.provider())) {
                it.remove();
                byId.remove(kept.id());
                due.add(kept);
            }
        }
        return due;
    }

    /**
     * The task's row was freed here (a notification, a reopen) or claimed anew by this instance: its plan is
     * dropped, so that it is not fetched twice at once; and the next claim asks the database.
     */
    synchronized void freed(TaskId id) {
        drop(id);
        quiet.wake();
    }

    /** Rows this instance has just claimed: a plan for any of them is stale (its row was freed meanwhile). */
    synchronized void claimed(List<Lease> leases) {
        if (!byId.isEmpty()) {
            leases.forEach(lease -> drop(lease.taskId()));
        }
    }

    private void drop(TaskId id) {
        Kept kept = byId.remove(id);
        if (kept != null) {
            byDue.remove(kept);
        }
    }

    synchronized int size() {
        return byId.size();
    }

    synchronized void clear() {
        byDue.clear();
        byId.clear();
    }

    /** The stored times moved back by millis, as the store's tests move time on: the plans move with them. */
    synchronized void movedBack(long millis) {
        quiet.wake();
        List<Kept> all = new ArrayList<>(byDue);
        clear();
        all.forEach(k -> keep(new Kept(k.id(), k.provider(), k.nextAt() - millis, k.epoch(), k.leaseUntil() - millis, k.task())));
    }
}
