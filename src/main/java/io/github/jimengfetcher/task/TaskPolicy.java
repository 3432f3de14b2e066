package io.github.jimengfetcher.task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.util.TimeUtils;

import io.github.jimengfetcher.FetcherConfiguration;

/**
 * The rules of a task's life that do not depend on where tasks are stored: when it is next
 * due, how long it backs off after a fault, how many tries it gets, when it has waited long
 * enough, when a timed-out task is looked at again. Every task store applies this one policy,
 * so a second store (a shared database) cannot drift from the first.
 *
 * Its values come from application.properties (jimeng.poll-interval, jimeng.retry.*, ...),
 * set through FetcherConfiguration; nothing here repeats their defaults.
 */
public class TaskPolicy {

    /** Refusals of one task in a row (HTTP 403 while other tasks are answered, or errors naming no status) that fail it. */
    public static final int REFUSALS_TO_FAIL = 3;

    /** task_not_exist is believed once the API said it twice, one poll interval apart. */
    static final int NOT_FOUND_ANSWERS_TO_FAIL = 2;

    private long pollInterval;
    private long taskTimeout;
    private long retryInitialDelay;
    private long retryMaxDelay;
    private int maxUrlRefreshes;
    private int maxDownloadAttempts;
    private List<Long> timeoutRechecks = List.of();

    public void setPollInterval(String interval) {
        this.pollInterval = TimeUtils.toMilliSeconds(interval);
    }

    public void setTaskTimeout(String timeout) {
        this.taskTimeout = TimeUtils.toMilliSeconds(timeout);
    }

    public void setRetryInitialDelay(String delay) {
        this.retryInitialDelay = TimeUtils.toMilliSeconds(delay);
    }

    public void setRetryMaxDelay(String delay) {
        this.retryMaxDelay = TimeUtils.toMilliSeconds(delay);
    }

    public void setMaxUrlRefreshes(int max) {
        this.maxUrlRefreshes = max;
    }

    public void setMaxDownloadAttempts(int max) {
        this.maxDownloadAttempts = max;
    }

    /** Comma-separated durations after a timeout at which the task is fetched again; empty for none. */
    public void setTimeoutRechecks(String rechecks) {
        List<Long> times = new ArrayList<>();
        for (String time : rechecks == null ? new String[0] : rechecks.split(",")) {
            if (!time.isBlank()) {
                times.add(TimeUtils.toMilliSeconds(time.strip()));
            }
        }
        times.sort(null);
        this.timeoutRechecks = List.copyOf(times);
    }

    /** The planned gap between two fetches of a task: a claim moves the task's due time this much later. */
    public long pollInterval() {
        return pollInterval;
    }

    /** After an answer that is not final: one poll interval after that answer, never sooner at the API. */
    public long nextFetchAt(Task task, long now) {
        return Math.max(task.lastFetchAt, now - pollInterval) + pollInterval;
    }

    /**
     * After the n-th fault in a row: exponential from jimeng.retry.initial-delay, capped at
     * jimeng.retry.max-delay, with jitter so that a crowd of retries does not arrive together.
     */
    public long retryAt(int faultsInARow, long now) {
        long delay = retryInitialDelay << Math.min(Math.max(faultsInARow - 1, 0), 20);
        delay = Math.min(Math.max(delay, 0), retryMaxDelay);
        return now + delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    public boolean isNotFoundConfirmed(int notFoundAnswers) {
        return notFoundAnswers >= NOT_FOUND_ANSWERS_TO_FAIL;
    }

    /** May a refused or expired video URL be replaced by fetching the task again? */
    public boolean mayRefreshUrl(int refreshesSoFar) {
        return refreshesSoFar < maxUrlRefreshes;
    }

    public int maxDownloadAttempts() {
        return maxDownloadAttempts;
    }

    /** May an interrupted download be tried again, now that it failed this many times? */
    public boolean mayRetryDownload(int attempts) {
        return attempts < maxDownloadAttempts;
    }

    /** Has the task waited long enough for a final status (outages already left out of waited)? */
    public boolean isPastDeadline(long waitedMillis) {
        return waitedMillis > taskTimeout;
    }

    /** A task that failed this way is kept for late fetches (jimeng.timeout-recheck). */
    public boolean rechecksAfter(FailureClass failureClass) {
        return failureClass == FailureClass.TIMED_OUT && !timeoutRechecks.isEmpty();
    }

    /** When the late fetch number {@code done} (from 0) of a task that timed out is due; -1 after the last. */
    public long recheckAt(Task task, int done) {
        if (task.timedOutAt == null || done < 0 || done >= timeoutRechecks.size()) {
            return -1;
        }
        return task.timedOutAt + timeoutRechecks.get(done);
    }

    /**
     * The latest a task may be due after a start, whatever its journal said: a shorter poll interval
     * applies at once, and a hand edit cannot park a task for a year.
     */
    public long latestDueAt(Task task, long now) {
        long recheck = recheckAt(task, task.rechecks);
        if (recheck >= 0) {
            return Math.max(recheck, now);
        }
        return now + (task.phase == Task.Phase.FETCH ? pollInterval : retryMaxDelay);
    }
}
