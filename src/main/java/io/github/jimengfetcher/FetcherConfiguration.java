package io.github.jimengfetcher;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

import io.github.jimengfetcher.actions.PostedTasks;
import io.github.jimengfetcher.actions.TaskRetry;
import io.github.jimengfetcher.life.AfterAnswer;
import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.api.Faults;
import io.github.jimengfetcher.api.FetchAnswerReader;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.life.AfterDownload;
import io.github.jimengfetcher.download.VideoDownload;
import io.github.jimengfetcher.inbox.InboxEntries;
import io.github.jimengfetcher.inbox.InboxFaults;
import io.github.jimengfetcher.inbox.InboxFileReader;
import io.github.jimengfetcher.inbox.InboxFollowUp;
import io.github.jimengfetcher.inbox.InboxReadLock;
import io.github.jimengfetcher.kafka.EventOutbox;
import io.github.jimengfetcher.kafka.KafkaHealth;
import io.github.jimengfetcher.kafka.KafkaInbox;
import io.github.jimengfetcher.life.LocalFaults;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.life.OutputHealth;
import io.github.jimengfetcher.output.TaskRecords;
import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.life.TaskLife;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.life.WorkSlots;
import io.github.jimengfetcher.store.journal.JournalTaskStore;
import io.github.jimengfetcher.store.postgres.PostgresTaskStore;
import io.github.jimengfetcher.store.postgres.StoreDataSource;
import io.github.jimengfetcher.schedule.DurationFile;
import io.github.jimengfetcher.schedule.LearnedDurations;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * Wires the Java pieces the routes call ({@code ref: taskStore}, ...) to the settings
 * in application.properties. Each piece knows one thing; the routes decide what happens.
 */
@Configuration
public class FetcherConfiguration {

    @PropertyInject("jimeng.output.folder") String output;
    @PropertyInject("jimeng.work.folder") String work;
    @PropertyInject("jimeng.fetch.interval") String pollInterval;
    @PropertyInject("jimeng.fetch.adaptive") boolean adaptivePolling;
    @PropertyInject(value = "jimeng.fetch.min-interval", defaultValue = "") String pollIntervalMin;
    @PropertyInject(value = "jimeng.fetch.max-interval", defaultValue = "") String pollIntervalMax;
    @PropertyInject("jimeng.fetch.task-timeout") String taskTimeout;
    @PropertyInject("jimeng.fetch.retry-initial-delay") String retryInitialDelay;
    @PropertyInject("jimeng.fetch.retry-max-delay") String retryMaxDelay;
    @PropertyInject("jimeng.fetch.max-concurrent") int maxConcurrentFetches;
    @PropertyInject("jimeng.download.max-concurrent") int maxConcurrentDownloads;
    @PropertyInject("jimeng.download.max-url-refreshes") int maxUrlRefreshes;
    @PropertyInject("jimeng.download.max-attempts") int maxDownloadAttempts;
    @PropertyInject("jimeng.download.max-size") String maxVideoSize;
    @PropertyInject("jimeng.download.connect-timeout") String downloadConnectTimeout;
    @PropertyInject("jimeng.download.stall-timeout") String downloadStallTimeout;
    @PropertyInject("jimeng.download.min-speed") String downloadMinSpeed;
    @PropertyInject(value = "jimeng.download.allowed-hosts", defaultValue = "") String allowedVideoHosts;
    @PropertyInject("jimeng.inbox.folder") String inbox;
    @PropertyInject("jimeng.inbox.max-file-size") String maxInboxFileSize;
    @PropertyInject("jimeng.inbox.settle-time") String inboxSettleTime;
    @PropertyInject("jimeng.inbox.follow-up-time") String inboxFollowUpTime;
    @PropertyInject("jimeng.fetch.key-refused-pause") String keyRefusedPause;
    @PropertyInject("jimeng.fetch.rate-limit-pause") String rateLimitPause;
    @PropertyInject("jimeng.fetch.rate-limit-max-pause") String rateLimitMaxPause;
    @PropertyInject("jimeng.fetch.scheduler-tick") String schedulerTick;
    @PropertyInject("jimeng.fetch.timeout-recheck") String timeoutRechecks;
    @PropertyInject(value = "jimeng.store.instance-id", defaultValue = "") String instanceId;
    @PropertyInject("jimeng.store.lease-time") String leaseTime;
    @PropertyInject(value = "jimeng.store.url", defaultValue = "") String storeUrl;
    @PropertyInject(value = "jimeng.store.user", defaultValue = "") String storeUser;
    @PropertyInject(value = "jimeng.store.password", defaultValue = "") String storePassword;
    @PropertyInject(value = "jimeng.api.base-url", defaultValue = "") String baseUrl;
    @PropertyInject(value = "jimeng.api.key", defaultValue = "") String apiKey;
    @PropertyInject(value = "jimeng.kafka.brokers", defaultValue = "") String kafkaBrokers;

