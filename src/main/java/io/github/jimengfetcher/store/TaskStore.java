package io.github.jimengfetcher.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.LeaseLostException;
import io.github.jimengfetcher.task.ProviderConflict;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskRef;
import io.github.jimengfetcher.task.TaskState;

/**
 * Where tasks are kept: storage only. What a change means (backoff, limits, deadlines) is
 * {@code TaskLife}'s (package life, above the stores), the same for every store; how much work runs
 * at once is {@code DueWork}'s.
 *
 * Work is handed out as leases ({@link Lease}): a claim takes due tasks for this instance, with a
 * fencing epoch and an expiry on the store's clock. Every change to a task goes with its lease
 * and throws {@link LeaseLostException}, changing nothing, when the lease no longer holds
 * (expired, or the task taken over by a later claim). A task is pending, leased or not, until it
 * finishes; a finished id stays known, so it is never registered again except by {@link #reopen}.
 *
 * The local journal ({@code JournalTaskStore}) is the embedded default for one instance.
 */
public interface TaskStore {

    /**
     * Registers new ids, each for its provider; ids pending or finished already for the same provider
     * are counted, not registered again. An id the store has for another provider is refused: nothing
     * changes for it, and the registration names it among its conflicts.
     */
    Registration register(List<TaskRef> tasks);

    /** @param conflicts the ids refused, as the store has them for another provider */
    record Registration(int registered, int alreadyPending, int alreadyFinished, List<ProviderConflict> conflicts) {

        /** Nothing refused. */
        public Registration(int registered, int alreadyPending, int alreadyFinished) {
            this(registered, alreadyPending, alreadyFinished, List.of());
        }

        public int duplicates() {
            return alreadyPending + alreadyFinished;
        }
    }

    /** The provider the store has the id for, pending or finished; empty for an id it does not know. */
    Optional<ProviderName> providerOf(TaskId id);

    /**
     * Makes a finished (or unknown) id pending again, due now, with a fresh start (a new deadline),
     * for the provider it had (an unknown id: jimeng-gateway):
     * an explicit retry. A task that timed out and is only looked at late starts afresh too, unless
     * it is being looked at right now (leased). False, changing nothing, for any other pending task.
     */
    boolean reopen(TaskId id);

    /**
     * A notification says the task may have changed: a pending fetch waiting for its turn is due now
     * (the gap planned after its last answer waived, once), and its notification time kept. A fetch due
     * already is left as it is; a fetch running right now is followed at once by one more, as its
     * answer may predate the change (the release that ends it makes the task due now, once). A task
     * past its fetches (in its download, or finished) is left as it is. A claim still leaves a paused provider's tasks out, and its pace still holds.
     */
    Notified notified(TaskId id);

    /** What {@link #notified} did. */
    enum Notified {
        /** Waiting for its turn: due now. */
        MOVED,
        /** Due already: nothing moved. */
        ALREADY_DUE,
        /** Being fetched right now: fetched once more as soon as that fetch ends. */
        AFTER_FETCH,
        /** In its download, or finished: nothing to fetch. */
        FINISHED,
        /** Not an id the store knows. */
        UNKNOWN
    }

    /**
     * Leases up to max tasks of the phase that are due by the store's clock, earliest first:
     * tasks nobody holds and tasks whose lease expired (taken over). Each claim grows the task's
     * epoch and moves its due time gap later, so a task whose holder dies is not due again before
     * the holder's own next turn would have come. No fetches of a provider while its fetches are
     * paused (the other providers' go on). Never waits. A fetch lease this instance kept at its release
     * (see {@link #release}) is served again as it was, same epoch, no other instance having held it since.
     */
    default List<Lease> claimDue(Task.Phase phase, int max, long gapMillis) {
        return claimDue(phase, max, gapMillis, ProviderChoice.ANY);
    }

    /**
     * Like {@link #claimDue(Task.Phase, int, long)}, fetches only of the providers chosen (downloads:
     * every provider's). A provider skipped or paused costs the claim nothing: its tasks are not looked at.
     */
    List<Lease> claimDue(Task.Phase phase, int max, long gapMillis, ProviderChoice providers);

