package io.github.jimengfetcher.store.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.jimengfetcher.store.FinishedRecords;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskPolicy;
import io.github.jimengfetcher.task.TaskState;

/**
 * What a start makes of the tasks the journal left: a task whose record was written just before
 * the stop is finished; whatever a line says (a hand edit, an older version), every other task
 * can make progress; no lease from before the start holds.
 */
record JournalRecovery(FinishedRecords outputs, TaskPolicy policy, ActiveClock activeClock) {

    /** Repairs the pending tasks in place; returns the ids of those that had finished before the stop. */
    List<TaskId> recover(Map<TaskId, Task> tasks, Map<TaskId, TaskState> finished, FinishedProviders providers, long now) {
        List<TaskId> alreadyDone = new ArrayList<>();
        for (Task task : new ArrayList<>(tasks.values())) {
            if (finishedBeforeTheStop(task)) {
                tasks.remove(task.id);
                finished.put(task.id, outputs.hasResult(task.id) ? TaskState.SUCCEEDED : TaskState.FAILED);
                providers.put(task.id, task.provider);
                alreadyDone.add(task.id);
            } else {
                makeSane(task, now);
            }
        }
        return alreadyDone;
    }

    /**
     * The record is written before the store hears of the finish: a stop in between. A timed-out
     * task has its failure record and is still looked at late: only a result finishes it.
     */
    private boolean finishedBeforeTheStop(Task task) {
        if (outputs == null) {
            return false;
        }
        return task.timedOutAt != null ? outputs.hasResult(task.id) : outputs.isFinished(task.id);
    }

    /** A shorter poll interval also applies at once, rather than after the old schedule ran out. */
    private void makeSane(Task task, long now) {
        if (task.provider == null) {
            task.provider = ProviderName.JIMENG_GATEWAY; // written before tasks named one
        }
        if (task.activeAt == null) {
            // written before the clock existed: counts from registration, as it did then
            task.activeAt = activeClock.reading(now) - Math.max(0, now - task.registeredAt);
        }
        if (task.phase == Task.Phase.DOWNLOAD && (task.videoUrl == null || task.videoUrl.isBlank())) {
            task.phase = Task.Phase.FETCH; // no URL to download from: fetch the task for one
        }
        if (task.registeredAt <= 0 || task.registeredAt > now) {
            task.registeredAt = now;
        }
        task.activeAt = Math.min(task.activeAt, activeClock.reading(now));
        if (task.timedOutAt != null) {
            task.timedOutAt = Math.min(task.timedOutAt, now);
        }
        if (policy != null) {
            task.nextAt = Math.min(task.nextAt, policy.latestDueAt(task, now));
        }
        task.leaseOwner = null;
        task.leaseUntil = 0;
        task.epoch = Math.max(0, task.epoch);
        task.fetches = Math.max(0, task.fetches);
        task.urlRefreshes = Math.max(0, task.urlRefreshes);
        task.downloadAttempts = Math.max(0, task.downloadAttempts);
        task.faultStreak = Math.max(0, task.faultStreak);
        task.notFoundAnswers = Math.max(0, task.notFoundAnswers);
    }
}
