package io.github.jimengfetcher;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.spi.Registry;

import io.github.jimengfetcher.api.FetchPace;
import io.github.jimengfetcher.config.Folders;
import io.github.jimengfetcher.config.HealthSettings;
import io.github.jimengfetcher.config.HttpSettings;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.download.VideoDownload;
import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.life.OutputHealth;
import io.github.jimengfetcher.life.TaskLife;
import io.github.jimengfetcher.observe.FetcherHealthCheck;
import io.github.jimengfetcher.observe.FinishedFacts;
import io.github.jimengfetcher.observe.HealthProblems;
import io.github.jimengfetcher.observe.HookEventsOnStop;
import io.github.jimengfetcher.observe.RejectedInputs;
import io.github.jimengfetcher.observe.TaskBoard;
import io.github.jimengfetcher.observe.TaskMetrics;
import io.github.jimengfetcher.observe.VideoPoster;
import io.github.jimengfetcher.observe.VideoStream;
import io.github.jimengfetcher.observe.WorkerFailures;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.schedule.LearnedDurations;
import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * What the status page, /tasks, /observe/health and /observe/metrics need: the task board, video
 * stream and metrics the routes call ({@code ref: taskBoard}, {@code ref: videoStream},
 * {@code ref: taskMetrics}), the status page's banner, rejected inputs and posters
 * ({@code ref: healthProblems}, {@code ref: rejectedInputs}, {@code ref: videoPoster}), our health
 * check and the count of finished-task events handed to the extension routes ({@code ref: hookEvents}).
 * The HTTP server itself is Camel's (camel.server.* and camel.management.* in application.properties).
 */
@Configuration
public class ObserveConfiguration {

    /** Every jimeng metric names its instance ("instance" itself is Prometheus's own label, overwritten at scrape). */
    @BindToRegistry(lazy = true)
    public TaskMetrics taskMetrics(Registry registry, TaskStore store, VideoDownload download, InstanceScope scope, FetchPace pace,
            LearnedDurations durations, TaskLife tasks) {
        MeterRegistry meters = meterRegistry(registry);
        meters.config().commonTags("instance_id", scope.id());
        TaskMetrics metrics = new TaskMetrics(meters, store, download.getMetrics());
        metrics.pace(pace);
        metrics.watch(durations);
        tasks.setOnGapPlanned(metrics::gapPlanned);
        return metrics;
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

    /** Fetch threads that died: the health check reports them (a service of the context, added at the start). */
    @BindToRegistry(lazy = true)
    public WorkerFailures workerFailures(CamelContext context, DueWork dueWork) {
        return new WorkerFailures(context, dueWork);
    }

    /** Our health check (registered at the start, see AppLifecycle). */
    @BindToRegistry(lazy = true)
    public FetcherHealthCheck fetcherHealthCheck(CamelContext context, ApiHealth apiHealth, OutputFolders outputs, OutputHealth outputHealth,
            Folders folders, HealthSettings health, StoreHealth storeHealth, WorkerFailures workers) {
        FetcherHealthCheck check = new FetcherHealthCheck(apiHealth, outputs, outputHealth, folders.work(),
                health.apiFailingLimit().toMillis(), health.minFreeSpace());
        check.setStoreHealth(storeHealth);
        check.setCamelContext(context);
        check.setWorkerFailures(workers);
        return check;
    }

    /** Finished-task events owed to and handed to the extension routes (routes/hooks.yaml). */
    @BindToRegistry(value = "hookEvents", lazy = true)
    public HookEventsOnStop hookEvents() {
        return new HookEventsOnStop();
    }

    /** Camel's Prometheus registry when camel.metrics.enabled made it already, else one it will pick up by name. */
    private static MeterRegistry meterRegistry(Registry registry) {
        MeterRegistry found = MicrometerUtils.getMeterRegistryFromCamelRegistry(registry, MicrometerConstants.METRICS_REGISTRY_NAME);
        if (found == null) {
            found = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, found);
        }
        return found;
    }
}
