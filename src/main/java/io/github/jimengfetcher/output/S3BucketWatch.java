package io.github.jimengfetcher.output;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.exception.SdkException;

/**
 * Whether the bucket can be used now, for the health check: checked at start and, while a problem
 * stands, again every {@link #RECHECK_SECONDS} seconds, off the tasks' threads, so a bucket created
 * or a store back shows UP without waiting for a task to finish. One line when it changes.
 */
final class S3BucketWatch {

    static final long RECHECK_SECONDS = 15;
    private static final Logger LOG = LoggerFactory.getLogger(S3BucketWatch.class);

    private final String bucketUri;
    private final Runnable headBucket;
    private ScheduledExecutorService checks;
    private volatile String problem;
    private volatile boolean started;

    /** @param headBucket throws an SdkException while the bucket cannot be used */
    S3BucketWatch(String bucketUri, Runnable headBucket) {
        this.bucketUri = bucketUri;
        this.headBucket = headBucket;
    }

    void start() {
        checks = Executors.newSingleThreadScheduledExecutor(run -> {
            Thread thread = new Thread(run, "s3-check");
            thread.setDaemon(true);
            return thread;
        });
        checks.execute(this::check);
        checks.scheduleWithFixedDelay(() -> {
            if (problem != null) {
                check();
            }
        }, RECHECK_SECONDS, RECHECK_SECONDS, TimeUnit.SECONDS);
    }

    void stop() {
        if (checks != null) {
            checks.shutdownNow();
        }
    }

    private void check() {
        String before = problem;
        try {
            headBucket.run();
        } catch (SdkException e) {
            problem = S3Delivery.describe(e);
            if (!problem.equals(before)) {
                LOG.error("S3 delivery: cannot use {}: {}; finished videos wait on disk until it works (jimeng.s3.*)", bucketUri, problem);
            }
            started = true;
            return;
        } catch (RuntimeException unexpected) {
            // The schedule must outlive any one check.
            problem = unexpected.toString();
            return;
        }
        problem = null;
        if (before != null || !started) {
            LOG.info("S3 delivery to {} is {}", bucketUri, started ? "ready again" : "ready");
        }
        started = true;
    }

    /** An upload failed: health DOWN with why until an upload or a check of the bucket works. */
    void failed(String why) {
        problem = why;
    }

    void worked() {
        problem = null;
    }

    String problem() {
        return problem;
    }
}
