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

    /** The signed video URL a downloading task was given with its SUCCESS answer. */
    default String videoUrl(String id) {
        return find(id).orElseThrow(() -> new IllegalStateException("task " + id + " is not pending")).videoUrl;
    }

    /** Records a readable answer; true when status or progress changed since the last one. */
    boolean recordAnswer(String id, FetchAnswer answer);

    /**
     * Has the task waited longer than the task timeout for a final status (outages not counted)?
     * False for a task that is not pending, or that timed out already and is looked at again late.
     */
    boolean isPastDeadline(String id);

    /** How long the task has waited for a final status, not counting outages (see {@link #outageBegan}). */
    long waitedMillis(String id);

    /**
     * No answer can be had now (the API refuses the key, cannot be reached or rate-limits us; this
     * machine cannot write): the task timeout does not count on until every outage has ended.
     */
    void outageBegan(String cause);

    void outageEnded(String cause);

    void scheduleNextFetch(String id);

    /**
     * A passing fault (network, 5xx, unreadable answer, full disk): the task keeps its phase
     * and waits an exponential, capped, jittered backoff.
     */
    void retryLater(String id, String reason);

    /** Nobody fetches before the given delay: the API asked us to slow down, or refused the key. */
    void pauseFetches(long delayMillis, String id, String reason);

    /** Until when {@link #pauseFetches} holds every fetch (epoch millis; in the past when it does not). */
    long fetchesPausedUntil();

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

    /**
     * The task's failure record is written. It leaves the store, except a task that timed out: that one
     * stays to be fetched again at the jimeng.timeout-recheck times after its failure, in case it
     * succeeds late (a video the user paid for).
     */
    void finishFailed(String id, FailureClass failureClass);

    /** Is the task a timed-out one, fetched again in case it succeeded late? */
    boolean isRechecking(String id);

    /** A late fetch found no video: the next one at its time, or the task leaves the store after the last. */
    void recheckLater(String id);

    /** Copies of all unfinished tasks, for status pages. */
    List<Task> pendingTasks();

    int pendingCount();
}