    // Camel calls the methods below in no set order: each piece is made once, on first need.
    private InstanceScope instanceScope;
    private OutputFolders outputFolders;
    private TaskStore taskStore;
    private final StoreHealth storeHealth = new StoreHealth();
    private TaskPolicy taskPolicy;
    private LearnedDurations learnedDurations;
    private TaskLife tasks;
    private OutputHealth outputHealth;
    private VideoDownload videoDownload;
    private EventOutbox kafkaOutbox;

    /** This instance's id (jimeng.store.instance-id, resolved) and its own part of the work folder. */
    @BindToRegistry
    public synchronized InstanceScope instanceScope() {
        if (instanceScope == null) {
            instanceScope = InstanceScope.of(instanceId, storeUrl, work);
        }
        return instanceScope;
    }

    /** The resolved instance id as text, for the routes: {@code ${ref:instanceId}} in temporary file names. */
    @BindToRegistry("instanceId")
    public String resolvedInstanceId() {
        return instanceScope().id();
    }

    @BindToRegistry(initMethod = "start")
    public synchronized OutputFolders outputFolders() {
        if (outputFolders != null) {
            return outputFolders;
        }
        outputFolders = new OutputFolders();
        outputFolders.setRoot(output);
        outputFolders.setInstance(instanceScope().id(), instanceScope().shared());
        if (instanceScope().shared()) {
            // Its start removes this instance's leftover temporary files from the shared output: only once
            // the store has given this process the instance id (a live holder's files are not leftovers).
            taskStore();
        }
        return outputFolders;
    }

    /** The rules of a task's life, one for every store. */
    @BindToRegistry
    public synchronized TaskPolicy taskPolicy() {
        if (taskPolicy != null) {
            return taskPolicy;
        }
        taskPolicy = new TaskPolicy();
        taskPolicy.setPollInterval(pollInterval);
        taskPolicy.setAdaptive(adaptivePolling);
        taskPolicy.setPollIntervalMin(pollIntervalMin);
        taskPolicy.setPollIntervalMax(pollIntervalMax);
        taskPolicy.setTaskTimeout(taskTimeout);
        taskPolicy.setRetryInitialDelay(retryInitialDelay);
        taskPolicy.setRetryMaxDelay(retryMaxDelay);
        taskPolicy.setMaxUrlRefreshes(maxUrlRefreshes);
        taskPolicy.setMaxDownloadAttempts(maxDownloadAttempts);
        taskPolicy.setTimeoutRechecks(timeoutRechecks);
        return taskPolicy;
    }

