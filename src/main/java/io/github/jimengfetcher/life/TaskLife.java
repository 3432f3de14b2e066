package io.github.jimengfetcher.life;

import org.apache.camel.Variable;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.FetchAnswer;
import io.github.jimengfetcher.api.VideoUrlExpiry;
import io.github.jimengfetcher.schedule.DurationRule;
import io.github.jimengfetcher.store.FinishedRecords;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.LeaseLostException;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskFailure;
import io.github.jimengfetcher.task.TaskPolicy;
import io.github.jimengfetcher.task.TaskState;

/**
 * The rules of a task's life ({@link TaskPolicy}) applied to its leased working copy and handed
 * to the task store: one policy whatever store keeps the tasks. The routes call it as bean
 * {@code tasks}, always with the exchange's lease; every change throws {@link LeaseLostException}
 * when the lease no longer holds, and the route stops.
 */
public class TaskLife {

    private static final Logger LOG = LoggerFactory.getLogger(TaskLife.class);
    /** One DEBUG line per planned gap, off unless asked for (-Djimengfetcher.log.plans=DEBUG: bench/run.sh adaptive checks them). */
    private static final Logger PLANS = LoggerFactory.getLogger("io.github.jimengfetcher.schedule.plan");

    private TaskStore store;
    private TaskPolicy policy;
    private FinishedRecords outputs;
    private java.util.function.LongConsumer onGapPlanned = gap -> { };

    public void setStore(TaskStore store) {
        this.store = store;
    }

    public void setPolicy(TaskPolicy policy) {
        this.policy = policy;
    }

    public void setOutputs(FinishedRecords outputs) {
        this.outputs = outputs;
    }

    /** Told every gap planned between two fetches of a task (ms), for the metrics. */
    public void setOnGapPlanned(java.util.function.LongConsumer onGapPlanned) {
        this.onGapPlanned = onGapPlanned;
    }

    // ---- what the task is ----

    /**
     * Has the task waited longer than the task timeout for a final status (outages not counted)?
     * False for a task that timed out already and is looked at again late.
     */
    public boolean isPastDeadline(Lease lease) {
        return lease.task().timedOutAt == null && policy.isPastDeadline(store.waitedMillis(lease.task()));
    }

    /** Is the task a timed-out one, fetched again in case it succeeded late? */
    public boolean isRechecking(Lease lease) {
        return lease.task().timedOutAt != null;
    }

    public long waitedMillis(Lease lease) {
        return store.waitedMillis(lease.task());
    }

    /**
     * Was the task's record written already, by a holder stopped before it could tell the store (a
     * kill in between)? A result, or a failure record of a task not looked at late.
     */
    public boolean isRecorded(@Variable("lease") Lease lease) {
        return outputs != null && (outputs.hasResult(lease.taskId())
                || lease.task().timedOutAt == null && outputs.isFinished(lease.taskId()));
    }

    /** Finishes a task whose record was written already (see {@link #isRecorded}), as the record says. */
    public void finishRecorded(@Variable("lease") Lease lease) {
        store.finish(lease, outputs.hasResult(lease.taskId()) ? TaskState.SUCCEEDED : TaskState.FAILED);
    }

    /**
     * The lease still holds: checked before anything is written for the task. A lease with more
     * than half its time left (on the store's clock) cannot have been taken over, since a takeover
     * needs it expired; only one closer to its end is renewed at the store, which says whether it held.
     */
    public void hold(@Variable("lease") Lease lease) {
        if (lease.ended()) {
            store.renew(lease); // throws, saying why
        }
        if (lease.expiresAt() - store.now() <= store.leaseTimeMillis() / 2) {
            store.renew(lease);
        }
    }

    /**
     * Its video is about to go up to S3: written into the task under its lease, so every instance
     * sharing the store lists it as uploading while that lease holds (a takeover downloads again).
     */
    public void uploading(@Variable("lease") Lease lease) {
        lease.task().uploadEpoch = lease.epoch();
        store.update(lease);
    }

    // ---- answers ----

    /**
     * Records a readable answer in the leased copy; true when status or progress changed since the
     * last one. Every way on from an answer ends in a change that writes the copy (the next fetch
     * booked, the download started, a retry, a finish), so an answer costs no write of its own.
     */
    public boolean recordAnswer(@Variable("lease") Lease lease, @Variable("answer") FetchAnswer answer) {
        Task task = lease.task();
        boolean changed = !answer.status().equals(task.status) || !answer.progress().equals(task.progress == null ? "" : task.progress);
        task.fetches++;
        long previousFetchAt = task.lastFetchAt;
        // Timed from the answer: two fetches of a task are never closer than one planned gap, at the API too.
        task.lastFetchAt = store.now();
        // What the schedule learns from (TaskPolicy#readyDuration): the kind, and when the task began and was ready.
        if (answer.kind() != null) {
            task.kind = answer.kind();
        }
        if (answer.submittedAt() != null) {
            task.submittedAt = answer.submittedAt();
        }
        if (answer.isSuccess() && task.readyAt == null) {
            task.readyAt = answer.finishedAt() != null && task.submittedAt != null && answer.finishedAt() >= task.submittedAt
                    ? answer.finishedAt()
                    : previousFetchAt > 0 ? previousFetchAt + (task.lastFetchAt - previousFetchAt) / 2 : task.lastFetchAt;
        }
        task.status = answer.status();
        task.progress = answer.progress();
        task.faultStreak = 0;
        task.refusedAnswers = 0;
        task.lastError = null;
        return changed;
    }

