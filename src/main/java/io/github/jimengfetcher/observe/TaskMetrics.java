package io.github.jimengfetcher.observe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.apache.camel.Body;
import org.apache.camel.Variable;

import io.github.jimengfetcher.api.FetchPace;
import io.github.jimengfetcher.api.ProviderPaces;
import io.github.jimengfetcher.download.DownloadMetrics;
import io.github.jimengfetcher.output.S3Activity;
import io.github.jimengfetcher.schedule.DurationHistogram;
import io.github.jimengfetcher.schedule.LearnedDurations;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;

/**
 * The jimeng_* metrics, next to Camel's own in the same Micrometer registry, scraped at
 * /observe/metrics. Task ids are never labels: the label values are small fixed sets (providers are
 * those with a provider file). Finished tasks are counted by outcome and provider.
 */
public class TaskMetrics {

    private static final Duration[] DURATION_BUCKETS = {
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
        Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
        Duration.ofHours(4), Duration.ofHours(12)};

    /** Buckets of the planned gaps between two fetches of a task (seconds). */
    private static final double[] GAP_BUCKETS = {1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 120, 300};

    private final MeterRegistry registry;
    private final DistributionSummary plannedGaps;
    private final Map<String, DistributionSummary> learned = new ConcurrentHashMap<>();
    private LearnedDurations learnedDurations;
    private final Counter registered;
    private final Counter rejected;
    /** By provider. */
    private final Map<String, Counter> succeeded = new ConcurrentHashMap<>();
    /** By provider and reason class ("provider reason_class"). */
    private final Map<String, Counter> failed = new ConcurrentHashMap<>();
    private final Map<String, Counter> fetches = new ConcurrentHashMap<>();
    private final Map<String, Counter> notifications = new ConcurrentHashMap<>();
    /** By outcome and provider ("outcome provider"). */
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();

    /** @param defaultProvider the provider of ids that name none: its counters are there from the start */
    public TaskMetrics(MeterRegistry registry, TaskStore store, DownloadMetrics downloads, ProviderName defaultProvider) {
        this.registry = registry;
        Gauge.builder("jimeng.tasks.pending", store, TaskStore::pendingCount)
                .description("Tasks registered and not finished yet")
                .strongReference(true)
                .register(registry);
        registered = Counter.builder("jimeng.tasks.registered")
                .description("New task ids read from the inbox")
                .register(registry);
        rejected = Counter.builder("jimeng.inputs.rejected")
                .description("Inbox lines or files rejected as invalid input (see output/rejected/)")
                .register(registry);
        String provider = defaultProvider.value();
        succeededCounter(provider);
        FunctionCounter.builder("jimeng.downloads", downloads, DownloadMetrics::downloadsCompleted)
                .description("Videos downloaded whole and verified")
                .register(registry);
        FunctionCounter.builder("jimeng.download.bytes", downloads, DownloadMetrics::bytesDownloaded)
                .description("Bytes received from storage hosts, resumed and abandoned transfers included")
                .baseUnit("bytes")
                .register(registry);
        // Every class is there from the start; a class read from a record that is not one of them still counts.
        for (FailureClass failureClass : FailureClass.values()) {
            failedCounter(provider, failureClass.wireName());
        }
        FetchOutcomes.OUTCOMES.forEach(this::fetchCounter);
        List.of("succeeded", "failed").forEach(outcome -> durationTimer(outcome, provider));
        plannedGaps = DistributionSummary.builder("jimeng.fetch.planned.gap")
                .description("The gaps planned between two fetches of a task (the plain interval, or the learned schedule's)")
                .baseUnit("seconds")
                .serviceLevelObjectives(GAP_BUCKETS)
                .register(registry);
    }

    /**
     * The learned task durations: each lesson as a histogram per kind (jimeng_task_learned_duration_seconds), and
     * what the schedule goes by now, history and other instances' lessons included: the median and the
     * weight of each kind's statistic (gauges).
     */
    public void watch(LearnedDurations durations) {
        this.learnedDurations = durations;
        durations.setOnLearned(this::learned);
        durations.setOnIgnored(verdict -> Counter.builder("jimeng.learned.durations.ignored")
                .description("Finished tasks whose duration was not learned, by why (a wrong submit time, longer than 72 h, not positive)")
                .tag("reason", verdict.label())
                .register(registry).increment());
        learnedSummary(LearnedDurations.ANY);
    }

    /** A gap planned between two fetches of a task (ms). */
    public void gapPlanned(long millis) {
        plannedGaps.record(millis / 1000.0);
    }

    private void learned(String kind, double seconds) {
        learnedSummary(kind).record(seconds);
    }

