package io.github.jimengfetcher;

import java.util.Set;

/**
 * One answer of GET /jimeng/fetch/{task_id}, reduced to what the routes decide on.
 *
 * @param status     the task status in upper case; UNKNOWN when the answer names none
 * @param progress   e.g. "45%", empty when not given
 * @param failReason the API's fail_reason, empty when not given
 * @param videoUrl   the http(s) video URL, or null when the answer has none
 * @param urlProblem why a URL found in the answer cannot be followed, or null
 * @param raw        the answer as received, for the result and failure records
 */
public record FetchAnswer(String status, String progress, String failReason, String videoUrl, String urlProblem, String raw) {

    private static final Set<String> WAITING = Set.of("NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS", "UNKNOWN");

    public boolean isSuccess() {
        return "SUCCESS".equals(status);
    }

    public boolean isFailure() {
        return "FAILURE".equals(status);
    }

    /** A SUCCESS whose video can be fetched. */
    public boolean hasVideo() {
        return isSuccess() && videoUrl != null;
    }

    /** A status outside the documented set: kept polling, but worth a log line. */
    public boolean isUnrecognised() {
        return !isSuccess() && !isFailure() && !WAITING.contains(status);
    }

    /** Why a SUCCESS cannot be downloaded, for the failure record. */
    public String missingVideoReason() {
        return urlProblem != null ? urlProblem : "no video URL in the SUCCESS answer";
    }

    /** Why the API says the task failed, for the failure record. */
    public String failureReason() {
        return failReason.isBlank() ? "the API reported FAILURE without a reason" : failReason;
    }
}
