package io.github.jimengfetcher.life;

import org.apache.camel.Variable;

import io.github.jimengfetcher.api.FetchAnswer;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskFailure;

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
        return new TaskFailure(FailureClass.TIMED_OUT, timedOutReason(lease.task(), tasks.waitedMillis(lease)), answer.raw());
    }

    /** "timed out after 2h0m0s waiting for a final status, outages not counted (last status IN_PROGRESS 40%)" */
    static String timedOutReason(Task task, long waited) {
        return "timed out after " + org.apache.camel.util.TimeUtils.printDuration(waited, false)
                + " waiting for a final status, outages not counted (last status " + task.status + (task.progress == null || task.progress.isEmpty() ? "" : " " + task.progress) + ")";
    }
}
