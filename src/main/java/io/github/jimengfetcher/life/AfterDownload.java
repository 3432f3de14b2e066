package io.github.jimengfetcher.life;

import org.apache.camel.Variable;

import io.github.jimengfetcher.download.DownloadResult;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.TaskFailure;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * What a download attempt leads to. Deciding is an action here: a fresh URL or a retry is
 * booked for the leased task as it is decided (false when the refreshes or attempts are used up).
 */
public class AfterDownload {

    private final TaskLife tasks;
    private final TaskPolicy policy;

    public AfterDownload(TaskLife tasks, TaskPolicy policy) {
        this.tasks = tasks;
        this.policy = policy;
    }

    public DownloadDecision decide(@Variable("lease") Lease lease, @Variable("download") DownloadResult download) {
        return switch (download.outcome()) {
            case COMPLETE -> DownloadDecision.PUBLISH;
            // An expired signed URL or an error page: a fresh fetch of the task yields a fresh URL.
            case URL_REFUSED, NOT_VIDEO -> tasks.refreshVideoUrl(lease, download.detail()) ? DownloadDecision.REFRESH_URL : DownloadDecision.FAIL;
            case TOO_LARGE -> DownloadDecision.FAIL;
            case RETRY -> tasks.retryDownloadLater(lease, download.detail()) ? DownloadDecision.RETRY_LATER : DownloadDecision.FAIL;
            // Not the download's fault: handed back due at once, for whoever claims it next.
            case STOPPED -> {
                tasks.resumeDownloadLater(lease);
                yield DownloadDecision.HANDED_BACK;
            }
        };
    }

    /** Why the task fails, when {@link #decide} said {@link DownloadDecision#FAIL}. */
    public TaskFailure failure(@Variable("download") DownloadResult download) {
        String detail = download.detail();
        return switch (download.outcome()) {
            case URL_REFUSED, NOT_VIDEO -> new TaskFailure(FailureClass.VIDEO_UNAVAILABLE,
                    "video could not be downloaded, even with fresh URLs: " + detail, null);
            case TOO_LARGE -> new TaskFailure(FailureClass.TOO_LARGE, detail, null);
            case RETRY -> new TaskFailure(FailureClass.DOWNLOAD_FAILED, "download failed " + policy.maxDownloadAttempts() + " times, last: " + detail, null);
            case COMPLETE, STOPPED -> throw new IllegalArgumentException("a " + download.outcome() + " download is no failure");
        };
    }
}
