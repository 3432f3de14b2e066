package io.github.jimengfetcher.store.journal;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.github.jimengfetcher.store.TaskStore.Registration;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskIds;
import io.github.jimengfetcher.task.TaskState;

/**
 * New ids into the journal store, and reopened ones: forced to disk before they count, or not
 * registered at all (the caller, an inbox file, tries again). Runs under the store's lock.
 */
final class JournalRegistrations {

    private final Map<String, Task> tasks;
    private final Map<String, TaskState> finished;
    private final DueTasks due;
    private final ActiveClock activeClock;
    private final TaskJournal journal;
    private final Consumer<Task> waiting;

    /** @param waiting puts a task among the waiting ones and wakes a claim waiting for due work */
    JournalRegistrations(Map<String, Task> tasks, Map<String, TaskState> finished, DueTasks due,
                         ActiveClock activeClock, TaskJournal journal, Consumer<Task> waiting) {
        this.tasks = tasks;
        this.finished = finished;
        this.due = due;
        this.activeClock = activeClock;
        this.journal = journal;
        this.waiting = waiting;
    }

    /**
     * @param ids      valid ids (the store checked them)
     * @param recorded the ids among these whose result or failure record exists in the output folder
     */
    Registration register(List<String> ids, Set<String> recorded, long now) {
        int pending = 0;
        int known = 0;
        List<Task> added = new ArrayList<>();
        for (String id : ids) {
            if (tasks.containsKey(id)) {
                pending++;
            } else if (finished.containsKey(id) || recorded.contains(id)) {
                known++;
            } else {
                added.add(add(id, now));
            }
        }
        durably(added);
        return new Registration(added.size(), pending, known);
    }

    /** See {@link io.github.jimengfetcher.store.TaskStore#reopen}. */
    boolean reopen(String id, long now) {
        TaskIds.require(id);
        Task pending = tasks.get(id);
        if (pending != null) {
            if (pending.timedOutAt == null || pending.leaseOwner != null && pending.leaseUntil > now) {
                return false;
            }
            tasks.remove(id);
            due.take(pending);
        }
        boolean wasFinished = finished.containsKey(id);
        TaskState outcome = finished.remove(id);
        try {
            durably(List.of(add(id, now)));
        } catch (UncheckedIOException e) {
            if (wasFinished) {
                finished.put(id, outcome);
            }
            if (pending != null) {
                tasks.put(id, pending);
                due.index(pending);
            }
            throw e;
        }
        return true;
    }

    private Task add(String id, long now) {
        Task task = new Task(id, now);
        task.activeAt = activeClock.reading(now);
        tasks.put(id, task);
        journal.put(task);
        waiting.accept(task);
        return task;
    }

    /** Not durable, so not registered: the caller (the inbox file) tries again. */
    private void durably(List<Task> added) {
        try {
            journal.sync();
        } catch (UncheckedIOException e) {
            for (Task task : added) {
                tasks.remove(task.id);
                due.take(task);
            }
            throw e;
        }
    }
}
