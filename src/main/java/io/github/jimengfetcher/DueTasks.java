package io.github.jimengfetcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which unfinished tasks wait for their turn, in the order they come due, and which are handed
 * out (claimed) to a fetch or a download right now, within the slots. A task is in at most one
 * of the two: waiting, or claimed. Not thread-safe: the task store guards it.
 *
 * A task's place among the waiting ones is keyed by its nextAt: take it out ({@link #take})
 * before changing that, and put it back ({@link #index}) after.
 */
final class DueTasks {

    private static final Comparator<Task> BY_DUE_TIME = Comparator.<Task>comparingLong(t -> t.nextAt).thenComparing(t -> t.id);

    private final TreeSet<Task> fetches = new TreeSet<>(BY_DUE_TIME);
    private final TreeSet<Task> downloads = new TreeSet<>(BY_DUE_TIME);
    private final Set<String> claimed = new HashSet<>();
    private final int fetchSlots;
    private final int downloadSlots;
    private int claimedFetches;
    private int claimedDownloads;

    DueTasks(int fetchSlots, int downloadSlots) {
        this.fetchSlots = fetchSlots;
        this.downloadSlots = downloadSlots;
    }

    /** Waits for its turn again, unless it is handed out right now. */
    void index(Task task) {
        if (claimed.contains(task.id)) {
            return;
        }
        take(task);
        (task.phase == Task.Phase.FETCH ? fetches : downloads).add(task);
    }

    void take(Task task) {
        fetches.remove(task);
        downloads.remove(task);
    }

    /** When the first waiting task comes due, or -1 when none waits. */
    long firstDueAt(boolean fetch) {
        TreeSet<Task> due = fetch ? fetches : downloads;
        return due.isEmpty() ? -1 : due.first().nextAt;
    }

    /**
     * Free slots. Fetches: twice the concurrency in flight keeps every fetch thread busy without
     * queueing the whole backlog. Downloads hold no thread while they run: a claim is a download in flight.
     */
    int room(boolean fetch) {
        return fetch ? 2 * fetchSlots - claimedFetches : downloadSlots - claimedDownloads;
    }

    /** Hands out up to room tasks that are due by now, earliest first. */
    List<String> claim(boolean fetch, long now, int room) {
        TreeSet<Task> due = fetch ? fetches : downloads;
        List<String> ids = new ArrayList<>();
        while (ids.size() < room && !due.isEmpty() && due.first().nextAt <= now) {
            Task task = due.pollFirst();
            claimed.add(task.id);
            ids.add(task.id);
        }
        if (fetch) {
            claimedFetches += ids.size();
        } else {
            claimedDownloads += ids.size();
        }
        return ids;
    }

    /** Gives the task's slot back; true when it held one (someone may be waiting for it). */
    boolean release(Task task) {
        if (!claimed.remove(task.id)) {
            return false;
        }
        if (task.phase == Task.Phase.FETCH) {
            claimedFetches--;
        } else {
            claimedDownloads--;
        }
        return true;
    }

    /**
     * The fetch of a task just found its video: its fetch slot is given back and, while there is
     * room, it takes a download slot at once. True when it did; else it waits, due, for one.
     */
    boolean moveToDownload(String id) {
        if (!claimed.remove(id)) {
            return false;
        }
        claimedFetches--;
        if (claimedDownloads < downloadSlots) {
            claimed.add(id);
            claimedDownloads++;
            return true;
        }
        return false;
    }
}
