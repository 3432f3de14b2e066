package io.github.jimengfetcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local task store, the embedded default: unfinished tasks in memory, every change in the
 * journal under jimeng.work ({@link TaskJournal}), the rules of a task's life from {@link TaskPolicy}.
 *
 * Registrations are forced to disk before they return; everything else is written to the
 * operating system at once (safe from a killed process) and forced with the next sync. A finish
 * needs no sync of its own: the task's result or failure record, written before it, is what
 * makes a task finished, and a start drops every task that has one.
 *
 * Due tasks are kept in time order, so a poll cycle touches only the tasks that are due.
 */
public class JournalTaskStore implements TaskStore {

    private static final Logger LOG = LoggerFactory.getLogger(JournalTaskStore.class);

    private Path folder;
    private OutputFolders outputs;
    private TaskPolicy policy;
    private int maxConcurrentFetches;
    private int maxConcurrentDownloads;
    private long claimWait;

    private final Map<String, Task> tasks = new HashMap<>();
    private DueTasks due;
    private long fetchesPausedUntil;

    private final ActiveClock clock = new ActiveClock();
    private TaskJournal journal;

    public void setFolder(String folder) {
        this.folder = Path.of(folder);
    }

    public void setOutputs(OutputFolders outputs) {
        this.outputs = outputs;
    }

    public void setPolicy(TaskPolicy policy) {
        this.policy = policy;
    }

    public void setMaxConcurrentFetches(int max) {
        this.maxConcurrentFetches = max;
    }

    public void setMaxConcurrentDownloads(int max) {
        this.maxConcurrentDownloads = max;
    }

    /** How long a claim may wait for a fetch slot to free up: the scheduler tick. */
    public void setClaimWait(String wait) {
        this.claimWait = TimeUtils.toMilliSeconds(wait);
    }

    // ---- life cycle ----

    public synchronized void start() throws IOException {
        due = new DueTasks(maxConcurrentFetches, maxConcurrentDownloads);
        journal = new TaskJournal(folder, clock, tasks::values);
        tasks.putAll(journal.read());
        int alreadyDone = 0;
        for (Task task : new ArrayList<>(tasks.values())) {
            boolean done = task.timedOutAt != null ? outputs != null && outputs.hasResult(task.id)
                    : outputs != null && outputs.isFinished(task.id);
            if (done) {
                tasks.remove(task.id);
                alreadyDone++;
            }
        }
        long now = System.currentTimeMillis();
        clock.start(now);
        for (Task task : tasks.values()) {
            if (task.activeAt == null) {
                // written before the clock existed: counts from registration, as it did then
                task.activeAt = clock.reading(now) - Math.max(0, now - task.registeredAt);
            }
            makeSane(task, now);
        }
        tasks.values().forEach(this::index);
        journal.rewrite();
        LOG.info("Task store {}: {} unfinished tasks ({} journal entries read, {} quarantined, {} finished before the last stop)",
                folder.toAbsolutePath(), tasks.size(), journal.loaded, journal.quarantined, alreadyDone);
    }

    /**
     * A journal may have been edited by hand, or written by an older version: whatever a line says,
     * a task must be able to make progress. A shorter poll interval also applies at once, rather
     * than after the old schedule ran out.
     */
    private void makeSane(Task task, long now) {
        if (task.phase == Task.Phase.DOWNLOAD && (task.videoUrl == null || task.videoUrl.isBlank())) {
            task.phase = Task.Phase.FETCH; // no URL to download from: fetch the task for one
        }
        if (task.registeredAt <= 0 || task.registeredAt > now) {
            task.registeredAt = now;
        }
        task.activeAt = Math.min(task.activeAt, clock.reading(now));
        if (task.timedOutAt != null) {
            task.timedOutAt = Math.min(task.timedOutAt, now);
        }
        task.nextAt = Math.min(task.nextAt, policy.latestDueAt(task, now));
        task.fetches = Math.max(0, task.fetches);
        task.urlRefreshes = Math.max(0, task.urlRefreshes);
        task.downloadAttempts = Math.max(0, task.downloadAttempts);
        task.faultStreak = Math.max(0, task.faultStreak);
        task.notFoundAnswers = Math.max(0, task.notFoundAnswers);
    }

