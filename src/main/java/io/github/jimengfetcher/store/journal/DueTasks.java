package io.github.jimengfetcher.store.journal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;

/**
 * Which pending tasks wait for their turn, in the order they come due, and which are leased
 * right now. A task is in exactly one of the two. Not thread-safe: the journal store guards it.
 *
 * A task's place among the waiting ones is keyed by its nextAt: take it out ({@link #take})
 * before changing that, and put it back ({@link #index}) after.
 */
final class DueTasks {

    private static final Comparator<Task> BY_DUE_TIME = Comparator.<Task>comparingLong(t -> t.nextAt).thenComparing(t -> t.id);
    /** Downloads due go the URL that lapses first first; a URL that does not say when, after those that do. */
    private static final Comparator<Task> BY_URL_EXPIRY = Comparator.<Task, Long>comparing(t -> t.videoUrlExpiresAt,
            Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(BY_DUE_TIME);

    private final TreeSet<Task> fetches = new TreeSet<>(BY_DUE_TIME);
    /** Downloads not due yet, in the order they come due... */
    private final TreeSet<Task> downloads = new TreeSet<>(BY_DUE_TIME);
    /** ... and those due, moved here as they come due (on a claim), in the order of their URL's expiry. */
    private final TreeSet<Task> downloadsDue = new TreeSet<>(BY_URL_EXPIRY);
    private final Map<TaskId, Task> leased = new HashMap<>();

    /** Waits for its turn (again). */
    void index(Task task) {
        take(task);
        (task.phase == Task.Phase.FETCH ? fetches : downloads).add(task);
    }

    /** Neither waiting nor leased any more (finished, or about to change its due time). */
    void take(Task task) {
        fetches.remove(task);
        downloads.remove(task);
        downloadsDue.remove(task);
        leased.remove(task.id);
    }

    /**
     * Leases that expired unrenewed (their holder stopped or stalls) go back to the waiting ones,
     * due when the claim said; a lease so overdue is the store's to hand out again.
     */
    void expireLeases(long now) {
        List<Task> expired = leased.values().stream().filter(t -> t.leaseUntil <= now).toList();
        for (Task task : expired) {
            task.leaseOwner = null;
            index(task);
        }
    }

    /** When the first waiting task of the phase comes due (epoch ms), or -1 when none waits. */
    long firstDueAt(Task.Phase phase) {
        if (phase == Task.Phase.DOWNLOAD && !downloadsDue.isEmpty()) {
            return downloadsDue.first().nextAt; // due already, like every task in there
        }
        TreeSet<Task> due = phase == Task.Phase.FETCH ? fetches : downloads;
        return due.isEmpty() ? -1 : due.first().nextAt;
    }

    /**
     * Takes up to max waiting tasks of the phase that are due by now into the leased ones: fetches
     * earliest due first, downloads the URL that lapses first first.
     */
    List<Task> claim(Task.Phase phase, long now, int max) {
        TreeSet<Task> due = fetches;
        if (phase == Task.Phase.DOWNLOAD) {
            while (!downloads.isEmpty() && downloads.first().nextAt <= now) {
                downloadsDue.add(downloads.pollFirst());
            }
            due = downloadsDue;
        }
        List<Task> claimed = new ArrayList<>();
        while (claimed.size() < max && !due.isEmpty() && due.first().nextAt <= now) {
            Task task = due.pollFirst();
            leased.put(task.id, task);
            claimed.add(task);
        }
        return claimed;
    }

    /** Held by a lease (the store replaced its copy of a leased task). */
    void leased(Task task) {
        take(task);
        leased.put(task.id, task);
    }
}