    private DistributionSummary learnedSummary(String kind) {
        return learned.computeIfAbsent(kind, k -> {
            Gauge.builder("jimeng.task.learned.duration.median", this, m -> m.learnedMedian(k))
                    .description("The median of the durations the schedule has learned for the kind (NaN without them)")
                    .baseUnit("seconds")
                    .tag("kind", k)
                    .register(registry);
            Gauge.builder("jimeng.task.learned.duration.weight", this, m -> m.learnedWeight(k))
                    .description("How many recent tasks the kind's learned durations stand for (older ones weigh less)")
                    .tag("kind", k)
                    .register(registry);
            double[] buckets = new double[DURATION_BUCKETS.length];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = DURATION_BUCKETS[i].toMillis() / 1000.0;
            }
            return DistributionSummary.builder("jimeng.task.learned.duration")
                    .description("Durations learned from tasks finished with their video, from submission to ready, by kind")
                    .baseUnit("seconds")
                    .tag("kind", k)
                    .serviceLevelObjectives(buckets)
                    .register(registry);
        });
    }

    private double learnedMedian(String kind) {
        DurationHistogram histogram = learnedDurations == null ? null : learnedDurations.all().get(kind);
        return histogram == null || histogram.count() <= 0 ? Double.NaN : histogram.quantile(0.5);
    }

    private double learnedWeight(String kind) {
        DurationHistogram histogram = learnedDurations == null ? null : learnedDurations.all().get(kind);
        return histogram == null ? 0 : histogram.count();
    }

    /**
     * Each provider's fetch pace (FetchPace), tagged with the provider as its pace is made: the fetches
     * allowed in flight at once, and per second (0 while no 429 has bounded the rate).
     */
    public void paces(ProviderPaces paces) {
        paces.setOnNew((provider, pace) -> {
            Gauge.builder("jimeng.fetch.pace.limit", pace, FetchPace::limit)
                    .description("Fetches allowed in flight at once, learned from the API's answers (at most jimeng.fetch.max-concurrent)")
                    .tag("provider", provider.value())
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("jimeng.fetch.pace.rate", pace, p -> Double.isInfinite(p.rate()) ? 0 : p.rate())
                    .description("Fetches allowed per second, learned from the API's 429s (0: not bounded, no 429 seen)")
                    .tag("provider", provider.value())
                    .strongReference(true)
                    .register(registry);
        });
    }

    /** One inbox file was read. */
    public void inboxRead(int newTasks, int rejections) {
        registered.increment(newTasks);
        rejected.increment(rejections);
    }

    /** One API fetch ended; outcome is one of {@link FetchOutcomes#OUTCOMES}. */
    public void fetched(String outcome) {
        fetchCounter(outcome).increment();
    }

    /** One notification was answered; outcome as the listener names it (fetched, duplicate, rejected_secret, ...). */
    public void notified(String outcome) {
        notifications.computeIfAbsent(outcome, o -> Counter.builder("jimeng.notifications")
                .description("Notifications received on jimeng.notify.port, by outcome")
                .tag("outcome", o)
                .register(registry)).increment();
    }

    /** A finished task from its record (the body the hooks get), for {@link #finished}. */
    public FinishedTask remember(@Body String record) throws java.io.IOException {
        return FinishedTask.fromRecord(record);
    }

    /** A task is done: its result or failure record is written. */
    public void finished(@Variable("finishedTask") FinishedTask task) {
        if (task.succeeded()) {
            succeededCounter(task.provider()).increment();
        } else {
            failedCounter(task.provider(), task.reasonClass() == null ? "unknown" : task.reasonClass()).increment();
        }
        if (task.duration() != null) {
            durationTimer(task.succeeded() ? "succeeded" : "failed", task.provider()).record(task.duration());
        }
    }

    private Counter succeededCounter(String provider) {
        return succeeded.computeIfAbsent(provider, p -> Counter.builder("jimeng.tasks.succeeded")
                .description("Tasks finished with their video and result JSON in place, by provider")
                .tag("provider", p)
                .register(registry));
    }

    private Counter failedCounter(String provider, String reasonClass) {
        return failed.computeIfAbsent(provider + " " + reasonClass, key -> Counter.builder("jimeng.tasks.failed")
                .description("Tasks finished without a video, by provider and reason class")
                .tag("provider", provider)
                .tag("reason_class", reasonClass)
                .register(registry));
    }

    private Counter fetchCounter(String outcome) {
        return fetches.computeIfAbsent(outcome, o -> Counter.builder("jimeng.fetches")
                .description("Task fetches from the API, by outcome")
                .tag("outcome", o)
                .register(registry));
    }

    private Timer durationTimer(String outcome, String provider) {
        return durations.computeIfAbsent(outcome + " " + provider, key -> Timer.builder("jimeng.task.duration")
                .description("Time from a task's registration to its result or failure record, by outcome and provider")
                .tag("outcome", outcome)
                .tag("provider", provider)
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry));
    }

    /** Objects put to S3 and confirmed there, or not (videos and images), and their bytes: none counted while delivery is off. */
    public void uploads(S3Activity uploads) {
        for (String outcome : new String[] {"ok", "failed"}) {
            FunctionCounter.builder("jimeng.uploads", uploads, "ok".equals(outcome) ? S3Activity::uploadsOk : S3Activity::uploadsFailed)
                    .description("Uploads to S3-compatible storage, by outcome: ok (the object confirmed) or failed")
                    .tag("outcome", outcome)
                    .register(registry);
        }
        FunctionCounter.builder("jimeng.upload.bytes", uploads, S3Activity::bytesUploaded)
                .description("Bytes of the objects confirmed in S3-compatible storage")
                .baseUnit("bytes")
                .register(registry);
    }
}
