package io.github.jimengfetcher;

import java.util.List;
import java.util.Optional;

/**
 * The durable list of unfinished tasks and when each is next due. The routes
 * drive it; a shared database can replace the local implementation when several
 * instances share the work.
 *
 * A claimed task belongs to one exchange until that exchange reschedules or finishes it.
 */
public interface TaskStore {

    /** Registers new ids durably; ids pending already or finished already are counted, not registered again. */
    Registration register(List<String> ids);

    record Registration(int registered, int alreadyPending, int alreadyFinished) {
        public int duplicates() {
            return alreadyPending + alreadyFinished;
        }
    }

    /**
     * Claims up to the free fetch capacity of tasks whose fetch is due, earliest first. When tasks are
     * due but every slot is taken, waits (at most one scheduler tick) for a fetch to end; empty when
     * nothing is due, fetches are paused, or no slot freed up in time.
     */
    List<String> claimDueFetches() throws InterruptedException;

    /**
     * Claims up to the free download capacity of tasks whose download is due: downloads that found
     * no free slot when their task succeeded, retries, and downloads cut off by a restart. Waits
     * like {@link #claimDueFetches()}.
     */
    List<String> claimDueDownloads() throws InterruptedException;

    Optional<Task> find(String id);

    /** Records a readable answer; true when status or progress changed since the last one. */
    boolean recordAnswer(String id, FetchAnswer answer);

    boolean isPastDeadline(String id);

    void scheduleNextFetch(String id);

    /**
     * A passing fault (network, 5xx, unreadable answer, full disk): the task keeps its phase
     * and waits an exponential, capped, jittered backoff.
     */
    void retryLater(String id, String reason);

    /** Nobody fetches before the given delay: the API asked us to slow down, or refused the key. */
    void pauseFetches(long delayMillis, String id, String reason);

    /** Counts a task_not_exist answer; true once it has been confirmed and the task should fail. */
    boolean notFoundConfirmed(String id);

    /**
     * Counts an answer in which the API refused this task (HTTP 403, or an error naming no task
     * status) and keeps the reason as its last error; a readable answer resets the count.
     *
     * @return the refusals in a row so far, this one included
     */
    int refusedAnswer(String id, String reason);

    /**
     * Moves the task to its download, with the SUCCESS answer and its video URL.
     *
     * @return true when the caller's claim now covers the download and the caller should hand it on;
     *         false when every download slot is taken and the task waits, due, to be claimed
     */
    boolean startDownload(String id, FetchAnswer answer);

    /** The video URL was refused or served no video: fetch a fresh URL. False when the refreshes are used up. */
    boolean refreshVideoUrl(String id, String reason);

    /** A download fault: retry later. False when the attempts are used up. */
    boolean retryDownloadLater(String id, String reason);

    /** The task is done (its result or failure record is written) and leaves the store. */
    void finish(String id);

    /** Copies of all unfinished tasks, for status pages. */
    List<Task> pendingTasks();

    int pendingCount();
}
