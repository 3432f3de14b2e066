package io.github.jimengfetcher.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.github.jimengfetcher.task.Lease;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An image beside a delivered video, up to its key: tried {@value #TRIES} times, 1 s then 2 s apart,
 * while the task is held, so a store's passing refusal is not the image's end (the video's own
 * upload is tried again with the task instead). Never over another task's object ({@link S3Keys}).
 */
final class S3ImageUploads {

    static final int TRIES = 3;

    private final S3Client s3;
    private final String bucket;
    private final S3Keys keys;
    private final S3Activity activity;
    private final BooleanSupplier stopping;

    S3ImageUploads(S3Client s3, String bucket, S3Keys keys, S3Activity activity, BooleanSupplier stopping) {
        this.s3 = s3;
        this.bucket = bucket;
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
