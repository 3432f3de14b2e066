package io.github.jimengfetcher.task;

/**
 * Why a task ends without a video, as direct:fail-task takes it (variable {@code failure}).
 *
 * @param failureClass the record's reason_class
 * @param reason       the record's reason, in the gateway's words where it gave any
 * @param lastAnswer   the last API answer in hand, or null to use the one the task kept
 */
public record TaskFailure(FailureClass failureClass, String reason, String lastAnswer) {
}