    public synchronized void stop() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }

    // ---- TaskStore ----

    @Override
    public synchronized Registration register(List<String> ids) {
        long now = System.currentTimeMillis();
        int pending = 0;
        int finished = 0;
        List<Task> added = new ArrayList<>();
        for (String id : ids) {
            TaskIds.require(id);
            if (tasks.containsKey(id)) {
                pending++;
            } else if (outputs != null && outputs.isFinished(id)) {
                finished++;
            } else {
                Task task = new Task(id, now);
                task.activeAt = clock.reading(now);
                tasks.put(id, task);
                journal.put(task);
                index(task);
                added.add(task);
            }
        }
        try {
            journal.sync();
        } catch (UncheckedIOException e) {
            // Not durable, so not registered: the inbox file stays and is read again.
            for (Task task : added) {
                tasks.remove(task.id);
                due.take(task);
            }
            throw e;
        }
        notifyAll();
        return new Registration(added.size(), pending, finished);
    }

    @Override
    public synchronized List<String> claimDueFetches() throws InterruptedException {
        return claimWhenRoom(true);
    }

    @Override
    public synchronized List<String> claimDueDownloads() throws InterruptedException {
        return claimWhenRoom(false);
    }

    /**
     * Claims due tasks up to the free capacity. When tasks are due but every slot is taken, waits
     * (at most one tick) for one to free up, woken the moment a fetch or download ends (see unclaim),
     * so a backlog drains at the full concurrency rather than one batch per tick. When the next task
     * comes due within the tick, waits for it, so it is handed out on time rather than up to a tick late.
     */
    private List<String> claimWhenRoom(boolean fetch) throws InterruptedException {
        journal.maintain();
        long deadline = System.currentTimeMillis() + claimWait;
        while (true) {
            long now = System.currentTimeMillis();
            long first = due.firstDueAt(fetch);
            if ((fetch && now < fetchesPausedUntil) || first < 0 || first > deadline) {
                return List.of();
            }
            if (first > now) {
                wait(first - now);
                continue;
            }
            int room = due.room(fetch);
            if (room > 0) {
                return due.claim(fetch, now, room);
            }
            if (now >= deadline) {
                return List.of();
            }
            wait(deadline - now);
        }
    }

    @Override
    public synchronized Optional<Task> find(String id) {
        return Optional.ofNullable(tasks.get(id)).map(Task::copy);
    }

    @Override
    public synchronized boolean recordAnswer(String id, FetchAnswer answer) {
        Task task = require(id);
        boolean changed = !answer.status().equals(task.status) || !answer.progress().equals(task.progress == null ? "" : task.progress);
        task.fetches++;
        // Timed from the answer: two fetches of a task are never closer than one interval, at the API too.
        task.lastFetchAt = System.currentTimeMillis();
        task.status = answer.status();
        task.progress = answer.progress();
        task.faultStreak = 0;
        task.refusedAnswers = 0;
        task.lastError = null;
        return changed;
    }

    @Override
    public synchronized boolean isPastDeadline(String id) {
        Task task = tasks.get(id);
        // A task already timed out and looked at again late has no deadline left to pass.
        return task != null && task.timedOutAt == null && policy.isPastDeadline(waitedMillis(id));
    }

    @Override
    public synchronized long waitedMillis(String id) {
        Task task = require(id);
        return clock.reading(System.currentTimeMillis()) - task.activeAt;
    }

    @Override
    public synchronized void outageBegan(String cause) {
        clock.outageBegan(cause, System.currentTimeMillis());
    }

    @Override
    public synchronized void outageEnded(String cause) {
        clock.outageEnded(cause, System.currentTimeMillis());
    }

    @Override
    public synchronized void scheduleNextFetch(String id) {
        Task task = take(id);
        task.nextAt = policy.nextFetchAt(task, System.currentTimeMillis());
        release(task);
    }

    @Override
    public synchronized void retryLater(String id, String reason) {
        if (!tasks.containsKey(id)) {
            return; // finished meanwhile: nothing to retry
        }
        Task task = take(id);
        task.faultStreak++;
        task.lastError = reason;
        task.nextAt = policy.retryAt(task.faultStreak, System.currentTimeMillis());
        release(task);
    }

    @Override
    public synchronized void pauseFetches(long delayMillis, String id, String reason) {
        long until = System.currentTimeMillis() + delayMillis;
        fetchesPausedUntil = Math.max(fetchesPausedUntil, until);
        if (!tasks.containsKey(id)) {
            return;
        }
        // The pause is this process's: the task itself stays due, so a restart (e.g. with a
        // corrected key) fetches at once.
        Task task = take(id);
        task.lastError = reason;
        task.nextAt = Math.min(task.nextAt, System.currentTimeMillis());
        release(task);
    }

    @Override
    public synchronized long fetchesPausedUntil() {
        return fetchesPausedUntil;
    }

    @Override
    public synchronized boolean notFoundConfirmed(String id) {
        Task task = require(id);
        task.notFoundAnswers++;
        task.fetches++;
        task.lastFetchAt = System.currentTimeMillis();
        return policy.isNotFoundConfirmed(task.notFoundAnswers);
    }

    @Override
    public synchronized int refusedAnswer(String id, String reason) {
        Task task = require(id);
        task.refusedAnswers++;
        task.fetches++;
        task.lastFetchAt = System.currentTimeMillis();
        task.lastError = reason;
        return task.refusedAnswers;
    }

    @Override
    public synchronized boolean startDownload(String id, FetchAnswer answer) {
        Task task = take(id);
        task.phase = Task.Phase.DOWNLOAD;
        task.videoUrl = answer.videoUrl();
        task.answer = answer.raw();
        task.nextAt = System.currentTimeMillis();
        // Straight on to its download while there is room; else it waits, due, for a free slot.
        boolean handOff = due.moveToDownload(id);
        notifyAll();
        index(task);
        journal.put(task);
        journal.flush();
        return handOff;
    }

    @Override
    public synchronized boolean refreshVideoUrl(String id, String reason) {
        Task task = take(id);
        task.lastError = reason;
        if (!policy.mayRefreshUrl(task.urlRefreshes)) {
            return false;
        }
        task.urlRefreshes++;
        // The download slot is given back while the task is still in its download phase.
        unclaim(task);
        task.phase = Task.Phase.FETCH;
        task.videoUrl = null;
        task.answer = null;
        task.nextAt = System.currentTimeMillis();
        release(task);
        return true;
    }

    @Override
    public synchronized boolean retryDownloadLater(String id, String reason) {
        Task task = take(id);
        task.lastError = reason;
        task.downloadAttempts++;
        if (!policy.mayRetryDownload(task.downloadAttempts)) {
            return false;
        }
        task.nextAt = policy.retryAt(task.downloadAttempts, System.currentTimeMillis());
        release(task);
        return true;
    }

    @Override
    public synchronized void finish(String id) {
        Task task = tasks.remove(id);
        if (task == null) {
            return;
        }
        unclaim(task);
        due.take(task);
        journal.remove(id);
        journal.flush();
    }

    @Override
    public synchronized void finishFailed(String id, FailureClass failureClass) {
        Task task = tasks.get(id);
        if (task == null) {
            return;
        }
        if (!policy.rechecksAfter(failureClass) || task.timedOutAt != null) {
            finish(id);
            return;
        }
        take(id);
        task.timedOutAt = System.currentTimeMillis();
        task.rechecks = 0;
        task.nextAt = policy.recheckAt(task, 0);
        release(task);
    }

    @Override
    public synchronized boolean isRechecking(String id) {
        Task task = tasks.get(id);
        return task != null && task.timedOutAt != null;
    }

    @Override
    public synchronized void recheckLater(String id) {
        Task task = tasks.get(id);
        if (task == null) {
            return;
        }
        task.rechecks++;
        long next = policy.recheckAt(task, task.rechecks);
        if (next < 0) {
            LOG.info("{} still has no video {} after it timed out: no more late fetches, its failure record stands", id,
                    TimeUtils.printDuration(System.currentTimeMillis() - task.timedOutAt, false));
            finish(id);
            return;
        }
        take(id);
        task.nextAt = Math.max(System.currentTimeMillis(), next);
        release(task);
    }

    @Override
    public synchronized List<Task> pendingTasks() {
        return tasks.values().stream().map(Task::copy).toList();
    }

    @Override
    public synchronized int pendingCount() {
        return tasks.size();
    }

    // ---- internals ----

    private Task require(String id) {
        Task task = tasks.get(id);
        if (task == null) {
            throw new IllegalStateException("task " + id + " is not pending");
        }
        return task;
    }

    /** The task, out of the due index: its place there is keyed by nextAt, which the caller is about to change. */
    private Task take(String id) {
        Task task = require(id);
        due.take(task);
        return task;
    }

    /** Back in the due index first: what happens to the journal never keeps a task from its next turn. */
    private void release(Task task) {
        unclaim(task);
        index(task);
        journal.put(task);
        journal.flush();
    }

    private void unclaim(Task task) {
        if (due.release(task)) {
            notifyAll();
        }
    }

    private void index(Task task) {
        due.index(task);
    }
}