    /** The local journal under jimeng.work.folder, or with jimeng.store.url the PostgreSQL store several instances share. */
    @BindToRegistry(initMethod = "start", destroyMethod = "stop")
    public synchronized TaskStore taskStore() {
        if (taskStore != null) {
            return taskStore;
        }
        if (storeUrl.isBlank()) {
            JournalTaskStore journal = new JournalTaskStore();
            journal.setFolder(work);
            journal.setOutputs(outputFolders());
            journal.setPolicy(taskPolicy());
            journal.setInstanceId(instanceScope().id());
            journal.setLeaseTime(leaseTime);
            // A record written before a kill that came before the store was told: its finish event waits (again).
            journal.setOnRecorded(id -> kafkaOutbox().recorded(id));
            taskStore = journal;
        } else {
            PostgresTaskStore shared = new PostgresTaskStore();
            taskStore = shared;
            shared.setDataSource(StoreDataSource.open(storeUrl.strip(), storeUser, storePassword, Math.min(32, maxConcurrentFetches + 8)));
            shared.setOutputs(outputFolders());
            shared.setInstanceId(instanceScope().id());
            shared.setLeaseTime(leaseTime);
            shared.setApiKey(baseUrl.strip(), apiKey.strip());
            // Started here, before the output folders start (see outputFolders()); its init method then does nothing.
            shared.start();
        }
        learnedDurations = new LearnedDurations(taskStore instanceof PostgresTaskStore shared
                ? shared.durations() : new DurationFile(java.nio.file.Path.of(work)));
        taskPolicy().setDurations(learnedDurations);
        return taskStore;
    }

    /**
     * How long tasks took, learned from those finished here, for the fetch schedule: kept in a file under
     * jimeng.work.folder, or with the shared store in its database (every instance learns into the same rows).
     */
    @BindToRegistry(destroyMethod = "keep")
    public synchronized LearnedDurations learnedDurations() {
        taskStore(); // made with the store, which keeps them
        return learnedDurations;
    }

    @BindToRegistry
    public StoreHealth storeHealth() {
        return storeHealth;
    }

    /** The rules of a task's life applied to leased tasks (bean {@code tasks}). */
    @BindToRegistry
    public synchronized TaskLife tasks() {
        if (tasks != null) {
            return tasks;
        }
        tasks = new TaskLife();
        tasks.setStore(taskStore());
        tasks.setPolicy(taskPolicy());
        tasks.setOutputs(outputFolders());
        return tasks;
    }

    /**
     * Due work handed out within the slots: twice the fetch threads may be in flight (at a thread
     * or queued for one), so no fetch thread waits for the next claim; a download holds no thread.
     */
    @BindToRegistry
    public DueWork dueWork() {
        DueWork dueWork = new DueWork(taskStore(), taskPolicy(), new WorkSlots("fetch", 2 * maxConcurrentFetches),
                new WorkSlots("download", maxConcurrentDownloads), schedulerTick);
        dueWork.setOnLeaseLost(videoDownload()::cancel);
        dueWork.setStoreHealth(storeHealth);
        return dueWork;
    }

    @BindToRegistry
    public InboxFileReader inboxFileReader() {
        InboxFileReader reader = new InboxFileReader();
        reader.setMaxFileSize(maxInboxFileSize);
        reader.setSettleTime(inboxSettleTime);
        reader.setFollowUpTime(inboxFollowUpTime);
        return reader;
    }

    @BindToRegistry
    public InboxReadLock inboxReadLock() {
        return new InboxReadLock(inboxSettleTime, inboxFollowUpTime);
    }

    @BindToRegistry
    public InboxEntries inboxEntries() {
        InboxEntries entries = new InboxEntries();
        entries.setInbox(inbox);
        return entries;
    }

    @BindToRegistry
    public InboxFollowUp inboxFollowUp() {
        InboxFollowUp followUp = new InboxFollowUp();
        followUp.setInbox(inbox);
        followUp.setWindow(inboxFollowUpTime);
        followUp.setReader(inboxFileReader());
        return followUp;
    }

    @BindToRegistry
    public InboxFaults inboxFaults() {
        return new InboxFaults();
    }

