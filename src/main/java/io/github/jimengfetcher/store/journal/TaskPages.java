package io.github.jimengfetcher.store.journal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.github.jimengfetcher.store.FinishedRecords;
import io.github.jimengfetcher.store.TaskStore.ListedTask;
import io.github.jimengfetcher.store.TaskStore.TaskPage;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskState;

/** Pages over every task the journal store knows, pending and finished, in id order. */
final class TaskPages {

    private TaskPages() {
    }

    static TaskPage page(Collection<Task> pending, Map<TaskId, TaskState> finished, FinishedProviders providers, FinishedRecords outputs,
                         TaskState state, String idContains, int offset, int limit, long now) {
        String part = idContains == null ? "" : idContains;
        if (limit <= 0) {
            return new TaskPage(count(pending, finished, outputs, state, part, now), List.of()); // counts: nothing to sort
        }
        List<ListedTask> matching = new ArrayList<>();
        for (Task task : pending) {
            TaskState current = TaskState.of(task, now);
            if ((state == null || state == current) && task.id.value().contains(part)) {
                matching.add(new ListedTask(task.id, current, task.copy(), task.provider));
            }
        }
        for (Map.Entry<TaskId, TaskState> done : finished.entrySet()) {
            if (!done.getKey().value().contains(part)) {
                continue;
            }
            TaskState outcome = outcome(done.getKey(), done.getValue(), outputs);
            if (state == null || state == outcome) {
                matching.add(new ListedTask(done.getKey(), outcome, null, providers.of(done.getKey())));
            }
        }
        matching.sort(Comparator.comparing(ListedTask::id));
        int from = Math.min(Math.max(0, offset), matching.size());
        int to = Math.min(matching.size(), from + Math.max(0, limit));
        return new TaskPage(matching.size(), List.copyOf(matching.subList(from, to)));
    }

    private static long count(Collection<Task> pending, Map<TaskId, TaskState> finished, FinishedRecords outputs, TaskState state, String part, long now) {
        long count = pending.stream().filter(task -> (state == null || state == TaskState.of(task, now)) && task.id.value().contains(part)).count();
        for (Map.Entry<TaskId, TaskState> done : finished.entrySet()) {
            if (done.getKey().value().contains(part) && (state == null || state == outcome(done.getKey(), done.getValue(), outputs))) {
                count++;
            }
        }
        return count;
    }

    private static TaskState outcome(TaskId id, TaskState kept, FinishedRecords outputs) {
        return kept != null ? kept : outputs != null && outputs.hasResult(id) ? TaskState.SUCCEEDED : TaskState.FAILED;
    }
}
