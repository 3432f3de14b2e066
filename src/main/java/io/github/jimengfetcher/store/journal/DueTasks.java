package io.github.jimengfetcher.store.journal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import io.github.jimengfetcher.task.ProviderName;
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

    /** Fetches waiting, per provider: a claim looks only at the providers it may take (not paused, within their pace). */
    private final Map<ProviderName, TreeSet<Task>> fetches = new HashMap<>();
    /** Downloads not due yet, in the order they come due... */
    private final TreeSet<Task> downloads = new TreeSet<>(BY_DUE_TIME);
    /** ... and those due, moved here as they come due (on a claim), in the order of their URL's expiry. */
    private final TreeSet<Task> downloadsDue = new TreeSet<>(BY_URL_EXPIRY);
    private final Map<TaskId, Task> leased = new HashMap<>();

    /** Waits for its turn (again). */
    void index(Task task) {
        take(task);
        (task.phase == Task.Phase.FETCH ? fetchesOf(task) : downloads).add(task);
    }

    private TreeSet<Task> fetchesOf(Task task) {
        return fetches.computeIfAbsent(providerOf(task), name -> new TreeSet<>(BY_DUE_TIME));
    }

    private static ProviderName providerOf(Task task) {
        return task.provider == null ? ProviderName.JIMENG_GATEWAY : task.provider;
    }

    /** Neither waiting nor leased any more (finished, or about to change its due time). */
    void take(Task task) {
        TreeSet<Task> waiting = fetches.get(providerOf(task));
        if (waiting != null) {
            waiting.remove(task);
        }
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

    /**
     * When the first waiting task of the phase comes due (epoch ms), or -1 when none waits; a
     * provider's fetches not before its pause ends.
     */
    long firstDueAt(Task.Phase phase, ToLongFunction<ProviderName> pausedUntil) {
        if (phase == Task.Phase.DOWNLOAD) {
            if (!downloadsDue.isEmpty()) {
                return downloadsDue.first().nextAt; // due already, like every task in there
            }
            return downloads.isEmpty() ? -1 : downloads.first().nextAt;
        }
        long first = -1;
        for (Map.Entry<ProviderName, TreeSet<Task>> waiting : fetches.entrySet()) {
            if (!waiting.getValue().isEmpty()) {
                long at = Math.max(waiting.getValue().first().nextAt, pausedUntil.applyAsLong(waiting.getKey()));
                first = first < 0 ? at : Math.min(first, at);
            }
        }
        return first;
    }

    /**
     * Takes up to max waiting tasks of the phase that are due by now into the leased ones: fetches
     * earliest due first, of the providers the claim may take (the others' are not looked at),
     * downloads the URL that lapses first first.
     */
    List<Task> claim(Task.Phase phase, long now, int max, Predicate<ProviderName> fetchesOf) {
        if (phase == Task.Phase.FETCH) {
            return claimFetches(now, max, fetchesOf);
        }
        while (!downloads.isEmpty() && downloads.first().nextAt <= now) {
            downloadsDue.add(downloads.pollFirst());
        }
        List<Task> claimed = new ArrayList<>();
        while (claimed.size() < max && !downloadsDue.isEmpty()) {
            claimed.add(lease(downloadsDue.pollFirst()));
        }
        return claimed;
    }

    /** The providers' queues merged by due time: each step takes the earliest first task among them. */
    private List<Task> claimFetches(long now, int max, Predicate<ProviderName> fetchesOf) {
        List<TreeSet<Task>> queues = new ArrayList<>();
        fetches.forEach((provider, waiting) -> {
            if (!waiting.isEmpty() && waiting.first().nextAt <= now && fetchesOf.test(provider)) {
                queues.add(waiting);
            }
        });
        List<Task> claimed = new ArrayList<>();
        while (claimed.size() < max) {
            TreeSet<Task> earliest = null;
            for (TreeSet<Task> waiting : queues) {
                if (!waiting.isEmpty() && waiting.first().nextAt <= now
                        && (earliest == null || BY_DUE_TIME.compare(waiting.first(), earliest.first()) < 0)) {
                    earliest = waiting;
                }
            }
            if (earliest == null) {
                break;
            }
            claimed.add(lease(earliest.pollFirst()));
        }
        return claimed;
    }

    private Task lease(Task task) {
        leased.put(task.id, task);
        return task;
    }

    /** Held by a lease (the store replaced its copy of a leased task). */
    void leased(Task task) {
        take(task);
        leased.put(task.id, task);
    }
}
