package io.github.jimengfetcher;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
            try (BufferedReader in = Files.newBufferedReader(journalPath, StandardCharsets.UTF_8)) {
                String line;
                int number = 0;
                while ((line = in.readLine()) != null) {
                    number++;
                    if (line.isBlank()) {
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
            if (outputs != null && outputs.isFinished(task.id)) {
                tasks.remove(task.id);
                alreadyDone++;
            }
        }
        tasks.values().forEach(this::index);
        compact();
        LOG.info("Task store {}: {} unfinished tasks ({} journal entries read, {} quarantined, {} finished before the last stop)",
                folder.toAbsolutePath(), tasks.size(), loaded, quarantined, alreadyDone);
    }

    public synchronized void stop() throws IOException {
        if (journal != null) {
            journal.flush();
            journalFile.getFD().sync();
            journal.close();
            journal = null;
        }
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
        int registered = 0;
        int pending = 0;
        int finished = 0;
        for (String id : ids) {
            TaskIds.require(id);
            if (tasks.containsKey(id)) {
                pending++;
            } else if (outputs != null && outputs.isFinished(id)) {
                finished++;
            } else {
                Task task = new Task(id, now);
                tasks.put(id, task);
                write(task);
                index(task);
                registered++;
            }
        }
        sync();
        notifyAll();
        return new Registration(registered, pending, finished);
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
        return System.currentTimeMillis() > require(id).registeredAt + taskTimeout;
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
        Task task = take(id);
        task.lastError = reason;
        task.nextAt = Math.max(task.nextAt, until);
        release(task);
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

    private void release(Task task) {
        unclaim(task);
        write(task);
        flush();
        index(task);
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

    private void append(ObjectNode entry) {
        try {
            journal.write(JSON.writeValueAsString(entry));
            journal.write('\n');
            journalLines++;
            if (journalLines > Math.max(10_000, 4L * tasks.size())) {
                compact();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the task journal in " + folder.toAbsolutePath(), e);
        }
    }

    private void flush() {
        try {
            journal.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the task journal in " + folder.toAbsolutePath(), e);
        }
    }

    private void sync() {
        try {
            journal.flush();
            journalFile.getFD().sync();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the task journal in " + folder.toAbsolutePath(), e);
        }
    }

    /** Rewrites the journal as one line per unfinished task, then swaps it in by rename. */
    private void compact() throws IOException {
        if (journal != null) {
            journal.flush();
        }
        Path tmp = folder.resolve("tasks.journal.tmp");
        try (FileOutputStream out = new FileOutputStream(tmp.toFile());
             BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            for (Task task : tasks.values()) {
                ObjectNode entry = JSON.createObjectNode();
                entry.put("op", "put");
                entry.set("task", JSON.valueToTree(task));
                writer.write(JSON.writeValueAsString(entry));
                writer.write('\n');
            }
            writer.flush();
            out.getFD().sync();
        }
        Files.move(tmp, journalPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (journal != null) {
            journal.close();
        }
        journalFile = new FileOutputStream(journalPath().toFile(), true);
        journal = new BufferedWriter(new OutputStreamWriter(journalFile, StandardCharsets.UTF_8), 1 << 16);
        journalLines = tasks.size();
    }
}