    @BindToRegistry
    public FetchAnswerReader fetchAnswerReader() {
        FetchAnswerReader reader = new FetchAnswerReader();
        reader.setAllowedVideoHosts(allowedVideoHosts);
        return reader;
    }

    @BindToRegistry
    public ApiHealth apiHealth() {
        ApiHealth health = new ApiHealth();
        health.setStore(taskStore());
        health.setTasks(tasks());
        health.setKeyRefusedPause(keyRefusedPause);
        health.setRateLimitPause(rateLimitPause);
        health.setRateLimitMaxPause(rateLimitMaxPause);
        return health;
    }

    @BindToRegistry
    public synchronized OutputHealth outputHealth() {
        if (outputHealth != null) {
            return outputHealth;
        }
        outputHealth = new OutputHealth();
        outputHealth.setStore(taskStore());
        outputHealth.setTasks(tasks());
        return outputHealth;
    }

    /** Faults of this machine are waited out; a bug fails its task after a few tries. */
    @BindToRegistry
    public LocalFaults localFaults() {
        return new LocalFaults(outputHealth(), tasks());
    }

    @BindToRegistry(initMethod = "start", destroyMethod = "stop")
    public synchronized VideoDownload videoDownload() {
        if (videoDownload != null) {
            return videoDownload;
        }
        VideoDownload download = new VideoDownload();
        videoDownload = download;
        download.setFolder(instanceScope().ownFolder().resolve("downloads").toString());
        download.setConnectTimeout(downloadConnectTimeout);
        download.setStallTimeout(downloadStallTimeout);
        download.setMinSpeed(downloadMinSpeed);
        download.setMaxSize(maxVideoSize);
        download.setMaxConcurrent(maxConcurrentDownloads);
        return download;
    }

    @BindToRegistry
    public AfterAnswer afterAnswer() {
        AfterAnswer afterAnswer = new AfterAnswer();
        afterAnswer.setTasks(tasks());
        return afterAnswer;
    }

    @BindToRegistry
    public AfterDownload afterDownload() {
        return new AfterDownload(tasks(), taskPolicy());
    }

    /** Retries of failed tasks: POST /tasks/{id}/retry and .retry inbox files (routes/actions.yaml, inbox.yaml). */
    @BindToRegistry
    public TaskRetry taskRetry() {
        return new TaskRetry(taskStore(), outputFolders());
    }

    /** Task ids sent with POST /tasks, read by the inbox's rules (routes/actions.yaml). */
    @BindToRegistry
    public PostedTasks postedTasks() {
        PostedTasks posted = new PostedTasks(inboxFileReader(), taskStore());
        posted.setMaxSize(maxInboxFileSize);
        return posted;
    }

    @BindToRegistry
    public TaskRecords taskRecords() {
        return new TaskRecords();
    }

    // ---- Kafka at the edges (routes/kafka.yaml; off while jimeng.kafka.brokers is empty) ----

    /**
     * Finish events waiting for the broker, on disk under the instance's own work folder. Its
     * isEnabled (jimeng.kafka.brokers set) says whether the routes of routes/kafka.yaml start.
     */
    @BindToRegistry(initMethod = "start")
    public synchronized EventOutbox kafkaOutbox() {
        if (kafkaOutbox == null) {
            kafkaOutbox = new EventOutbox(instanceScope().ownFolder().resolve("kafka-outbox"), outputFolders(),
                    instanceScope().id(), !kafkaBrokers.isBlank());
        }
        return kafkaOutbox;
    }

    @BindToRegistry(destroyMethod = "stop")
    public KafkaHealth kafkaHealth() {
        return new KafkaHealth(kafkaBrokers.strip(), kafkaOutbox());
    }

    /** Records of the inbox topic, read by the inbox's rules. */
    @BindToRegistry
    public KafkaInbox kafkaInbox() {
        return new KafkaInbox(inboxFileReader(), io.github.jimengfetcher.config.ByteSizes.parse(maxInboxFileSize));
    }
}
