package io.github.jimengfetcher;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;

import io.github.jimengfetcher.actions.PostedTasks;
import io.github.jimengfetcher.actions.TaskRetry;
import io.github.jimengfetcher.config.InboxSettings;
import io.github.jimengfetcher.inbox.InboxFileReader;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.store.TaskStore;

/** What a user asks of the app over HTTP or by inbox files (routes/actions.yaml, inbox.yaml). */
@Configuration
public class ActionsConfiguration {

    /** Retries of failed tasks: POST /tasks/{id}/retry and .retry inbox files. */
    @BindToRegistry(lazy = true)
    public TaskRetry taskRetry(TaskStore store, OutputFolders outputs) {
        return new TaskRetry(store, outputs);
    }

    /** Task ids sent with POST /tasks, read by the inbox's rules, as large as an inbox file may be. */
    @BindToRegistry(lazy = true)
    public PostedTasks postedTasks(InboxFileReader reader, TaskStore store, InboxSettings inbox) {
        return new PostedTasks(reader, store, inbox.maxFileSize());
    }
}
