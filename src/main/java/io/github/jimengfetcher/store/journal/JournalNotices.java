package io.github.jimengfetcher.store.journal;

import java.util.function.Consumer;

import io.github.jimengfetcher.store.TaskStore.Notified;
import io.github.jimengfetcher.task.Task;

/**
 * A notification about a task, as the journal store applies it: a fetch waiting for its turn is due
 * now. Not thread-safe: the store guards it.
 */
final class JournalNotices {

    private JournalNotices() {
    }

    /**
     * @param task     the pending task, or null
     * @param finished whether the id is among the finished ones
     * @param waiting  puts the changed task back among the waiting ones, waking a claim that waits for due work
     */
    static Notified notified(Task task, boolean finished, long now, DueTasks due, TaskJournal journal, Consumer<Task> waiting) {
        if (task == null) {
            return finished ? Notified.FINISHED : Notified.UNKNOWN;
        }
        if (task.phase != Task.Phase.FETCH) {
            return Notified.FINISHED;
        }
        if (task.leaseOwner != null && task.leaseUntil > now) {
            // Being fetched: its answer may predate the change. Its release, which would undo a due time
            // set here, reads this mark instead (ReleasedTask); held in memory, as the lease is.
            task.notifiedAt = now;
            task.notifiedMidFetch = true;
            return Notified.AFTER_FETCH;
        }
        due.take(task);
        // A lease that lapsed unrenewed is over, as a claim would find it.
        task.leaseOwner = null;
        task.notifiedMidFetch = null;
        boolean dueAlready = task.nextAt <= now;
        task.nextAt = Math.min(task.nextAt, now);
        task.notifiedAt = now;
        waiting.accept(task);
        // Kept: a restart finds it due, with its notification time.
        journal.put(task);
        journal.flush();
        return dueAlready ? Notified.ALREADY_DUE : Notified.MOVED;
    }
}
