package io.github.jimengfetcher.store.journal;

import java.io.IOException;

/** What is told of a task the journal store found finished at start (its record written before a stop). */
@FunctionalInterface
public interface RecordedListener {
    void accept(String taskId) throws IOException;
}
