package io.github.jimengfetcher.task;

import java.util.Locale;

/** Where a task stands, as lists and filters name it: pending, downloading, uploading, succeeded or failed. */
public enum TaskState {
    PENDING, DOWNLOADING, UPLOADING, SUCCEEDED, FAILED;

    /** The name in URLs and JSON: "pending", "downloading", "uploading", "succeeded", "failed". */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state of this wire name, or null for a name that is none. */
    public static TaskState ofWireName(String name) {
        for (TaskState state : values()) {
            if (state.wireName().equals(name)) {
                return state;
            }
        }
        return null;
    }

    /**
     * A pending task's state at now (the store's clock): downloading in its download phase, uploading
     * while the lease its holder marked the upload under still holds ({@link Task#uploadEpoch}); failed
     * when it timed out and is only looked at again late (its failure record stands until it succeeds).
     */
    public static TaskState of(Task pending, long now) {
        if (pending.timedOutAt != null) {
            return FAILED;
        }
        if (pending.phase != Task.Phase.DOWNLOAD) {
            return PENDING;
        }
        return isUploading(pending, now) ? UPLOADING : DOWNLOADING;
    }

    /** A holder that died mid-upload leaves the mark behind: it counts only under the same, unexpired lease. */
    private static boolean isUploading(Task pending, long now) {
        return pending.uploadEpoch != null && pending.uploadEpoch == pending.epoch
                && pending.leaseOwner != null && pending.leaseUntil > now;
    }
}