    /**
     * Waits, at most until the deadline (the store's clock), for a task of the phase to come due, so
     * that a task is claimed the moment it is due rather than on the next scheduler tick. True when
     * one may be due now. A store that cannot tell returns false at once: it is asked again on the
     * next tick.
     */
    default boolean awaitDue(Task.Phase phase, long deadline) throws InterruptedException {
        return false;
    }

    /**
     * How long a claim may wait, once a slot is free, for more to free up, so that they are claimed
     * together: a store that pays a round trip per claim says its write batch time; 0: claim at once.
     */
    default long claimGatherMillis() {
        return 0;
    }

    /**
     * This instance is alive: asked as often as the leases are looked at for renewal; a shared store
     * keeps a heartbeat per jimeng.store.instance-id and writes it when due. Nothing for a local store.
     */
    default void heartbeat() {
    }

    /** Pushes the lease's expiry one lease time past now; throws when it no longer holds. */
    void renew(Lease lease);

    /** Renews each lease; returns those that no longer hold (they are ended). */
    default List<Lease> renewAll(Collection<Lease> leases) {
        List<Lease> lost = new java.util.ArrayList<>();
        for (Lease lease : leases) {
            try {
                renew(lease);
            } catch (LeaseLostException e) {
                lease.end();
                lost.add(lease);
            }
        }
        return lost;
    }

    /** Keeps the lease's working copy of the task; the lease goes on holding. */
    void update(Lease lease);

    /**
     * Keeps the working copy and gives the lease up: the task waits for its next due time. The shared
     * store may keep the lease of a task still in its fetches for this instance's next fetch of it (other
     * instances take it once that lease runs out); the lease object is ended all the same.
     */
    void release(Lease lease);

    /** The task is done (its result or failure record is written): no longer pending, known as finished, with its outcome. */
    void finish(Lease lease, TaskState outcome);

    /**
     * Nobody fetches a task of this provider before this time (epoch ms): its API asked to slow down,
     * or refused its key. Other providers' fetches go on. A shared store keeps the pause per provider
     * and key, for every instance on the same key.
     */
    void pauseFetches(ProviderName provider, long until);

    /** Until when the provider's fetches are paused (epoch ms; in the past, or 0, when they are not). */
    long fetchesPausedUntil(ProviderName provider);

    /** The providers whose fetches are paused now, each with until when (epoch ms). */
    Map<ProviderName, Long> fetchPauses();

    /** The store's clock (epoch ms): due times, leases and pauses are on it. */
    long now();

    /** How long the lease time is: a lease not renewed for that long is lost. */
    long leaseTimeMillis();

    /** A copy of the pending task, leased or not. */
    Optional<Task> find(TaskId id);

    /** Has the id finished (result or failure written), here or before? */
    boolean isFinished(TaskId id);

    /** Copies of all pending tasks, for status pages. */
    List<Task> pendingTasks();

    /**
     * One page of every task the store knows, pending and finished, in id order.
     *
     * @param state      only tasks in this state, or null for all
     * @param idContains only ids containing this text, or null or empty for all
     */
    TaskPage page(TaskState state, String idContains, int offset, int limit);

    /** How many tasks match in all, and the page of them. */
    record TaskPage(long total, List<ListedTask> tasks) {
    }

    /** A task on a page: its id, state and provider, and for a pending one a copy of it (null once finished). */
    record ListedTask(TaskId id, TaskState state, Task pending, ProviderName provider) {
    }

    int pendingCount();

    /** How long the task has waited for a final status, not counting outages (see {@link #outageBegan}). */
    long waitedMillis(Task task);

    /**
     * No answer can be had now (the API refuses the key, cannot be reached or rate-limits us; this
     * machine cannot write): the task timeout does not count on until every outage has ended.
     */
    void outageBegan(String cause);

    void outageEnded(String cause);
}
