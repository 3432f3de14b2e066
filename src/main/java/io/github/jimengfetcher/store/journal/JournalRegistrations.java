package io.github.jimengfetcher.store.journal;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.github.jimengfetcher.store.FinishedRecords;
import io.github.jimengfetcher.store.TaskStore.Registration;
import io.github.jimengfetcher.task.ProviderConflict;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskRef;
import io.github.jimengfetcher.task.TaskState;

/**
 * New ids into the journal store, and reopened ones: forced to disk before they count, or not
 * registered at all (the caller, an inbox file, tries again). Runs under the store's lock.
 */
final class JournalRegistrations {

    /** Ids registered under one hold of the lock. */
    static final int SLICE = 2_000;

    private final Map<TaskId, Task> tasks;
    private final Map<TaskId, TaskState> finished;
    private final FinishedProviders providers;
    private final DueTasks due;
    private final ActiveClock activeClock;
    private final TaskJournal journal;
    private final Consumer<Task> waiting;
    private final RegistrationFirst first;

    /** @param waiting puts a task among the waiting ones and wakes a claim waiting for due work */
    JournalRegistrations(Map<TaskId, Task> tasks, Map<TaskId, TaskState> finished, FinishedProviders providers, DueTasks due,
                         ActiveClock activeClock, TaskJournal journal, Consumer<Task> waiting, RegistrationFirst first) {
        this.tasks = tasks;
        this.finished = finished;
        this.providers = providers;
        this.due = due;
        this.activeClock = activeClock;
        this.journal = journal;
        this.waiting = waiting;
        this.first = first;
    }

    /**
     * Registers ids in slices of {@value #SLICE}, each under the lock and forced to disk on its own,
     * with the look-ups of the output folder (whether a task's record exists) made between them,
     * outside the lock: a file of hundreds of thousands of ids does not hold every fetch, claim and
     * /tasks for the whole of its registration, though new fetches wait ({@link RegistrationFirst}). Should a slice fail, the slices before it are
     * registered and the caller's next try counts them as known.
     *
     * @param lock the store's lock, taken for each slice
     */
    Registration registerInSlices(List<TaskRef> ids, FinishedRecords outputs, Object lock, LongSupplier now) {
        synchronized (lock) {
            first.begin(now.getAsLong());
        }
        try {
            return slices(ids, outputs, lock, now);
        } finally {
            synchronized (lock) {
                first.end(now.getAsLong(), ids.size());
                lock.notifyAll();
            }
        }
    }

    private Registration slices(List<TaskRef> ids, FinishedRecords outputs, Object lock, LongSupplier now) {
        int registered = 0;
        int pending = 0;
        int known = 0;
        List<ProviderConflict> conflicts = new ArrayList<>();
        for (int from = 0; from < ids.size() || from == 0; from += SLICE) {
            List<TaskRef> slice = ids.subList(from, Math.min(ids.size(), from + SLICE));
            Set<TaskId> recorded = new HashSet<>();
            for (TaskRef ref : slice) {
                if (outputs != null && outputs.isFinished(ref.id())) {
                    recorded.add(ref.id());
                }
            }
            Registration part;
            synchronized (lock) {
                part = register(slice, recorded, now.getAsLong());
            }
            registered += part.registered();
            pending += part.alreadyPending();
            known += part.alreadyFinished();
            conflicts.addAll(part.conflicts());
        }
        return new Registration(registered, pending, known, conflicts);
    }

    /**
     * One slice, under the store's lock.
     *
     * @param ids      the ids of the slice
     * @param recorded the ids among these whose result or failure record exists in the output folder
     */
    Registration register(List<TaskRef> ids, Set<TaskId> recorded, long now) {
        int pending = 0;
        int known = 0;
        List<Task> added = new ArrayList<>();
        List<ProviderConflict> conflicts = new ArrayList<>();
        for (TaskRef ref : ids) {
            TaskId id = ref.id();
            Task task = tasks.get(id);
            ProviderName kept = task != null ? task.provider : finished.containsKey(id) ? providers.of(id) : null;
            if (kept != null && !kept.equals(ref.provider())) {
                conflicts.add(new ProviderConflict(id, ref.provider(), kept));
            } else if (task != null) {
                pending++;
            } else if (finished.containsKey(id) || recorded.contains(id)) {
                known++;
            } else {
                added.add(add(ref, now));
            }
        }
        durably(added);
        return new Registration(added.size(), pending, known, conflicts);
    }

    /** See {@link io.github.jimengfetcher.store.TaskStore#providerOf}. */
    Optional<ProviderName> providerOf(TaskId id) {
        Task task = tasks.get(id);
        return task != null ? Optional.of(task.provider) : finished.containsKey(id) ? Optional.of(providers.of(id)) : Optional.empty();
    }

    /** See {@link io.github.jimengfetcher.store.TaskStore#reopen}. */
    boolean reopen(TaskId id, long now) {
        Task pending = tasks.get(id);
        if (pending != null) {
            if (pending.timedOutAt == null || pending.leaseOwner != null && pending.leaseUntil > now) {
                return false;
            }
            tasks.remove(id);
            due.take(pending);
        }
        boolean wasFinished = finished.containsKey(id);
        ProviderName provider = pending != null ? pending.provider : providers.of(id);
        TaskState outcome = finished.remove(id);
        providers.remove(id);
        try {
            durably(List.of(add(new TaskRef(id, provider), now)));
        } catch (UncheckedIOException e) {
            if (wasFinished) {
                finished.put(id, outcome);
                providers.put(id, provider);
            }
            if (pending != null) {
                tasks.put(id, pending);
                due.index(pending);
            }
            throw e;
        }
        return true;
    }

    private Task add(TaskRef ref, long now) {
        Task task = new Task(ref, now);
        task.activeAt = activeClock.reading(now);
        tasks.put(task.id, task);
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
