package io.github.jimengfetcher;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local task store: an append-only journal under jimeng.work, one JSON line
 * per change, replayed at start and compacted (write-then-rename) as it grows.
 *
 * A crash can only cut the last line short; a line that cannot be read is
 * reported and copied to work/quarantine/, never a reason to stop. Registrations
 * are forced to disk before they return; everything else is written to the operating
 * system at once (safe from a killed process) and forced with the next sync. A finish
 * needs no sync of its own: the task's result or failure record, written before it,
 * is what makes a task finished, and a start drops every task that has one.
 *
 * Due tasks are kept in time order, so a poll cycle touches only the tasks that are due.
 */
public class JournalTaskStore implements TaskStore {

    private static final Logger LOG = LoggerFactory.getLogger(JournalTaskStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Comparator<Task> BY_DUE_TIME = Comparator.<Task>comparingLong(t -> t.nextAt).thenComparing(t -> t.id);

    private Path folder = Path.of("data/work");
    private OutputFolders outputs;
    private long pollInterval = 10_000;
    private long taskTimeout = 2 * 3600_000;
    private long retryInitialDelay = 2_000;
    private long retryMaxDelay = 300_000;
    private int maxConcurrentFetches = 16;
    private int maxConcurrentDownloads = 4;
    private int maxUrlRefreshes = 3;
    private int maxDownloadAttempts = 5;
    private long claimWait = 200;
    private List<Long> timeoutRechecks = List.of();

    private final Map<String, Task> tasks = new HashMap<>();
    private final TreeSet<Task> dueFetches = new TreeSet<>(BY_DUE_TIME);
    private final TreeSet<Task> dueDownloads = new TreeSet<>(BY_DUE_TIME);
    private final Set<String> claimed = new HashSet<>();
    private int claimedFetches;
    private int claimedDownloads;
    private long fetchesPausedUntil;

    private FileOutputStream journalFile;
    private BufferedWriter journal;
    private long journalLines;
    /** The last journal write failed (a full disk): the file lags behind memory until it is rewritten whole. */
    private boolean journalFailing;
    private long lastRepairAttempt;
    /** The identity of the journal file this store appends to, and when it was last checked. */
    private Object journalKey;
    private long lastPlaceCheck;

    /**
     * The task timeout counts only time in which an answer could be had: this clock stops while the
     * API cannot be asked (key refused, unreachable, rate limited) or this machine cannot write, and
     * while the app is not running. It is kept in the journal, so it survives a restart.
     */
    private long activeBase;
    private long activeSince = -1;
    private final Set<String> outages = new HashSet<>();
    private long clockWrittenAt;

    public void setFolder(String folder) {
        this.folder = Path.of(folder);
    }

    public void setOutputs(OutputFolders outputs) {
        this.outputs = outputs;
    }

    public void setPollInterval(String interval) {
        this.pollInterval = TimeUtils.toMilliSeconds(interval);
    }

    public void setTaskTimeout(String timeout) {
        this.taskTimeout = TimeUtils.toMilliSeconds(timeout);
    }

    public void setRetryInitialDelay(String delay) {
        this.retryInitialDelay = TimeUtils.toMilliSeconds(delay);
    }

    public void setRetryMaxDelay(String delay) {
        this.retryMaxDelay = TimeUtils.toMilliSeconds(delay);
    }

    public void setMaxConcurrentFetches(int max) {
        this.maxConcurrentFetches = max;
    }

    public void setMaxConcurrentDownloads(int max) {
        this.maxConcurrentDownloads = max;
    }

    public void setMaxUrlRefreshes(int max) {
        this.maxUrlRefreshes = max;
    }

    public void setMaxDownloadAttempts(int max) {
        this.maxDownloadAttempts = max;
    }

    /** Comma-separated durations after a timeout at which the task is fetched again; empty for none. */
    public void setTimeoutRechecks(String rechecks) {
        List<Long> times = new ArrayList<>();
        for (String time : rechecks == null ? new String[0] : rechecks.split(",")) {
            if (!time.isBlank()) {
                times.add(TimeUtils.toMilliSeconds(time.strip()));
            }
        }
        times.sort(null);
        this.timeoutRechecks = List.copyOf(times);
    }

    /** How long a claim may wait for a fetch slot to free up: the scheduler tick. */
    public void setClaimWait(String wait) {
        this.claimWait = TimeUtils.toMilliSeconds(wait);
    }

    // ---- life cycle ----

    public synchronized void start() throws IOException {
        Files.createDirectories(folder);
        Path journalPath = journalPath();
        int loaded = 0;
        int quarantined = 0;
        if (Files.exists(journalPath)) {
            // Bytes that are not UTF-8 (a hand edit) become U+FFFD, and a line longer than any entry
            // can be is quarantined unread: a damaged journal never stops the start.
            try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(journalPath), StandardCharsets.UTF_8))) {
                String line;
                int number = 0;
                while ((line = readLine(in)) != null) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    if (line == TOO_LONG) {
                        quarantined++;
                        quarantine("(not kept)", "journal line " + number + " is longer than " + (MAX_LINE >> 20) + " MB");
                        continue;
                    }
                    try {
                        replay(line);
                        loaded++;
                    } catch (RuntimeException | IOException e) {
                        quarantined++;
                        quarantine(line, "journal line " + number + ": " + e.getMessage());
                    }
                }
            }
        }
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
        activeSince = now;
        for (Task task : tasks.values()) {
            if (task.activeAt == null) {
                // written before the clock existed: counts from registration, as it did then
                task.activeAt = activeBase - Math.max(0, now - task.registeredAt);
            }
            makeSane(task, now);
        }
        tasks.values().forEach(this::index);
        compact();
        LOG.info("Task store {}: {} unfinished tasks ({} journal entries read, {} quarantined, {} finished before the last stop)",
                folder.toAbsolutePath(), tasks.size(), loaded, quarantined, alreadyDone);
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
        task.activeAt = Math.min(task.activeAt, activeNow(now));
        long latest;
        if (task.timedOutAt != null && task.rechecks >= 0 && task.rechecks < timeoutRechecks.size()) {
            task.timedOutAt = Math.min(task.timedOutAt, now);
            latest = task.timedOutAt + timeoutRechecks.get(task.rechecks);
        } else {
            latest = now + (task.phase == Task.Phase.FETCH ? pollInterval : retryMaxDelay);
        }
        task.nextAt = Math.min(task.nextAt, Math.max(latest, now));
        task.fetches = Math.max(0, task.fetches);
        task.urlRefreshes = Math.max(0, task.urlRefreshes);
        task.downloadAttempts = Math.max(0, task.downloadAttempts);
        task.faultStreak = Math.max(0, task.faultStreak);
        task.notFoundAnswers = Math.max(0, task.notFoundAnswers);
    }

    public synchronized void stop() throws IOException {
        if (journal != null && !journalFailing) {
            appendClock();
            journal.flush();
            journalFile.getFD().sync();
            journal.close();
            journal = null;
        }
    }

    /** Longer than any entry the store writes (answers are at most jimeng.api.max-answer-size). */
    private static final int MAX_LINE = 32 << 20;
    private static final String TOO_LONG = new String("(too long)");

    /** A line without its end, TOO_LONG for one past MAX_LINE (skipped to its end), null at the end of the file. */
    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.length() < MAX_LINE) {
                line.append((char) c);
            } else {
                tooLong = true;
            }
        }
        if (c < 0 && line.length() == 0 && !tooLong) {
            return null;
        }
        return tooLong ? TOO_LONG : line.toString().replace("\r", "");
    }

    private void replay(String line) throws IOException {
        JsonNode entry = JSON.readTree(line);
        String op = entry.path("op").asText();
        if (op.equals("put")) {
            Task task = JSON.treeToValue(entry.path("task"), Task.class);
            TaskIds.require(task.id);
            if (task.phase == null) {
                throw new IllegalArgumentException("task has no phase");
            }
            tasks.put(task.id, task);
        } else if (op.equals("clock")) {
            activeBase = Math.max(activeBase, entry.path("active").asLong());
        } else if (op.equals("remove")) {
            tasks.remove(TaskIds.require(entry.path("id").asText()));
        } else {
            throw new IllegalArgumentException("unknown journal entry '" + op + "'");
        }
    }

    private void quarantine(String line, String why) throws IOException {
        LOG.warn("Task store: unreadable entry quarantined ({}); copied to {}", why, folder.resolve("quarantine"));
        Path dir = Files.createDirectories(folder.resolve("quarantine"));
        ObjectNode record = JSON.createObjectNode();
        record.put("quarantined_at", Instant.now().toString());
        record.put("reason", why);
        record.put("entry", line);
        Files.writeString(dir.resolve("journal-entries.jsonl"), JSON.writeValueAsString(record) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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
                task.activeAt = activeNow(now);
                tasks.put(id, task);
                write(task);
                index(task);
                added.add(task);
            }
        }
        try {
            sync();
        } catch (UncheckedIOException e) {
            // Not durable, so not registered: the inbox file stays and is read again.
            for (Task task : added) {
                tasks.remove(task.id);
                dueFetches.remove(task);
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
        repairJournal();
        TreeSet<Task> due = fetch ? dueFetches : dueDownloads;
        long deadline = System.currentTimeMillis() + claimWait;
        while (true) {
            long now = System.currentTimeMillis();
            if ((fetch && now < fetchesPausedUntil) || due.isEmpty() || due.first().nextAt > deadline) {
                return List.of();
            }
            if (due.first().nextAt > now) {
                wait(due.first().nextAt - now);
                continue;
            }
            // Fetches: twice the concurrency in flight keeps every fetch thread busy without queueing the
            // whole backlog. Downloads hold no thread while they run: a claim is a download in flight.
            int room = fetch ? 2 * maxConcurrentFetches - claimedFetches : maxConcurrentDownloads - claimedDownloads;
            if (room > 0) {
                return claim(due, now, room, fetch);
            }
            if (now >= deadline) {
                return List.of();
            }
            wait(deadline - now);
        }
    }

    private List<String> claim(TreeSet<Task> due, long now, int room, boolean fetch) {
        List<String> ids = new ArrayList<>();
        while (ids.size() < room && !due.isEmpty() && due.first().nextAt <= now) {
            Task task = due.pollFirst();
            claimed.add(task.id);
            ids.add(task.id);
        }
        if (fetch) {
            claimedFetches += ids.size();
        } else {
            claimedDownloads += ids.size();
        }
        return ids;
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
        return waitedMillis(id) > taskTimeout;
    }

    @Override
    public synchronized long waitedMillis(String id) {
        Task task = require(id);
        return activeNow(System.currentTimeMillis()) - task.activeAt;
    }

    @Override
    public synchronized void outageBegan(String cause) {
        long now = System.currentTimeMillis();
        if (outages.add(cause) && outages.size() == 1) {
            activeBase = activeNow(now);
            activeSince = -1;
        }
    }

    @Override
    public synchronized void outageEnded(String cause) {
        if (outages.remove(cause) && outages.isEmpty()) {
            activeSince = System.currentTimeMillis();
        }
    }

    private long activeNow(long now) {
        return activeBase + (activeSince >= 0 ? Math.max(0, now - activeSince) : 0);
    }

    @Override
    public synchronized void scheduleNextFetch(String id) {
        Task task = take(id);
        task.nextAt = Math.max(task.lastFetchAt, System.currentTimeMillis() - pollInterval) + pollInterval;
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
        task.nextAt = System.currentTimeMillis() + backoff(task.faultStreak);
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
        return task.notFoundAnswers >= 2;
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
        boolean handOff = false;
        if (claimed.remove(id)) {
            claimedFetches--;
            notifyAll();
            // Straight on to its download while there is room; else it waits, due, for a free slot.
            if (claimedDownloads < maxConcurrentDownloads) {
                claimed.add(id);
                claimedDownloads++;
                handOff = true;
            }
        }
        index(task);
        write(task);
        flush();
        return handOff;
    }

    @Override
    public synchronized boolean refreshVideoUrl(String id, String reason) {
        Task task = take(id);
        task.lastError = reason;
        if (task.urlRefreshes >= maxUrlRefreshes) {
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
        if (task.downloadAttempts >= maxDownloadAttempts) {
            return false;
        }
        task.nextAt = System.currentTimeMillis() + backoff(task.downloadAttempts);
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
        dueFetches.remove(task);
        dueDownloads.remove(task);
        ObjectNode entry = JSON.createObjectNode();
        entry.put("op", "remove");
        entry.put("id", id);
        append(entry);
        flush();
    }

    @Override
    public synchronized void finishFailed(String id, FailureClass failureClass) {
        Task task = tasks.get(id);
        if (task == null) {
            return;
        }
        if (failureClass != FailureClass.TIMED_OUT || timeoutRechecks.isEmpty() || task.timedOutAt != null) {
            finish(id);
            return;
        }
        take(id);
        task.timedOutAt = System.currentTimeMillis();
        task.rechecks = 0;
        task.nextAt = task.timedOutAt + timeoutRechecks.get(0);
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
        if (task.rechecks >= timeoutRechecks.size()) {
            LOG.info("{} still has no video {} after it timed out: no more late fetches, its failure record stands", id,
                    TimeUtils.printDuration(System.currentTimeMillis() - task.timedOutAt, false));
            finish(id);
            return;
        }
        take(id);
        task.nextAt = Math.max(System.currentTimeMillis(), task.timedOutAt + timeoutRechecks.get(task.rechecks));
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
        dueFetches.remove(task);
        dueDownloads.remove(task);
        return task;
    }

    private long backoff(int streak) {
        long delay = retryInitialDelay << Math.min(Math.max(streak - 1, 0), 20);
        delay = Math.min(Math.max(delay, 0), retryMaxDelay);
        // Jitter spreads a crowd of retries so they do not arrive together.
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    /** Back in the due index first: what happens to the journal never keeps a task from its next turn. */
    private void release(Task task) {
        unclaim(task);
        index(task);
        write(task);
        flush();
    }

    private void unclaim(Task task) {
        if (claimed.remove(task.id)) {
            if (task.phase == Task.Phase.FETCH) {
                claimedFetches--;
            } else {
                claimedDownloads--;
            }
            notifyAll();
        }
    }

    private void index(Task task) {
        if (claimed.contains(task.id)) {
            return;
        }
        dueFetches.remove(task);
        dueDownloads.remove(task);
        (task.phase == Task.Phase.FETCH ? dueFetches : dueDownloads).add(task);
    }

    private Path journalPath() {
        return folder.resolve("tasks.journal");
    }

    private void write(Task task) {
        // The due index is ordered by nextAt: callers remove the task from it before changing nextAt.
        ObjectNode entry = JSON.createObjectNode();
        entry.put("op", "put");
        entry.set("task", JSON.valueToTree(task));
        append(entry);
    }

    /**
     * Appends a change. A failed write (a full disk) never fails the caller: memory holds the
     * truth while the app runs, and the journal is rewritten whole once writing works again.
     */
    private void append(ObjectNode entry) {
        if (journalFailing) {
            return; // the rewrite will hold this change
        }
        try {
            journal.write(JSON.writeValueAsString(entry));
            journal.write('\n');
            journalLines++;
            if (journalLines > Math.max(10_000, 4L * tasks.size())) {
                compact();
            }
        } catch (IOException e) {
            journalFailed(e);
        }
    }

    private void flush() {
        if (journalFailing) {
            return;
        }
        try {
            long now = System.currentTimeMillis();
            if (now - clockWrittenAt > 10_000) {
                appendClock();
            }
            journal.flush();
        } catch (IOException e) {
            journalFailed(e);
        }
    }

    /** Forces everything to disk; throws when it cannot, for the callers that need durability. */
    private void sync() {
        if (journalFailing) {
            repairJournal(0);
        }
        try {
            if (journalFailing) {
                throw new IOException("the journal cannot be written (see the error logged before)");
            }
            journal.flush();
            journalFile.getFD().sync();
        } catch (IOException e) {
            journalFailed(e);
            throw new UncheckedIOException("cannot write the task journal in " + folder.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private void appendClock() throws IOException {
        long now = System.currentTimeMillis();
        ObjectNode entry = JSON.createObjectNode();
        entry.put("op", "clock");
        entry.put("active", activeNow(now));
        journal.write(JSON.writeValueAsString(entry));
        journal.write('\n');
        journalLines++;
        clockWrittenAt = now;
    }

    private void journalFailed(IOException e) {
        if (!journalFailing) {
            LOG.error("Task store: cannot write the journal in {} ({}). Work goes on; the journal is rewritten as soon as "
                    + "writing works again (free some space?)", folder.toAbsolutePath(), e.getMessage());
            outageBegan("journal");
        }
        journalFailing = true;
        // What the writer still buffers may be half on disk already: drop it, the rewrite replaces the file.
        try {
            journalFile.close();
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
        journal = null;
    }

    private void repairJournal() {
        repairJournal(1_000);
        checkJournalIsInPlace();
    }

    /**
     * Someone removed the work folder or the journal while the app runs: what is appended would go to
     * a file no one can read again. Checked about once a second; the journal is then written anew.
     */
    private void checkJournalIsInPlace() {
        long now = System.currentTimeMillis();
        if (journalFailing || now - lastPlaceCheck < 1_000) {
            return;
        }
        lastPlaceCheck = now;
        Object key;
        try {
            key = Files.readAttributes(journalPath(), BasicFileAttributes.class).fileKey();
        } catch (IOException gone) {
            key = null;
        }
        if (key == null || !key.equals(journalKey)) {
            LOG.warn("Task store: the journal {} was removed or replaced while the app runs; it is written anew", journalPath().toAbsolutePath());
            try {
                compact();
            } catch (IOException e) {
                journalFailed(e);
            }
        }
    }

    /** Tries to rewrite a failing journal, at most once per interval. */
    private void repairJournal(long interval) {
        long now = System.currentTimeMillis();
        if (!journalFailing || now - lastRepairAttempt < interval) {
            return;
        }
        lastRepairAttempt = now;
        try {
            compact();
            journalFailing = false;
            outageEnded("journal");
            LOG.info("Task store: the journal in {} is written again", folder.toAbsolutePath());
        } catch (IOException e) {
            // still failing; tried again later
        }
    }

    /** A rename is durable only once its folder is: against a power cut right after a compaction. */
    private void syncFolder() {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException notOnThisSystem) {
            // some systems cannot open a folder for this; the rename itself is still atomic
        }
    }

    /** Rewrites the journal as one line per unfinished task, then swaps it in by rename. */
    private void compact() throws IOException {
        if (journal != null && !journalFailing) {
            journal.flush();
        }
        Files.createDirectories(folder);
        Path tmp = folder.resolve("tasks.journal.tmp");
        try (FileOutputStream out = new FileOutputStream(tmp.toFile());
             BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            ObjectNode clock = JSON.createObjectNode();
            clock.put("op", "clock");
            clock.put("active", activeNow(System.currentTimeMillis()));
            writer.write(JSON.writeValueAsString(clock));
            writer.write('\n');
            for (Task task : tasks.values()) {
                ObjectNode entry = JSON.createObjectNode();
                entry.put("op", "put");
                entry.set("task", JSON.valueToTree(task));
                writer.write(JSON.writeValueAsString(entry));
                writer.write('\n');
            }
            writer.flush();
            out.getFD().sync();
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, journalPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncFolder();
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException ignored) {
                // everything it held is in the new file
            }
        }
        journalFile = new FileOutputStream(journalPath().toFile(), true);
        journal = new BufferedWriter(new OutputStreamWriter(journalFile, StandardCharsets.UTF_8), 1 << 16);
        journalKey = Files.readAttributes(journalPath(), BasicFileAttributes.class).fileKey();
        journalLines = tasks.size() + 1;
        clockWrittenAt = System.currentTimeMillis();
    }
}
