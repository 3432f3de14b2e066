package io.github.jimengfetcher.life;

import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * Applies what {@link AfterFault} decided: counts the fault on the task, tells the health of the
 * API or of this machine, and books the task's next step with its lease. A task that fails is the
 * fault route's to fail (direct:fail-task), with the decision's failure.
 */
public class FaultActions {

    private final TaskLife tasks;
    private final TaskStore store;
    private final TaskPolicy policy;
    private final ApiHealth apiHealth;
    private final OutputHealth outputHealth;
    private final LocalFaults localFaults;

    public FaultActions(TaskLife tasks, TaskStore store, TaskPolicy policy, ApiHealth apiHealth, OutputHealth outputHealth,
            LocalFaults localFaults) {
        this.tasks = tasks;
        this.store = store;
        this.policy = policy;
        this.apiHealth = apiHealth;
        this.outputHealth = outputHealth;
        this.localFaults = localFaults;
    }

    public void apply(Lease lease, FaultDecision decision, Throwable fault) {
        switch (decision.tally()) {
            case REFUSED_ANSWER -> refusedAnswer(lease, decision.counted());
            case NOT_FOUND_ANSWER -> {
                // task_not_exist is an answer: the API works.
                apiHealth.answered(lease.task().provider);
                notFoundConfirmed(lease);
            }
            case BUG -> localFaults.bugHit(lease.taskId(), fault);
            case NONE -> { }
        }
        switch (decision.fate()) {
            case FAIL -> { }
            case RETRY_LATER -> {
                if (decision.episode() != null) {
                    apiHealth.passingFault(lease.task().provider, decision.episode(), decision.detail());
                }
                retryLater(lease, decision.detail());
            }
            case FETCH_AGAIN -> tasks.scheduleNextFetch(lease);
            case FETCH_AGAIN_SOON -> fetchAgainSoon(lease, decision.detail());
            case PAUSE_FETCHES -> {
                apiHealth.rateLimited(lease.task().provider, decision.pause());
                pauseFetches(lease, decision.pause(), decision.detail());
            }
            case KEY_REFUSED -> {
                apiHealth.keyRefused(lease.task().provider, decision.detail(), decision.pause());
                pauseFetches(lease, decision.pause(), decision.detail());
            }
            case WAIT_FOR_MACHINE -> {
                outputHealth.fault(lease.taskId(), fault);
                retryLater(lease, decision.detail());
            }
        }
    }

    /** Counts a task_not_exist answer (written with the change that follows); true once it is confirmed and the task should fail. */
    boolean notFoundConfirmed(Lease lease) {
        Task task = lease.task();
        task.notFoundAnswers++;
        task.fetches++;
        task.lastFetchAt = store.now();
        return policy.isNotFoundConfirmed(task.notFoundAnswers);
    }

    /**
     * Counts an answer in which the API refused this task (HTTP 403, or an error naming no task
     * status) and keeps the reason as its last error; a readable answer resets the count. Written
     * with the change that follows (a retry, a pause, a finish).
     *
     * @return the refusals in a row so far, this one included
     */
    int refusedAnswer(Lease lease, String reason) {
        Task task = lease.task();
        task.refusedAnswers++;
        task.fetches++;
        task.lastFetchAt = store.now();
        task.lastError = reason;
        return task.refusedAnswers;
    }

    /**
     * A passing fault (network, 5xx, unreadable answer, full disk): the task keeps its phase and
     * waits an exponential, capped, jittered backoff. Nothing to do for a task finished or given
     * back meanwhile (a fault in a step after its finish).
     */
    void retryLater(Lease lease, String reason) {
        if (lease.ended()) {
            return;
        }
        Task task = lease.task();
        task.faultStreak++;
        task.lastError = reason;
        task.nextAt = policy.retryAt(task.faultStreak, store.now());
        store.release(lease);
    }

    /**
     * No task of the lease's provider is fetched before the delay: its API asked us to slow down, or
     * refused its key; other providers' fetches go on. The pause is the store's (every instance on the
     * same provider and key sees it); the task itself stays due, so it is fetched the moment the pause ends.
     */
    void pauseFetches(Lease lease, long delayMillis, String reason) {
        store.pauseFetches(lease.task().provider, store.now() + delayMillis);
        if (lease.ended()) {
            return;
        }
        Task task = lease.task();
        task.lastError = reason;
        task.nextAt = Math.min(task.nextAt, store.now());
        store.release(lease);
    }

    /**
     * The API turned this fetch away for the pace (a 429 without Retry-After) and the pace has slowed
     * down: the task is due at once, placed by when it was last answered (or registered), so it goes
     * before every task answered since: under a tight pace no task is turned away for ever while
     * others are fetched. It is no fault of the task's.
     */
    void fetchAgainSoon(Lease lease, String reason) {
        if (lease.ended()) {
            return;
        }
        Task task = lease.task();
        task.lastError = reason;
        task.nextAt = Math.min(store.now(), Math.max(task.registeredAt, task.lastFetchAt));
        store.release(lease);
    }
}
