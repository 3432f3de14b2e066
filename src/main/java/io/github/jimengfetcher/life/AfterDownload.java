package io.github.jimengfetcher.life;

import org.apache.camel.Variable;

import io.github.jimengfetcher.download.DownloadResult;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskFailure;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * What a download attempt leads to, the storage host's faults included: reads the leased task
 * (the URL refreshes and attempts it has used), changes nothing; download.yaml acts on the decision.
 */
public class AfterDownload {

    private final TaskPolicy policy;

    public AfterDownload(TaskPolicy policy) {
        this.policy = policy;
    }

    public DownloadDecision decide(@Variable("lease") Lease lease, @Variable("download") DownloadResult download) {
        Task task = lease.task();
        return switch (download.outcome()) {
            case COMPLETE -> DownloadDecision.PUBLISH;
            // An expired signed URL or an error page: a fresh fetch of the task yields a fresh URL.
            case URL_REFUSED, NOT_VIDEO -> policy.mayRefreshUrl(task.urlRefreshes) ? DownloadDecision.REFRESH_URL : DownloadDecision.FAIL;
            case TOO_LARGE -> DownloadDecision.FAIL;
            case RETRY -> policy.mayRetryDownload(task.downloadAttempts + 1) ? DownloadDecision.RETRY_LATER : DownloadDecision.FAIL;
            // Not the download's fault: handed back due at once, for whoever claims it next.
            case STOPPED -> DownloadDecision.HANDED_BACK;
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
