package io.github.jimengfetcher;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

import io.github.jimengfetcher.config.Folders;
import io.github.jimengfetcher.config.HttpSettings;
import io.github.jimengfetcher.config.InboxSettings;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.inbox.InboxFileReader;
import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.TaskPolicy;
import io.github.jimengfetcher.web.FinishedFacts;
import io.github.jimengfetcher.web.HealthProblems;
import io.github.jimengfetcher.web.PostedTasks;
import io.github.jimengfetcher.web.RejectedInputs;
import io.github.jimengfetcher.web.TaskBoard;
import io.github.jimengfetcher.web.TaskRetry;
import io.github.jimengfetcher.web.VideoPoster;
import io.github.jimengfetcher.web.VideoStream;

/**
 * What the HTTP endpoints of routes/web.yaml call: the task board, video stream and poster, the status
 * page's banner and rejected inputs, and what a user asks of the app (POST /tasks, retries, also by
 * .retry inbox files). The HTTP server itself is Camel's (camel.server.* in application.properties).
 */
@Configuration
public class WebConfiguration {

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

    @BindToRegistry(lazy = true)
    public VideoPoster videoPoster(OutputFolders outputs) {
        return new VideoPoster(outputs);
    }

    @BindToRegistry(lazy = true)
    public TaskBoard taskBoard(TaskStore store, OutputFolders outputs, ApiHealth apiHealth, InstanceScope scope, TaskPolicy policy,
            StoreHealth storeHealth, VideoPoster posters) {
        TaskBoard board = new TaskBoard(store, new FinishedFacts(outputs));
        board.setApiHealth(apiHealth);
        board.setInstanceId(scope.id());
        board.setPolicy(policy);
        board.setStoreHealth(storeHealth);
        board.setPosters(posters);
        return board;
    }

    @BindToRegistry(lazy = true)
    public VideoStream videoStream(OutputFolders outputs) {
        return new VideoStream(outputs);
    }

    @BindToRegistry(lazy = true)
    public HealthProblems healthProblems(CamelContext context) {
        return new HealthProblems(context);
    }

    @BindToRegistry(lazy = true)
    public RejectedInputs rejectedInputs(Folders folders, HttpSettings http) {
        return new RejectedInputs(folders.output().resolve("rejected"), http.rejectedShown());
    }
}
