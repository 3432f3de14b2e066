package io.github.jimengfetcher;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;

import io.github.jimengfetcher.api.ProviderPaces;
import io.github.jimengfetcher.config.DownloadSettings;
import io.github.jimengfetcher.config.FetchSettings;
import io.github.jimengfetcher.download.VideoDownload;
import io.github.jimengfetcher.life.AfterAnswer;
import io.github.jimengfetcher.life.AfterDownload;
import io.github.jimengfetcher.life.AfterFault;
import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.life.FaultActions;
import io.github.jimengfetcher.life.FetchGroups;
import io.github.jimengfetcher.life.LocalFaults;
import io.github.jimengfetcher.life.OutputHealth;
import io.github.jimengfetcher.life.TaskLife;
import io.github.jimengfetcher.life.WorkSlots;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.provider.Providers;
import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.TaskPolicy;

/** What happens to a leased task: the work handed out, the API's and this machine's health, and the steps after an answer or a download. */
@Configuration
public class LifeConfiguration {

    /** The rules of a task's life applied to leased tasks (bean {@code tasks}). */
    @BindToRegistry(lazy = true)
    public TaskLife tasks(TaskStore store, TaskPolicy policy, OutputFolders outputs) {
        TaskLife tasks = new TaskLife();
        tasks.setStore(store);
        tasks.setPolicy(policy);
        tasks.setOutputs(outputs);
        return tasks;
    }

    /**
     * Due work handed out within the slots: twice the fetch threads may be in flight (at a thread
     * or queued for one), so no fetch thread waits for the next claim; a download holds no thread.
     * The claims keep to the pace each provider's answers set.
     */
    @BindToRegistry(lazy = true)
    public DueWork dueWork(TaskStore store, TaskPolicy policy, FetchSettings fetch, DownloadSettings download, VideoDownload downloads,
            StoreHealth storeHealth, ProviderPaces paces, FetchGroups fetchGroups) {
        DueWork dueWork = new DueWork(store, policy, fetchGroups, new WorkSlots("download", download.maxConcurrent()), fetch.schedulerTick());
        dueWork.setOnLeaseLost(downloads::cancel);
        dueWork.setStoreHealth(storeHealth);
        dueWork.setFetchPaces(paces);
        return dueWork;
    }

    /**
     * The due tasks of a provider with a list query are asked in groups (routes/poll.yaml's fetch-group),
     * each group within one of the fetch slots (shared with {@code dueWork}) and one token of its provider's pace.
     */
    @BindToRegistry(lazy = true)
    public FetchGroups fetchGroups(FetchSettings fetch, ProviderPaces paces, Providers providers) {
        return new FetchGroups(new WorkSlots("fetch", 2 * fetch.maxConcurrent()), paces, providers.listLimits(), fetch.schedulerTick());
    }

    /** Each provider's API health: state only (answer and failure clocks, pauses, refusals since the last answer). */
    @BindToRegistry(lazy = true)
    public ApiHealth apiHealth(TaskStore store, Providers providers) {
        ApiHealth health = new ApiHealth();
        health.setStore(store);
        health.setKeySettings(providers::keySetting);
        return health;
    }

    @BindToRegistry(lazy = true)
    public OutputHealth outputHealth(TaskStore store) {
        OutputHealth health = new OutputHealth();
        health.setStore(store);
        return health;
    }

    /** Faults of this machine are waited out; a bug fails its task after a few tries. */
    @BindToRegistry(lazy = true)
    public LocalFaults localFaults() {
        return new LocalFaults();
    }

    /** What a fault means for a leased task (routes/faults.yaml); a 429 without Retry-After slows the pace first. */
    @BindToRegistry(lazy = true)
    public AfterFault afterFault(TaskStore store, TaskLife tasks, TaskPolicy policy, ApiHealth health, LocalFaults localFaults,
            FetchSettings fetch, ProviderPaces paces) {
        AfterFault afterFault = new AfterFault();
        afterFault.setStore(store);
        afterFault.setTasks(tasks);
        afterFault.setPolicy(policy);
        afterFault.setHealth(health);
        afterFault.setLocalFaults(localFaults);
        afterFault.setPauses(fetch.keyRefusedPause(), fetch.rateLimitPause(), fetch.rateLimitMaxPause());
        afterFault.setPaces(paces);
        return afterFault;
    }

    /** Applies a fault's decision: counts it on the task, tells the health classes, books the next step. */
    @BindToRegistry(lazy = true)
    public FaultActions faultActions(TaskLife tasks, TaskStore store, TaskPolicy policy, ApiHealth apiHealth, OutputHealth outputHealth,
            LocalFaults localFaults) {
        return new FaultActions(tasks, store, policy, apiHealth, outputHealth, localFaults);
    }

    @BindToRegistry(lazy = true)
    public AfterAnswer afterAnswer(TaskLife tasks) {
        AfterAnswer afterAnswer = new AfterAnswer();
        afterAnswer.setTasks(tasks);
        return afterAnswer;
    }

    @BindToRegistry(lazy = true)
    public AfterDownload afterDownload(TaskPolicy policy) {
        return new AfterDownload(policy);
    }
}
