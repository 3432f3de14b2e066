package io.github.jimengfetcher.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.github.jimengfetcher.schedule.DurationHistogram;
import io.github.jimengfetcher.schedule.DurationRule;
import io.github.jimengfetcher.schedule.FetchSchedule;
import io.github.jimengfetcher.schedule.LearnedDurations;

/**
 * The rules of a task's life that do not depend on where tasks are stored: when it is next
 * due, how long it backs off after a fault, how many tries it gets, when it has waited long
 * enough, when a timed-out task is looked at again. Every task store applies this one policy,
 * so a second store (a shared database) cannot drift from the first.
 *
 * Its values come from application.properties (the fetch and download settings), set by the
 * wiring; nothing here repeats their defaults.
 */
public class TaskPolicy {

    /** Refusals of one task in a row (HTTP 403 while other tasks are answered, or errors naming no status) that fail it. */
    public static final int REFUSALS_TO_FAIL = 3;

    /** task_not_exist is believed once the API said it twice, one poll interval apart. */
    static final int NOT_FOUND_ANSWERS_TO_FAIL = 2;

    private long pollInterval;
    private boolean adaptive;
    private Duration pollIntervalMin;
    private Duration pollIntervalMax;
    private volatile FetchSchedule schedule;
    private volatile LearnedDurations durations;
    private long taskTimeout;
    private long retryInitialDelay;
    private long retryMaxDelay;
    private int maxUrlRefreshes;
    private int maxDownloadAttempts;
    private List<Long> timeoutRechecks = List.of();
    private java.util.Set<ProviderName> notifying = java.util.Set.of();
    private long fallbackInterval;

    public synchronized void setPollInterval(Duration interval) {
        this.pollInterval = interval.toMillis();
        this.schedule = null;
    }

    /** jimeng.fetch.adaptive: schedule fetches by the learned durations (false: the plain interval). */
    public synchronized void setAdaptive(boolean adaptive) {
        this.adaptive = adaptive;
        this.schedule = null;
    }

    /** The shortest gap; null: derived, the interval / 5. */
    public synchronized void setPollIntervalMin(Duration min) {
        this.pollIntervalMin = min;
        this.schedule = null;
    }

    /** The longest gap; null: derived, 6 x the interval. */
    public synchronized void setPollIntervalMax(Duration max) {
        this.pollIntervalMax = max;
        this.schedule = null;
    }

    /** What the schedule learns from; none: the plain interval. */
    public synchronized void setDurations(LearnedDurations durations) {
        this.durations = durations;
        this.schedule = null;
    }

    public LearnedDurations durations() {
        return durations;
    }

    /** The shortest gap between two fetches of a task, set or derived (interval / 5). */
    public static long minGap(long interval, Duration setting) {
        return setting == null ? interval / 5 : setting.toMillis();
    }

    /** The longest gap between two fetches of a task, set or derived (6 x interval). */
    public static long maxGap(long interval, Duration setting) {
        return setting == null ? 6 * interval : setting.toMillis();
    }

    /** The schedule of these settings, made once (asked at every fetch: read without a lock once made). */
    public FetchSchedule schedule() {
        FetchSchedule made = schedule;
        if (made != null) {
            return made;
        }
        synchronized (this) {
            if (schedule == null) {
                schedule = new FetchSchedule(adaptive && durations != null, pollInterval,
                        minGap(pollInterval, pollIntervalMin), maxGap(pollInterval, pollIntervalMax));
            }
            return schedule;
        }
    }

    /**
     * The providers whose tasks say when they change (jimeng.notify.*): after the first fetch, their
     * tasks are fetched every fallback interval, in case a notification is lost, not on the schedule.
     */
    public void setNotifying(java.util.Collection<ProviderName> providers, Duration fallbackInterval) {
        this.notifying = java.util.Set.copyOf(providers);
        this.fallbackInterval = fallbackInterval.toMillis();
    }

    public void setTaskTimeout(Duration timeout) {
        this.taskTimeout = timeout.toMillis();
    }

    public void setRetryInitialDelay(Duration delay) {
        this.retryInitialDelay = delay.toMillis();
    }

    public void setRetryMaxDelay(Duration delay) {
        this.retryMaxDelay = delay.toMillis();
    }

