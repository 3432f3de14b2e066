package io.github.jimengfetcher.task;

import java.util.Locale;

/**
 * Why a task ended without a video: the failure record's {@code reason_class} and the label of
 * jimeng_tasks_failed_total. docs/operating.md ("Output") lists them for users; a test keeps the two lists equal.
 */
public enum FailureClass {

    /** The API said the task failed, or answered with an error naming no status three times in a row. */
    API_FAILURE,
    /** The API says the task expired. */
    EXPIRED,
    /** The API says the task was cancelled. */
    CANCELLED,
    /** task_not_exist, confirmed, or the status not_found. */
    NOT_FOUND,
    /** HTTP 403 for this task three times in a row while the API answered other tasks. */
    FORBIDDEN,
    /** No final status within jimeng.fetch.task-timeout (outages not counted). */
    TIMED_OUT,
    /** A success without a usable video URL. */
    NO_VIDEO_URL,
    /** The storage host kept refusing fresh URLs or sent no MP4. */
    VIDEO_UNAVAILABLE,
    /** Larger than jimeng.download.max-size. */
    TOO_LARGE,
    /** The download was cut off jimeng.download.max-attempts times. */
    DOWNLOAD_FAILED,
    /** The task's provider has no base URL or no key on this instance (jimeng.providers.{name}.*). */
    PROVIDER_NOT_CONFIGURED,
    /** A fault of this program rather than of the API, the storage host or the disk, three times in a row. */
    INTERNAL_ERROR;

    /** The name in records, metrics and the docs: {@code api_failure}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
