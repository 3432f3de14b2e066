package io.github.jimengfetcher;

/**
 * Why a task ends without a video, as direct:fail-task takes it (variable {@code failure}).
 *
 * @param failureClass the record's reason_class
 * @param reason       the record's reason, in the gateway's words where it gave any
 * @param lastAnswer   the last API answer in hand, or null to use the one the task kept
 */
public record TaskFailure(FailureClass failureClass, String reason, String lastAnswer) {

    /** HTTP 403 for this task, the third time in a row while the API answered other tasks (see ApiHealth#forbidden). */
    public static TaskFailure forbidden(String refusedFor, String lastAnswer) {
        return new TaskFailure(FailureClass.FORBIDDEN,
                refusedFor + " (" + ApiHealth.REFUSALS_TO_FAIL + " times in a row, while the API answered other tasks)", lastAnswer);
    }

    /** The third error answer naming no status in a row (see ApiHealth#errorAnswer). */
    public static TaskFailure errorAnswers(FetchAnswerReader.ErrorAnswerException errorAnswer) {
        return new TaskFailure(FailureClass.API_FAILURE,
                errorAnswer.describe() + " (" + ApiHealth.REFUSALS_TO_FAIL + " answers in a row)", errorAnswer.getRaw());
    }

    /** task_not_exist, confirmed by a second fetch. */
    public static TaskFailure notFound(String lastAnswer) {
        return new TaskFailure(FailureClass.NOT_FOUND, "task not found (the API answered task_not_exist)", lastAnswer);
    }
}
