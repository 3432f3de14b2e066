package io.github.jimengfetcher.life;

import org.apache.camel.Variable;

import io.github.jimengfetcher.api.FetchAnswer;
import io.github.jimengfetcher.api.FetchAnswerReader;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskFailure;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * What a readable answer leads to. Reads the leased task, changes nothing: the route acts on the decision.
 */
public class AfterAnswer {

    private TaskLife tasks;

    public void setTasks(TaskLife tasks) {
        this.tasks = tasks;
    }

    public AnswerDecision decide(@Variable("lease") Lease lease, @Variable("answer") FetchAnswer answer) {
        if (answer.hasVideo()) {
            return AnswerDecision.DOWNLOAD;
        }
        // A late fetch after a timeout: its failure record stands, whatever this answer says.
        if (tasks.isRechecking(lease)) {
            return AnswerDecision.RECHECK_LATER;
        }
        if (answer.isSuccess() || answer.endsWithoutVideo() || tasks.isPastDeadline(lease)) {
            return AnswerDecision.FAIL;
        }
        return AnswerDecision.FETCH_AGAIN;
    }

    /** Why the task fails, when {@link #decide} said {@link AnswerDecision#FAIL}. */
    public TaskFailure failure(@Variable("lease") Lease lease, @Variable("answer") FetchAnswer answer) {
        if (answer.isSuccess()) {
            return new TaskFailure(FailureClass.NO_VIDEO_URL, answer.missingVideoReason(), answer.raw());
        }
        if (answer.endsWithoutVideo()) {
            return new TaskFailure(answer.failureClass(), answer.failureReason(), answer.raw());
        }
        return new TaskFailure(FailureClass.TIMED_OUT, timedOutReason(lease), answer.raw());
    }

    /** HTTP 403 for this task, the third time while the API answered other tasks (ApiHealth decides). */
    public TaskFailure forbidden(String refusedFor, String lastAnswer) {
        return new TaskFailure(FailureClass.FORBIDDEN,
                refusedFor + " (" + TaskPolicy.REFUSALS_TO_FAIL + " times in a row, while the API answered other tasks)", lastAnswer);
    }

    /** task_not_exist, confirmed. */
    public TaskFailure notFound(String lastAnswer) {
        return new TaskFailure(FailureClass.NOT_FOUND, "task not found (the API answered task_not_exist)", lastAnswer);
    }

    /** An error naming no status, the third time in a row. */
    public TaskFailure errorAnswers(FetchAnswerReader.ErrorAnswerException last) {
        return new TaskFailure(FailureClass.API_FAILURE,
                last.describe() + " (" + TaskPolicy.REFUSALS_TO_FAIL + " answers in a row)", last.getRaw());
    }

    /**
     * A task whose fetches keep failing (an answer this task alone cannot use, a bug) while answers
     * could be had: its deadline applies all the same.
     */
    public TaskFailure timedOut(Lease lease) {
        return new TaskFailure(FailureClass.TIMED_OUT, timedOutReason(lease), null);
    }

    /** "timed out after 2h0m0s waiting for a final status, outages not counted (last status IN_PROGRESS 40%)" */
    String timedOutReason(Lease lease) {
        Task task = lease.task();
        long waited = tasks.waitedMillis(lease);
        return "timed out after " + org.apache.camel.util.TimeUtils.printDuration(waited, false)
                + " waiting for a final status, outages not counted (last status " + task.status + (task.progress == null || task.progress.isEmpty() ? "" : " " + task.progress) + ")";
    }
}
