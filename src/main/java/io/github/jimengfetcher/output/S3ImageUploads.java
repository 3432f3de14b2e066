package io.github.jimengfetcher.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.config.S3Settings;
import io.github.jimengfetcher.task.Lease;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An image beside a delivered video, up to its key: tried {@value #TRIES} times, 1 s then 2 s apart,
 * while the task is held, so a store's passing refusal is not the image's end (the video's own
 * upload is tried again with the task instead). Never over another task's object ({@link S3Keys}).
 * With keep-local=false an image confirmed in the bucket goes from disk, as the video does; one not up stays.
 */
final class S3ImageUploads {

    static final int TRIES = 3;
    /** Its lines are the delivery's. */
    private static final Logger LOG = LoggerFactory.getLogger(S3Delivery.class);

    private final S3Client s3;
    private final String bucket;
    private final boolean keepLocal;
    private final S3Keys keys;
    private final S3Activity activity;
    private final BooleanSupplier stopping;

    S3ImageUploads(S3Client s3, S3Settings settings, S3Keys keys, S3Activity activity, BooleanSupplier stopping) {
        this.s3 = s3;
        this.bucket = settings.bucket();
        this.keepLocal = settings.keepLocal();
        this.keys = keys;
        this.activity = activity;
        this.stopping = stopping;
    }

    /** @return why the image is not up, in one line, or null */
    String put(Lease lease, Path file, String key, String type) {
        String id = lease.taskId().value();
        for (int attempt = 1; ; attempt++) {
            try {
                if (!keys.isFreeFor(key, id)) {
                    activity.ended(false, 0);
                    return "another object is there, not replaced";
                }
                long size = Files.size(file);
                S3Upload.put(s3, bucket, key, file, size, type, S3Keys.metadata(id));
                activity.ended(true, size);
                if (!keepLocal) {
                    dropLocalCopy(lease, file);
                }
                return null;
            } catch (IOException | RuntimeException e) {
                // Counted once, as the image's outcome, however many tries it took.
                if (stopping.getAsBoolean()) {
                    return S3Delivery.describe(e);
                }
                if (attempt == TRIES || lease.ended() || !pause(Duration.ofSeconds(1L << (attempt - 1)))) {
                    activity.ended(false, 0);
                    return S3Delivery.describe(e);
                }
            }
        }
    }

    private static void dropLocalCopy(Lease lease, Path image) {
        try {
            Files.deleteIfExists(image);
        } catch (IOException e) {
            LOG.warn("{} image {} is in the bucket but its local copy could not be removed: {}",
                    lease.taskId(), image.getFileName(), e.getMessage());
        }
    }

    /** @return false when the app is stopping: the image stays on disk and its entry says why it is not up */
    private static boolean pause(Duration time) {
        try {
            Thread.sleep(time.toMillis());
            return true;
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