    /** After an answer that is not final: the next fetch after the planned gap (TaskPolicy#fetchGap). */
    public void scheduleNextFetch(@Variable("lease") Lease lease) {
        Task task = lease.task();
        long gap = policy.fetchGap(task);
        task.plannedGap = gap;
        task.nextAt = Math.max(task.lastFetchAt, store.now() - gap) + gap;
        if (PLANS.isDebugEnabled()) {
            // One line per plan, for checking that each fetch came when it was planned (bench/run.sh adaptive).
            PLANS.debug("{} PLANNED next fetch {} ms after the answer at {} (age {} s, kind {})", task.id, gap, task.lastFetchAt,
                    Math.round(TaskPolicy.ageSeconds(task, task.lastFetchAt)), task.kind);
        }
        store.release(lease);
        onGapPlanned.accept(gap);
    }

    /**
     * Are the fetches of the provider (the variable a single fetch and a group's request both set) paused
     * right now (by this instance or, on a shared store, any other on the same key)?
     */
    public boolean isFetchPaused(@Variable("provider") ProviderName provider) {
        return store.fetchesPausedUntil(provider) > store.now();
    }

    /** A task claimed before its provider's pause began: it waits, fetched as soon as the pause ends. */
    public void waitOutPause(@Variable("lease") Lease lease) {
        lease.task().nextAt = Math.max(store.now(), store.fetchesPausedUntil(lease.task().provider));
        store.release(lease);
    }

    // ---- the video ----

    /** Moves the task to its download, with the SUCCESS answer and its URL; a download claim takes it from there. */
    public void startDownload(@Variable("lease") Lease lease, @Variable("answer") FetchAnswer answer) {
        Task task = lease.task();
        task.phase = Task.Phase.DOWNLOAD;
        task.videoUrl = answer.videoUrl();
        // Downloads queued go the URL that lapses first first (both stores order their claims by it).
        task.videoUrlExpiresAt = VideoUrlExpiry.expiresAt(answer.videoUrl());
        task.answer = answer.raw();
        task.nextAt = store.now();
        store.release(lease);
    }

    /** The video URL was refused or served no video: fetch a fresh one (AfterDownload decides whether refreshes are left). */
    public void refreshVideoUrl(Lease lease, String reason) {
        Task task = lease.task();
        task.lastError = reason;
        task.urlRefreshes++;
        task.phase = Task.Phase.FETCH;
        task.videoUrl = null;
        task.videoUrlExpiresAt = null;
        task.answer = null;
        task.nextAt = store.now();
        store.release(lease);
    }

    /** A download fault: retry later (AfterDownload decides whether attempts are left). */
    public void retryDownloadLater(Lease lease, String reason) {
        Task task = lease.task();
        task.lastError = reason;
        task.downloadAttempts++;
        task.nextAt = policy.retryAt(task.downloadAttempts, store.now());
        store.release(lease);
    }

    /** The download was cut off by a stop: the task is handed back due now, its attempts untouched. */
    public void resumeDownloadLater(@Variable("lease") Lease lease) {
        lease.task().nextAt = store.now();
        store.release(lease);
    }

    // ---- the end ----

    /** The task's record is written: it is finished as the outcome says (see {@link #finish}, {@link #finishFailed}). */
    public void finishWith(@Variable("lease") Lease lease, @Variable("outcome") TaskState outcome, @Variable("failure") TaskFailure failure) {
        if (outcome == TaskState.SUCCEEDED) {
            finish(lease);
        } else {
            finishFailed(lease, failure.failureClass());
        }
    }

    /**
     * The task's result is written: it is finished. Its duration teaches the schedule (not that of a task
     * that timed out and succeeded late: fetched only now and then, when it was ready is not known).
     */
    public void finish(@Variable("lease") Lease lease) {
        store.finish(lease, TaskState.SUCCEEDED);
        Task task = lease.task();
        if (policy.durations() == null || task.timedOutAt != null || task.readyAt == null) {
            return;
        }
        DurationRule.Verdict verdict = TaskPolicy.judgeDuration(task);
        if (verdict == DurationRule.Verdict.LEARNED) {
            policy.durations().learn(task.kind, TaskPolicy.readyDuration(task));
        } else {
            policy.durations().ignore(task.id.value(), verdict);
        }
    }

    /**
     * The task's failure record is written: it is finished, except a task that timed out: that one
     * stays to be fetched again at the jimeng.fetch.timeout-recheck times after its failure, in case it
     * succeeds late (a video the user paid for).
     */
    public void finishFailed(Lease lease, FailureClass failureClass) {
        Task task = lease.task();
        if (!policy.rechecksAfter(failureClass) || task.timedOutAt != null) {
            store.finish(lease, TaskState.FAILED);
            return;
        }
        task.timedOutAt = store.now();
        task.rechecks = 0;
        task.nextAt = policy.recheckAt(task, 0);
        store.release(lease);
    }

    /** A late fetch found no video: the next one at its time, or the task is finished after the last. */
    public void recheckLater(@Variable("lease") Lease lease) {
        Task task = lease.task();
        task.rechecks++;
        long next = policy.recheckAt(task, task.rechecks);
        if (next < 0) {
            LOG.info("{} still has no video {} after it timed out: no more late fetches, its failure record stands", task.id,
                    TimeUtils.printDuration(store.now() - task.timedOutAt, false));
            store.finish(lease, TaskState.FAILED);
            return;
        }
        task.nextAt = Math.max(store.now(), next);
        store.release(lease);
    }
}
