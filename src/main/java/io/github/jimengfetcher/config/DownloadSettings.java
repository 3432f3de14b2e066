package io.github.jimengfetcher.config;

import java.time.Duration;
import java.util.List;

/**
 * How videos are downloaded: how many at once, how large, the timeouts and the slowest speed of a
 * transfer, the tries and URL refreshes a task gets, and the hosts a video may come from (empty: any).
 */
public record DownloadSettings(int maxConcurrent, long maxSize, Duration connectTimeout, Duration stallTimeout, long minSpeed,
        int maxAttempts, int maxUrlRefreshes, List<String> allowedHosts) {

    static final String MAX_CONCURRENT = "jimeng.download.max-concurrent";
    static final String MAX_SIZE = "jimeng.download.max-size";
    static final String CONNECT_TIMEOUT = "jimeng.download.connect-timeout";
    static final String STALL_TIMEOUT = "jimeng.download.stall-timeout";
    static final String MIN_SPEED = "jimeng.download.min-speed";
    static final String MAX_ATTEMPTS = "jimeng.download.max-attempts";
    static final String MAX_URL_REFRESHES = "jimeng.download.max-url-refreshes";
    static final String ALLOWED_HOSTS = "jimeng.download.allowed-hosts";

    public static DownloadSettings read(SettingsReader settings) {
        return new DownloadSettings(settings.count(MAX_CONCURRENT), settings.size(MAX_SIZE), settings.duration(CONNECT_TIMEOUT),
                settings.duration(STALL_TIMEOUT), settings.sizeOrZero(MIN_SPEED), settings.count(MAX_ATTEMPTS),
                settings.countOrZero(MAX_URL_REFRESHES), settings.words(ALLOWED_HOSTS));
    }
}
