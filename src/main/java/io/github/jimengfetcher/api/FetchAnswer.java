package io.github.jimengfetcher.api;

import io.github.jimengfetcher.task.FailureClass;

/**
 * One answer of GET /jimeng/fetch/{task_id}, reduced to what the routes decide on.
 *
 * @param status     the task status word in upper case, as the API wrote it; UNKNOWN when the answer names none
 * @param family     what the status word means (the route's choice branches on it)
 * @param progress   e.g. "45%", empty when not given
 * @param failReason the API's fail_reason, empty when not given
 * @param message    the gateway's error message when the answer carries an error, else empty
 * @param videoUrl   the video URL as it goes on the wire (see {@link VideoUrls}), or null when the answer has none
 * @param urlProblem why a URL found in the answer cannot be followed, or null
 * @param raw        the answer as received, for the result and failure records
 * @param kind       what kind of task it is, for learning how long such tasks take: the answer's action
 *                   (e.g. jimeng-videos), with its model where it names one ("action/model"); null when it names neither
 * @param submittedAt when the gateway says the task was submitted (epoch ms), or null when it does not say
 * @param finishedAt  when the gateway says the task finished (epoch ms), or null when it does not say
 * @param labels      the kind and the model apart, as the answer names them, for the video's name
 */
public record FetchAnswer(String status, StatusFamily family, String progress, String failReason, String message,
                          String videoUrl, String urlProblem, String raw, String kind, Long submittedAt, Long finishedAt,
                          TaskLabels labels) {

    /** An answer that names no kind and no times. */
    public FetchAnswer(String status, StatusFamily family, String progress, String failReason, String message,
                       String videoUrl, String urlProblem, String raw) {
        this(status, family, progress, failReason, message, videoUrl, urlProblem, raw, null, null, null, TaskLabels.NONE);
    }

    /** What the answer says in a log line: the status word and the progress, e.g. "IN_PROGRESS 45%". */
    @Override
    public String toString() {
        return progress.isEmpty() ? status : status + " " + progress;
    }

    public boolean isSuccess() {
        return family == StatusFamily.SUCCEEDED;
    }

    /** A success whose video can be fetched. */
    public boolean hasVideo() {
        return isSuccess() && videoUrl != null;
    }

    /** The API says the task ended without a video: failed, expired, cancelled or not found. */
    public boolean endsWithoutVideo() {
        return family.endsWithoutVideo();
    }

    /** The failure record's reason_class when {@link #endsWithoutVideo()}. */
    public FailureClass failureClass() {
        return family.failureClass();
    }

    /** Why a success cannot be downloaded, for the failure record. */
    public String missingVideoReason() {
        return urlProblem != null ? urlProblem : "no video URL in the " + status + " answer";
    }

    /** Why the API says the task ended, in the gateway's own words where it gave any, for the failure record. */
    public String failureReason() {
        String words = !failReason.isBlank() ? failReason : message;
        return switch (family) {
            case EXPIRED -> "the API reports the task expired (" + status + ")" + (words.isBlank() ? "" : ": " + words);
            case CANCELLED -> "the API reports the task cancelled (" + status + ")" + (words.isBlank() ? "" : ": " + words);
            case NOT_FOUND -> "task not found (the API answered " + status + ")" + (words.isBlank() ? "" : ": " + words);
            default -> words.isBlank() ? "the API reported " + status + " without a reason" : words;
        };
    }
}