    public void setMaxUrlRefreshes(int max) {
        this.maxUrlRefreshes = max;
    }

    public void setMaxDownloadAttempts(int max) {
        this.maxDownloadAttempts = max;
    }

    /** The times after a timeout at which the task is fetched again; empty for none. */
    public void setTimeoutRechecks(List<Duration> rechecks) {
        List<Long> times = new ArrayList<>();
        for (Duration time : rechecks) {
            times.add(time.toMillis());
        }
        times.sort(null);
        this.timeoutRechecks = List.copyOf(times);
    }

    public long pollInterval() {
        return pollInterval;
    }

    /**
     * What a claim moves a task's due time by: the shortest gap the schedule plans (the interval when it
     * is not adaptive). A task whose holder is killed is thus never fetched sooner than a planned gap
     * after the fetch it was claimed for.
     */
    public long claimGap() {
        return schedule().minGap();
    }

    /**
     * The gap (ms) from the task's last answer to its next fetch: the plain interval, or with
     * jimeng.fetch.adaptive the learned schedule for its kind at its age then ({@link FetchSchedule}); for a task
     * of a provider that notifies, the fallback interval.
     */
    public long fetchGap(Task task) {
        if (!notifying.isEmpty() && task.provider != null && notifying.contains(task.provider)) {
            return fallbackInterval;
        }
        FetchSchedule plan = schedule();
        if (!plan.adaptive()) {
            return plan.interval();
        }
        return plan.gapMillis(durations.forKind(task.kind), ageSeconds(task, task.lastFetchAt));
    }

    /** After an answer that is not final: the planned gap after that answer, never sooner at the API. */
    public long nextFetchAt(Task task, long now) {
        long gap = fetchGap(task);
        return Math.max(task.lastFetchAt, now - gap) + gap;
    }

    /**
     * When the task began, for its age and its duration: the gateway's submit time where its answers
     * gave one that is plausible (not ahead of our clock, not long before the task was registered here:
     * {@link DurationRule}), else its registration here.
     */
    static long startedAt(Task task, long now) {
        return DurationRule.plausibleSubmitTime(task.submittedAt, task.registeredAt, now) ? task.submittedAt : task.registeredAt;
    }

    /** The task's age (s) at a time. */
    public static double ageSeconds(Task task, long at) {
        return Math.max(0, at - startedAt(task, at)) / 1000.0;
    }

    /**
     * When the pending task will most likely be ready (epoch ms): the median of its kind's learned durations,
     * given it has run this long; null without a learned history (or with the schedule off, or beyond every
     * duration learned).
     */
    public Long estimatedReadyAt(Task task, long now) {
        if (durations == null) {
            return null;
        }
        long start = startedAt(task, now);
        double age = FetchSchedule.estimatedReadyAge(durations.forKind(task.kind), Math.max(0, now - start) / 1000.0);
        return Double.isNaN(age) ? null : start + Math.round(age * 1000);
    }

    /**
     * How long a task that succeeded took (ms), to learn from: from its submission to its finish by the
     * gateway's own clock where the answers gave both; else from its start (see {@link #startedAt}) to the
     * moment it was seen ready (halfway between the fetch that saw it and the one before). -1 when unknown.
     */
    public static long readyDuration(Task task) {
        if (task.readyAt == null) {
            return -1;
        }
        long duration = task.readyAt - startedAt(task, task.readyAt);
        return duration >= 0 ? duration : -1;
    }

    /** Whether the finished task's duration may be learned ({@link DurationRule}); readyAt is known. */
    public static DurationRule.Verdict judgeDuration(Task task) {
        long from = task.submittedAt != null ? task.submittedAt : task.registeredAt;
        return DurationRule.judge(task.submittedAt, task.registeredAt, task.readyAt, task.readyAt - from);
    }

    /**
     * After the n-th fault in a row: exponential from jimeng.fetch.retry-initial-delay, capped at
     * jimeng.fetch.retry-max-delay, with jitter so that a crowd of retries does not arrive together.
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

    /** A task that failed this way is kept for late fetches (jimeng.fetch.timeout-recheck). */
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
        return now + (task.phase == Task.Phase.FETCH ? schedule().maxGap() : retryMaxDelay);
    }
}
