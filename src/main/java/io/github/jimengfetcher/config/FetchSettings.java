package io.github.jimengfetcher.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.jimengfetcher.task.TaskPolicy;

/**
 * How tasks are fetched: the interval and its learned bounds (minInterval and maxInterval as set, or
 * derived from the interval), how long a task may take, the rechecks after a timeout, the fetches at
 * once, the back-off after faults, the pauses the API asks for, and the tick of the claims.
 */
public record FetchSettings(Duration interval, boolean adaptive, Duration minInterval, Duration maxInterval, Duration taskTimeout,
        List<Duration> timeoutRechecks, int maxConcurrent, Duration retryInitialDelay, Duration retryMaxDelay,
        Duration rateLimitPause, Duration rateLimitMaxPause, Duration keyRefusedPause, Duration schedulerTick) {

    static final String INTERVAL = "jimeng.fetch.interval";
    static final String ADAPTIVE = "jimeng.fetch.adaptive";
    static final String MIN_INTERVAL = "jimeng.fetch.min-interval";
    static final String MAX_INTERVAL = "jimeng.fetch.max-interval";
    static final String TASK_TIMEOUT = "jimeng.fetch.task-timeout";
    static final String TIMEOUT_RECHECK = "jimeng.fetch.timeout-recheck";
    static final String MAX_CONCURRENT = "jimeng.fetch.max-concurrent";
    static final String RETRY_INITIAL_DELAY = "jimeng.fetch.retry-initial-delay";
    static final String RETRY_MAX_DELAY = "jimeng.fetch.retry-max-delay";
    static final String RATE_LIMIT_PAUSE = "jimeng.fetch.rate-limit-pause";
    static final String RATE_LIMIT_MAX_PAUSE = "jimeng.fetch.rate-limit-max-pause";
    static final String KEY_REFUSED_PAUSE = "jimeng.fetch.key-refused-pause";
    static final String SCHEDULER_TICK = "jimeng.fetch.scheduler-tick";

    public static FetchSettings read(SettingsReader settings) {
        Duration interval = settings.duration(INTERVAL);
        boolean adaptive = settings.flag(ADAPTIVE);
        Optional<Duration> min = settings.optionalDuration(MIN_INTERVAL);
        Optional<Duration> max = settings.optionalDuration(MAX_INTERVAL);
        Duration taskTimeout = settings.duration(TASK_TIMEOUT);
        List<Duration> rechecks = settings.durations(TIMEOUT_RECHECK);
        int maxConcurrent = settings.count(MAX_CONCURRENT);
        Duration retryInitialDelay = settings.duration(RETRY_INITIAL_DELAY);
        Duration retryMaxDelay = settings.duration(RETRY_MAX_DELAY);
        Duration rateLimitPause = settings.duration(RATE_LIMIT_PAUSE);
        Duration rateLimitMaxPause = settings.duration(RATE_LIMIT_MAX_PAUSE);
        Duration keyRefusedPause = settings.duration(KEY_REFUSED_PAUSE);
        Duration schedulerTick = settings.duration(SCHEDULER_TICK);
        Duration minInterval = Duration.ofMillis(TaskPolicy.minGap(interval.toMillis(), min.orElse(null)));
        Duration maxInterval = Duration.ofMillis(TaskPolicy.maxGap(interval.toMillis(), max.orElse(null)));
        if (minInterval.compareTo(interval) > 0 || interval.compareTo(maxInterval) > 0) {
            throw new IllegalStateException(settings.written(MIN_INTERVAL) + " <= " + settings.written(INTERVAL) + " <= "
                    + settings.written(MAX_INTERVAL) + " does not hold: "
                    + (min.isEmpty() ? "(derived) " : "") + SettingChecks.shortDuration(minInterval.toMillis()) + ", "
                    + SettingChecks.shortDuration(interval.toMillis()) + ", " + (max.isEmpty() ? "(derived) " : "")
                    + SettingChecks.shortDuration(maxInterval.toMillis()) + " (environment variables "
                    + SettingChecks.environmentVariable(MIN_INTERVAL) + ", " + SettingChecks.environmentVariable(INTERVAL) + ", "
                    + SettingChecks.environmentVariable(MAX_INTERVAL) + "; empty min or max: derived from the interval)");
        }
        return new FetchSettings(interval, adaptive, minInterval, maxInterval, taskTimeout, rechecks, maxConcurrent,
                retryInitialDelay, retryMaxDelay, rateLimitPause, rateLimitMaxPause, keyRefusedPause, schedulerTick);
    }
}
