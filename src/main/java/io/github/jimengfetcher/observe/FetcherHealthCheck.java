package io.github.jimengfetcher.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.util.TimeUtils;

import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.config.ByteSizes;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.life.OutputHealth;
import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.task.ProviderName;

/**
 * DOWN, with the reason, while tasks cannot get done without someone stepping in: the API
 * refuses the key, the output folder cannot be written, a disk is nearly full, every API
 * request has failed for longer than jimeng.health.api-failing-limit, or the API's rate limit
 * pauses every fetch, or the shared task store cannot be reached, or a worker thread died of an Error
 * (until a restart). Each is checked anew on every call, so health comes back UP by itself
 * once the cause is gone.
 *
 * A readiness check only: restarting the process fixes none of these, so liveness stays UP.
 */
public class FetcherHealthCheck extends AbstractHealthCheck {

    /** The detail of a health check result holding its reasons one by one (a list of text), for the status page's banner. */
    public static final String REASONS = "reasons";

    private final ApiHealth api;
    private final OutputFolders outputs;
    private final OutputHealth outputHealth;
    private io.github.jimengfetcher.output.S3Delivery s3Delivery;
    private final Path work;
    private final long apiFailingLimit;
    private final long minFreeSpace;
    private StoreHealth storeHealth = new StoreHealth();
    private WorkerFailures workerFailures;

    public FetcherHealthCheck(ApiHealth api, OutputFolders outputs, OutputHealth outputHealth, Path work,
                              long apiFailingLimitMillis, long minFreeSpace) {
        super("jimeng", "jimeng-fetcher");
        this.api = api;
        this.outputs = outputs;
        this.outputHealth = outputHealth;
        this.work = work;
        this.apiFailingLimit = apiFailingLimitMillis;
        this.minFreeSpace = minFreeSpace;
    }

    public void setStoreHealth(StoreHealth storeHealth) {
        this.storeHealth = storeHealth;
    }

    public void setS3Delivery(io.github.jimengfetcher.output.S3Delivery s3Delivery) {
        this.s3Delivery = s3Delivery;
    }

    public void setWorkerFailures(WorkerFailures workerFailures) {
        this.workerFailures = workerFailures;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** One call at a time: the write probe uses one file name. */
    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> problems = new ArrayList<>();
        for (ProviderName provider : api.keyRefusedProviders()) {
            problems.add("provider " + provider + ": the API refuses the key (HTTP 401 or 403 for every task of " + provider
                    + "): set a valid " + api.keySetting(provider));
        }
        if (!outputs.isWritable()) {
            problems.add("the output folder (jimeng.output.folder) is not writable");
        } else {
            String fault = outputHealth.currentFault();
            if (fault != null) {
                problems.add("tasks cannot be written out: " + withoutPaths(fault));
            }
        }
        String s3 = s3Delivery == null ? null : s3Delivery.problem();
        if (s3 != null) {
            problems.add(withoutPaths(s3));
        }
        freeSpace("output folder (jimeng.output.folder)", outputs.getRoot(), problems);
        freeSpace("work folder (jimeng.work.folder)", work, problems);
        api.rateLimitPauses().forEach((provider, pausedUntil) -> problems.add("provider " + provider
                + ": fetching paused by the API's rate limit until " + Instant.ofEpochMilli(pausedUntil)
                + " (HTTP 429; at most jimeng.fetch.rate-limit-max-pause); other providers' fetches go on"));
        api.failingSince().forEach((provider, failingSince) -> {
            if (System.currentTimeMillis() - failingSince > apiFailingLimit) {
                problems.add("provider " + provider + ": every API request has failed since " + Instant.ofEpochMilli(failingSince)
                        + " (more than " + TimeUtils.printDuration(apiFailingLimit, false) + ")");
            }
        });
        long storeUnreachable = storeHealth.unreachableSince();
        if (storeUnreachable > 0) {
            problems.add("the task store (jimeng.store.url) cannot be reached since " + Instant.ofEpochMilli(storeUnreachable)
                    + ": no new work is taken");
        }
        if (workerFailures != null) {
            for (String failure : workerFailures.current()) {
                problems.add(withoutPaths(failure));
            }
        }
        if (problems.isEmpty()) {
            builder.up();
        } else {
            // Each reason on its own too, for the status page's banner (web.HealthProblems).
            builder.down().message(String.join("; ", problems)).detail(REASONS, List.copyOf(problems));
        }
    }

    private static final String PATH = "\\S*[/\\\\][^\\s:]*";

    /**
     * Camel's health endpoint escapes a message twice, so a '/' would reach the reader as '\/':
     * messages name settings rather than paths, and a fault's own text loses its paths and quotes,
     * said in words (a rename "a -> b", Camel's "from: a to: b") and pointing to the log, which
     * names them.
     */
    static String withoutPaths(String text) {
        String said = text.replaceAll(PATH + "\\s+->\\s+" + PATH, "a file could not be moved into place")
                .replaceAll("from: " + PATH + " to: " + PATH, "into place")
                .replaceAll(PATH, "a file");
        return (said.equals(text) ? said : said + " (the log names the files)").replace('"', '\'');
    }

    private void freeSpace(String what, Path folder, List<String> problems) {
        try {
            Path existing = folder.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return;
            }
            long free = Files.getFileStore(existing).getUsableSpace();
            if (free < minFreeSpace) {
                problems.add("the " + what + " has " + ByteSizes.print(free)
                        + " free, less than jimeng.health.min-free-space (" + ByteSizes.print(minFreeSpace) + ")");
            }
        } catch (IOException e) {
            problems.add("the free space of the " + what + " cannot be read: " + withoutPaths(String.valueOf(e.getMessage())));
        }
    }
}
