package io.github.jimengfetcher.observe;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jimengfetcher.api.ApiHealth;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Task;

/**
 * What GET /tasks and the status page show: the pending tasks, read from the task store,
 * and the last finished ones, remembered here in memory (a restart forgets them; their
 * records under output/ stay). The API key and video URLs are never part of it.
 */
public class TaskBoard {

    /** Beyond this many pending tasks the list is cut; the counts stay exact. */
    static final int MAX_PENDING_LISTED = 500;
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})(?:\\.\\d+)?\\s*%?");

    private final TaskStore store;
    private final int recentLimit;
    private final Deque<FinishedTask> recent = new ArrayDeque<>();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private ApiHealth api;
    private String instanceId = "";

    public TaskBoard(TaskStore store, int recentLimit) {
        this.store = store;
        this.recentLimit = Math.max(0, recentLimit);
    }

    /** Tells why fetching is paused, when it is. */
    public void setApiHealth(ApiHealth api) {
        this.api = api;
    }

    /** The answering instance, shown beside the tasks (several instances may share the store). */
    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    /** Remembers a finished task from its record (the body the hooks get) and returns it. */
    public FinishedTask remember(String record) throws java.io.IOException {
        FinishedTask task = FinishedTask.fromRecord(record);
        (task.succeeded() ? succeeded : failed).incrementAndGet();
        synchronized (recent) {
            recent.removeIf(t -> t.id().equals(task.id()));
            recent.addFirst(task);
            while (recent.size() > recentLimit) {
                recent.removeLast();
            }
        }
        return task;
    }

    /** The document GET /tasks answers. */
    public Map<String, Object> snapshot() {
        long now = System.currentTimeMillis();
        List<Task> pending = new ArrayList<>(store.pendingTasks());
        pending.sort(Comparator.comparingLong((Task t) -> t.registeredAt).thenComparing(t -> t.id));
        List<FinishedTask> finished;
        synchronized (recent) {
            finished = new ArrayList<>(recent);
        }

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("pending", pending.size());
        counts.put("downloading", pending.stream().filter(t -> t.phase == Task.Phase.DOWNLOAD).count());
        counts.put("succeeded", succeeded.get());
        counts.put("failed", failed.get());

        List<Map<String, Object>> tasks = new ArrayList<>();
        pending.stream().limit(MAX_PENDING_LISTED).forEach(t -> tasks.add(pendingEntry(t, now)));
        finished.forEach(t -> tasks.add(finishedEntry(t, now)));

        Map<String, Object> board = new LinkedHashMap<>();
        board.put("generated_at", Instant.ofEpochMilli(now).toString());
        board.put("instance_id", instanceId);
        long pausedUntil = store.fetchesPausedUntil();
        boolean paused = pausedUntil > now;
        board.put("fetching_paused_until", paused ? Instant.ofEpochMilli(pausedUntil).toString() : null);
        board.put("fetching_paused_reason", paused ? pauseReason() : null);
        board.put("counts", counts);
        board.put("pending_listed", Math.min(pending.size(), MAX_PENDING_LISTED));
        board.put("tasks", tasks);
        return board;
    }

    private String pauseReason() {
        if (api != null && api.rateLimitPausedUntil() > 0) {
            return "rate limited by the API (HTTP 429)";
        }
        if (api != null && api.isKeyRefused()) {
            return "the API refused the key (HTTP 401/403)";
        }
        return "the API asked to wait";
    }

    private static Map<String, Object> pendingEntry(Task task, long now) {
        boolean downloading = task.phase == Task.Phase.DOWNLOAD;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", task.id);
        entry.put("state", downloading ? "downloading" : task.timedOutAt != null ? "rechecking" : "pending");
        entry.put("status", task.status == null ? "REGISTERED" : task.status);
        // The API says 100% once the video exists; the download has not reached it yet.
        entry.put("progress", downloading || task.progress == null ? "" : task.progress);
        entry.put("percent", downloading ? null : percent(task.progress));
        entry.put("fetches", task.fetches);
        entry.put("next_fetch_at", downloading ? null : Instant.ofEpochMilli(task.nextAt).toString());
        entry.put("age_seconds", Math.max(0, (now - task.registeredAt) / 1000));
        entry.put("last_error", task.lastError);
        // Who works on it now: a lease past its time is held by nobody (its holder may be gone).
        entry.put("lease_owner", task.leaseOwner != null && task.leaseUntil > now ? task.leaseOwner : "");
        return entry;
    }

    private static Map<String, Object> finishedEntry(FinishedTask task, long now) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", task.id());
        entry.put("state", task.succeeded() ? "succeeded" : "failed");
        entry.put("status", task.succeeded() ? "SUCCESS" : "FAILED");
        entry.put("progress", task.succeeded() ? "100%" : "");
        entry.put("percent", task.succeeded() ? Integer.valueOf(100) : null);
        entry.put("fetches", task.fetches());
        entry.put("next_fetch_at", null);
        entry.put("age_seconds", task.registeredAt() == null ? null : Math.max(0, (now - task.registeredAt().toEpochMilli()) / 1000));
        entry.put("last_error", task.reason());
        entry.put("lease_owner", "");
        entry.put("reason_class", task.reasonClass());
        entry.put("finished_at", task.finishedAt().toString());
        entry.put("duration_seconds", task.duration() == null ? null : task.duration().toSeconds());
        return entry;
    }

    /** "45%" -> 45; empty or unreadable -> null. */
    static Integer percent(String progress) {
        if (progress == null) {
            return null;
        }
        Matcher m = PERCENT.matcher(progress.strip());
        if (!m.matches()) {
            return null;
        }
        return Math.min(100, Integer.parseInt(m.group(1)));
    }
}
