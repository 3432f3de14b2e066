package io.github.jimengfetcher.life;

import io.github.jimengfetcher.task.Lease;

/**
 * Applies what {@link AfterFault} decided: counts the fault on the task, tells the health of the
 * API or of this machine, and books the task's next step with its lease. A task that fails is the
 * fault route's to fail (direct:fail-task), with the decision's failure.
 */
public class FaultActions {

    private final TaskLife tasks;
    private final ApiHealth apiHealth;
    private final OutputHealth outputHealth;
    private final LocalFaults localFaults;

    public FaultActions(TaskLife tasks, ApiHealth apiHealth, OutputHealth outputHealth, LocalFaults localFaults) {
        this.tasks = tasks;
        this.apiHealth = apiHealth;
        this.outputHealth = outputHealth;
        this.localFaults = localFaults;
    }

    public void apply(Lease lease, FaultDecision decision, Throwable fault) {
        switch (decision.tally()) {
            case REFUSED_ANSWER -> tasks.refusedAnswer(lease, decision.counted());
            case NOT_FOUND_ANSWER -> {
                // task_not_exist is an answer: the API works.
                apiHealth.answered();
                tasks.notFoundConfirmed(lease);
            }
            case BUG -> localFaults.bugHit(lease.taskId(), fault);
            case NONE -> { }
        }
        switch (decision.fate()) {
            case FAIL -> { }
            case RETRY_LATER -> {
                if (decision.episode() != null) {
                    apiHealth.passingFault(decision.episode(), decision.detail());
                }
                tasks.retryLater(lease, decision.detail());
            }
            case FETCH_AGAIN -> tasks.scheduleNextFetch(lease);
            case FETCH_AGAIN_SOON -> tasks.fetchAgainSoon(lease, decision.detail());
            case PAUSE_FETCHES -> {
                apiHealth.rateLimited(decision.pause());
                tasks.pauseFetches(lease, decision.pause(), decision.detail());
            }
            case KEY_REFUSED -> {
                apiHealth.keyRefused(decision.detail(), decision.pause());
                tasks.pauseFetches(lease, decision.pause(), decision.detail());
            }
            case WAIT_FOR_MACHINE -> {
                outputHealth.fault(lease.taskId(), fault);
                tasks.retryLater(lease, decision.detail());
            }
        }
    }
}
