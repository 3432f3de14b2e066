package io.github.jimengfetcher.config;

import java.time.Duration;

/**
 * The gateway's API: its root and key (empty root: the built-in demo simulator, whose tasks take
 * demoTaskTime), and the bounds of one request to it.
 */
public record ApiSettings(String baseUrl, String key, Duration connectTimeout, Duration readTimeout, Duration requestTimeout,
        long maxAnswerSize, Duration demoTaskTime) {

    static final String BASE_URL = "jimeng.api.base-url";
    static final String KEY = "jimeng.api.key";
    static final String CONNECT_TIMEOUT = "jimeng.api.connect-timeout";
    static final String READ_TIMEOUT = "jimeng.api.read-timeout";
    static final String REQUEST_TIMEOUT = "jimeng.api.request-timeout";
    static final String MAX_ANSWER_SIZE = "jimeng.api.max-answer-size";
    static final String DEMO_TASK_TIME = "jimeng.demo.task-time";

    public static ApiSettings read(SettingsReader settings) {
        Duration demoTaskTime = settings.duration(DEMO_TASK_TIME);
        return new ApiSettings(settings.text(BASE_URL), settings.text(KEY), settings.duration(CONNECT_TIMEOUT),
                settings.duration(READ_TIMEOUT), settings.duration(REQUEST_TIMEOUT), settings.size(MAX_ANSWER_SIZE), demoTaskTime);
    }

    /** No base URL: the demo. */
    public boolean demo() {
        return baseUrl.isEmpty();
    }

    /** Never the key: a record's own toString would show it in any log line that prints the settings. */
    @Override
    public String toString() {
        return "ApiSettings[baseUrl=" + baseUrl + ", key=" + (key.isEmpty() ? "" : "***") + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", requestTimeout=" + requestTimeout + ", maxAnswerSize=" + maxAnswerSize
                + ", demoTaskTime=" + demoTaskTime + "]";
    }
}
