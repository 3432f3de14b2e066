package io.github.jimengfetcher.config;

import java.time.Duration;

/** When the health check reports a fault: the API failing this long, less free disk space than this (0: never). */
public record HealthSettings(Duration apiFailingLimit, long minFreeSpace) {

    static final String API_FAILING_LIMIT = "jimeng.health.api-failing-limit";
    static final String MIN_FREE_SPACE = "jimeng.health.min-free-space";

    public static HealthSettings read(SettingsReader settings) {
        return new HealthSettings(settings.duration(API_FAILING_LIMIT), settings.sizeOrZero(MIN_FREE_SPACE));
    }
}
