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

import io.github.jimengfetcher.api.ProviderPaces;
import io.github.jimengfetcher.config.Folders;
import io.github.jimengfetcher.config.HealthSettings;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.download.VideoDownload;
import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.life.OutputHealth;
import io.github.jimengfetcher.life.TaskLife;
import io.github.jimengfetcher.observe.FetcherHealthCheck;
import io.github.jimengfetcher.observe.HookEventsOnStop;
import io.github.jimengfetcher.observe.TaskMetrics;
import io.github.jimengfetcher.observe.WorkerFailures;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.schedule.LearnedDurations;
import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.KnownProviders;

/**
 * What /observe/health and /observe/metrics need: the metrics the routes feed ({@code ref: taskMetrics}),
 * our health check, the worker threads that died, and the count of finished-task events handed to the
 * extension routes ({@code ref: hookEvents}).
 */
@Configuration
public class ObserveConfiguration {

    /** Every jimeng metric names its instance ("instance" itself is Prometheus's own label, overwritten at scrape). */
    @BindToRegistry(lazy = true)
    public TaskMetrics taskMetrics(Registry registry, TaskStore store, VideoDownload download, InstanceScope scope, ProviderPaces paces,
            LearnedDurations durations, TaskLife tasks, KnownProviders providers, io.github.jimengfetcher.output.S3Delivery s3) {
        MeterRegistry meters = meterRegistry(registry);
        meters.config().commonTags("instance_id", scope.id());
        TaskMetrics metrics = new TaskMetrics(meters, store, download.getMetrics(), providers.defaultProvider());
        metrics.paces(paces);
        // The default provider's pace is there from the start: its gauges with it.
        paces.of(providers.defaultProvider());
        metrics.watch(durations);
        metrics.uploads(s3.activity());
        tasks.setOnGapPlanned(metrics::gapPlanned);
        return metrics;
    }

    /** Fetch threads that died: the health check reports them (a service of the context, added at the start). */
    @BindToRegistry(lazy = true)
    public WorkerFailures workerFailures(CamelContext context, DueWork dueWork) {
        return new WorkerFailures(context, dueWork);
    }

    /** Our health check (registered at the start, see AppLifecycle). */
    @BindToRegistry(lazy = true)
    public FetcherHealthCheck fetcherHealthCheck(CamelContext context, ApiHealth apiHealth, OutputFolders outputs, OutputHealth outputHealth,
            Folders folders, HealthSettings health, StoreHealth storeHealth, WorkerFailures workers, io.github.jimengfetcher.output.S3Delivery s3) {
        FetcherHealthCheck check = new FetcherHealthCheck(apiHealth, outputs, outputHealth, folders.work(),
                health.apiFailingLimit().toMillis(), health.minFreeSpace());
        check.setStoreHealth(storeHealth);
        check.setCamelContext(context);
        check.setWorkerFailures(workers);
        check.setS3Delivery(s3);
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
