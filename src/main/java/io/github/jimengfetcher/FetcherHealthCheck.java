package io.github.jimengfetcher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN, with the reason, while tasks cannot get done without someone stepping in: the API
 * refuses the key, the output folder cannot be written, or every API request has failed
 * for longer than jimeng.health.api-failing-limit; and while the API's rate limit pauses
 * every fetch (it recovers by itself when the pause ends).
 *
 * A readiness check only: restarting the process fixes none of these, so liveness stays UP.
 */
public class FetcherHealthCheck extends AbstractHealthCheck {

    private final ApiHealth api;
    private final OutputFolders outputs;
    private final long apiFailingLimit;

    public FetcherHealthCheck(ApiHealth api, OutputFolders outputs, long apiFailingLimitMillis) {
        super("jimeng", "jimeng-fetcher");
        this.api = api;
        this.outputs = outputs;
        this.apiFailingLimit = apiFailingLimitMillis;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** One call at a time: the write probe uses one file name. */
    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> problems = new ArrayList<>();
        if (api.isKeyRefused()) {
            problems.add("the API refuses the key (HTTP 401/403): set a valid jimeng.api-key (env JIMENG_API_KEY)");
        }
        if (!outputs.isWritable()) {
            problems.add("the output folder " + outputs.getRoot().toAbsolutePath() + " is not writable");
        }
        long pausedUntil = api.rateLimitPausedUntil();
        if (pausedUntil > 0) {
            problems.add("fetching paused by the API's rate limit until " + Instant.ofEpochMilli(pausedUntil)
                    + " (HTTP 429; at most jimeng.rate-limit-max-pause)");
        }
        long failingSince = api.failingSince();
        if (failingSince > 0 && System.currentTimeMillis() - failingSince > apiFailingLimit) {
            problems.add("every API request has failed since " + Instant.ofEpochMilli(failingSince)
                    + " (more than " + Duration.ofMillis(apiFailingLimit).toString().substring(2).toLowerCase() + ")");
        }
        if (problems.isEmpty()) {
            builder.up();
        } else {
            builder.down().message(String.join("; ", problems));
        }
    }
}
