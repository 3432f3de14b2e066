package io.github.jimengfetcher.download;

import java.nio.file.Path;

import io.github.jimengfetcher.task.TaskId;

/**
 * How one download attempt ended. The download route decides on the outcome.
 *
 * @param file   the whole, verified video under jimeng.work.folder (COMPLETE only)
 * @param detail what happened, for logs and failure records
 */
public record DownloadResult(Outcome outcome, TaskId taskId, Path file, long bytes, String sha256, String detail) {

    public enum Outcome {
        /** Whole and an MP4: ready to publish. */
        COMPLETE,
        /** The storage host refused the URL (403/404/410: usually expired): fetch the task again for a fresh one. */
        URL_REFUSED,
        /** The host answered with something that is not an MP4 (an error page): fetch a fresh URL. */
        NOT_VIDEO,
        /** Larger than jimeng.download.max-size: final. */
        TOO_LARGE,
        /** Cut short, reset, stalled, 5xx: try again later, resuming where the host allows it. */
        RETRY,
        /** Cut off because the app stops: resumes from the part on disk, no attempt used up. */
        STOPPED
    }

    static DownloadResult of(Outcome outcome, TaskId taskId, String detail) {
        return new DownloadResult(outcome, taskId, null, 0, null, detail);
    }
}
