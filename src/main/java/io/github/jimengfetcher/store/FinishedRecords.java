package io.github.jimengfetcher.store;

import io.github.jimengfetcher.task.TaskId;

/**
 * Where a task's end is written for users (the output folder): the store asks it whether a task's
 * record exists, since a record is written before the store hears of the finish (a stop in
 * between leaves the record and a task still pending).
 */
public interface FinishedRecords {

    /** The task's result record exists: it succeeded. */
    boolean hasResult(TaskId id);

    /** The task's result or failure record exists. */
    boolean isFinished(TaskId id);
}
