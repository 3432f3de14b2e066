package io.github.jimengfetcher.store.journal;

import java.io.IOException;

import io.github.jimengfetcher.task.TaskId;

/** What is told of a task the journal store found finished at start (its record written before a stop). */
@FunctionalInterface
public interface RecordedListener {
    void accept(TaskId taskId) throws IOException;
}
