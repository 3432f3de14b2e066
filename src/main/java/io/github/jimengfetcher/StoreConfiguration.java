package io.github.jimengfetcher;

import java.io.IOException;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;

import io.github.jimengfetcher.config.ApiSettings;
import io.github.jimengfetcher.config.DownloadSettings;
import io.github.jimengfetcher.config.FetchSettings;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.config.NotifySettings;
import io.github.jimengfetcher.config.ProviderSettings;
import io.github.jimengfetcher.config.StoreSettings;
import io.github.jimengfetcher.kafka.EventOutbox;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.provider.Providers;
import io.github.jimengfetcher.schedule.DurationFile;
import io.github.jimengfetcher.schedule.LearnedDurations;
import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.store.journal.JournalTaskStore;
import io.github.jimengfetcher.store.postgres.PostgresTaskStore;
import io.github.jimengfetcher.store.postgres.StoreDataSource;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * The tasks: the rules of their life, the store that keeps them (the local journal, or the shared
 * PostgreSQL store), and how long tasks took, learned. Like every configuration class here, each
 * bean is made on first need from the beans its method names as parameters (Camel finds them in
 * the registry by type), so no bean waits on the order the methods are read in.
 */
@Configuration
public class StoreConfiguration {

    /**
     * Leases kept on the shared store per jimeng.fetch.max-concurrent: one fetch slot follows about as many
     * tasks as fetches fit in an interval (10 s of answers in about 150 ms each: 64). Beyond the bound a
     * fetch's lease is given back as before, for any instance to claim.
     */
    static final int KEPT_PER_FETCH_SLOT = 64;

    /** The resolved instance id as text, for the routes: {@code ${ref:instanceId}} in temporary file names. */
    @BindToRegistry(value = "instanceId", lazy = true)
    public String instanceId(InstanceScope scope) {
        return scope.id();
    }

    /** The rules of a task's life, one for every store. */
    @BindToRegistry(lazy = true)
    public TaskPolicy taskPolicy(FetchSettings fetch, DownloadSettings download, NotifySettings notify, ProviderSettings providerSettings,
            Providers providers) {
        TaskPolicy policy = new TaskPolicy();
        policy.setNotifying(NotifyConfiguration.notifying(notify, providerSettings, providers), notify.fallbackInterval());
        policy.setPollInterval(fetch.interval());
        policy.setAdaptive(fetch.adaptive());
        policy.setPollIntervalMin(fetch.minInterval());
        policy.setPollIntervalMax(fetch.maxInterval());
        policy.setTaskTimeout(fetch.taskTimeout());
        policy.setRetryInitialDelay(fetch.retryInitialDelay());
        policy.setRetryMaxDelay(fetch.retryMaxDelay());
        policy.setTimeoutRechecks(fetch.timeoutRechecks());
        policy.setMaxUrlRefreshes(download.maxUrlRefreshes());
        policy.setMaxDownloadAttempts(download.maxAttempts());
        return policy;
    }

    /**
     * The local journal under the work folder, or with a store URL the PostgreSQL store several
     * instances share. The output folders start with it: their start removes this instance's leftover
     * temporary files, which with a shared store waits until the store has given this process the
     * instance id (a live holder's files are not leftovers).
     */
    @BindToRegistry(lazy = true, initMethod = "start", destroyMethod = "stop")
    public TaskStore taskStore(StoreSettings settings, ApiSettings api, FetchSettings fetch, InstanceScope scope, TaskPolicy policy,
            OutputFolders outputs, EventOutbox outbox, Providers providers) throws IOException {
        TaskStore store;
        if (!scope.shared()) {
            outputs.start();
            JournalTaskStore journal = new JournalTaskStore();
            journal.setFolder(scope.work().toString());
            journal.setOutputs(outputs);
            journal.setPolicy(policy);
            journal.setInstanceId(scope.id());
            journal.setLeaseTime(settings.leaseTime());
            // A record written before a kill that came before the store was told: its finish event waits (again).
            journal.setOnRecorded(id -> outbox.recorded(id.value()));
            store = journal;
        } else {
            PostgresTaskStore shared = new PostgresTaskStore();
            shared.setDataSource(StoreDataSource.open(settings.url(), settings.user(), settings.password(),
                    Math.min(32, fetch.maxConcurrent() + 8)));
            shared.setOutputs(outputs);
            shared.setInstanceId(scope.id());
            shared.setLeaseTime(settings.leaseTime());
            shared.setWriteBatches(settings.batchTime(), settings.batchSize());
            shared.setKeptLeases(KEPT_PER_FETCH_SLOT * fetch.maxConcurrent());
            shared.setApiKey(api.baseUrl(), api.key());
            // Pauses are per provider and key: each provider's key here, as a hash.
            shared.setKeyHashes(providers.keyHashes());
            // Tasks of a provider not configured here wait for an instance that is.
            shared.setProviders(providers.configured());
            // Started here, before the output folders start; its init method then does nothing.
            shared.start();
            outputs.start();
            store = shared;
        }
        policy.setDurations(new LearnedDurations(store instanceof PostgresTaskStore shared
                ? shared.durations() : new DurationFile(scope.work())));
        return store;
    }

    /**
     * How long tasks took, learned from those finished here, for the fetch schedule: kept in a file under
     * the work folder, or with the shared store in its database (every instance learns into the same rows).
     * Made with the store, which keeps them.
     */
    @BindToRegistry(lazy = true, destroyMethod = "keep")
    public LearnedDurations learnedDurations(TaskStore store, TaskPolicy policy) {
        return policy.durations();
    }

    @BindToRegistry(lazy = true)
    public StoreHealth storeHealth() {
        return new StoreHealth();
    }
}
