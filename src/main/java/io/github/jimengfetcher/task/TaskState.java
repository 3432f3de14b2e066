package io.github.jimengfetcher.task;

import java.util.Locale;

/** Where a task stands, as lists and filters name it: pending, downloading, succeeded or failed. */
public enum TaskState {
    PENDING, DOWNLOADING, SUCCEEDED, FAILED;

    /** The name in URLs and JSON: "pending", "downloading", "succeeded", "failed". */
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
     * A pending task's state: downloading in its download phase; failed when it timed out and is
     * only looked at again late (its failure record stands until it succeeds).
     */
    public static TaskState of(Task pending) {
        if (pending.timedOutAt != null) {
            return FAILED;
        }
        return pending.phase == Task.Phase.DOWNLOAD ? DOWNLOADING : PENDING;
    }
}
