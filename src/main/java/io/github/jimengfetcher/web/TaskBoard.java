package io.github.jimengfetcher.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Header;

import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.observe.FinishedTask;
import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskPolicy;
import io.github.jimengfetcher.task.TaskState;

/**
 * What GET /tasks and the status page show: one page of every task the store knows, pending and
 * finished, in id order, filtered by state and part of the id ({@link TaskQuery}), with the
 * counts of each state. A finished task shows what its files tell cheaply ({@link FinishedFacts}):
 * the failure reason, the video's size and duration. The API key and video URLs are never part of it.
 */
public class TaskBoard {

    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})(?:\\.\\d+)?\\s*%?");

    private final TaskStore store;
    private final FinishedFacts facts;
    private ApiHealth api;
    private VideoPoster posters;
    private TaskPolicy policy;
    private String instanceId = "";
    private StoreHealth storeHealth;

    public TaskBoard(TaskStore store, FinishedFacts facts) {
        this.store = store;
        this.facts = facts;
    }

    /** Tells why fetching is paused, when it is. */
    public void setApiHealth(ApiHealth api) {
        this.api = api;
    }

    /** Tells which finished videos have a still saved beside them (poster_url). */
    public void setPosters(VideoPoster posters) {
        this.posters = posters;
    }

    /** Says when a pending task is likely ready, from the durations learned (estimated_ready_at). */
    public void setPolicy(TaskPolicy policy) {
        this.policy = policy;
    }

    /** While the store is known to be unreachable, /tasks says so at once instead of waiting on it. */
    public void setStoreHealth(StoreHealth storeHealth) {
        this.storeHealth = storeHealth;
    }

    /** The answering instance, shown beside the tasks (several instances may share the store). */
    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    /** The query of GET /tasks, from its parameters (absent ones null), or why it cannot be answered. */
    public TaskQuery query(@Header("state") String state, @Header("q") String idPart,
                           @Header("offset") String offset, @Header("limit") String limit) {
        return TaskQuery.of(state, idPart, offset, limit);
    }

    /** The answer to a query that cannot be read: 400, and why. */
    public Map<String, Object> refusal(TaskQuery query) {
        return Map.of("error", query.problem());
    }

    /** The answer while the store cannot be read: 503, and why. */
    public Map<String, Object> unavailable(Exception fault) {
        Throwable reason = fault;
        // Camel wraps what the bean threw; the store's own words say why.
        for (Throwable cause = fault; cause != null; cause = cause.getCause()) {
            if (cause instanceof StoreUnavailableException) {
                reason = cause;
            }
        }
        return Map.of("error", "the task list cannot be read now: " + reason.getMessage() + "; try again");
    }

    /**
     * The document GET /tasks answers.
     *
     * @throws StoreUnavailableException while the store cannot be reached: at once when that is
     *                                   already known, rather than after the database's connect timeout
     */
    public Map<String, Object> snapshot(TaskQuery query) {
        long now = System.currentTimeMillis();
        long unreachableSince = storeHealth == null ? 0 : storeHealth.unreachableSince();
        if (unreachableSince != 0) {
            throw new StoreUnavailableException("the task store cannot be reached since "
                    + Instant.ofEpochMilli(unreachableSince), null);
        }
        try {
            return board(query, now);
        } catch (StoreUnavailableException unreachable) {
            if (storeHealth != null) {
                storeHealth.unreachable(unreachable); // the next request is answered at once
            }
            throw unreachable;
        }
    }

    private Map<String, Object> board(TaskQuery query, long now) {
        TaskStore.TaskPage page = store.page(query.state(), query.idPart(), query.offset(), query.limit());

        Map<String, Object> counts = new LinkedHashMap<>();
        for (TaskState state : TaskState.values()) {
            counts.put(state.wireName(), state == query.state() && query.idPart().isEmpty()
                    ? page.total() : store.page(state, null, 0, 0).total());
        }

        List<Map<String, Object>> tasks = new ArrayList<>();
        for (TaskStore.ListedTask listed : page.tasks()) {
            tasks.add(listed.pending() != null ? pendingEntry(listed, now) : finishedEntry(listed, now));
        }

        Map<String, Object> board = new LinkedHashMap<>();
        board.put("generated_at", Instant.ofEpochMilli(now).toString());
        board.put("instance_id", instanceId);
        List<Map<String, Object>> pauses = pauses(now);
        board.put("fetching_paused_until", pauses.isEmpty() ? null : pauses.get(pauses.size() - 1).get("until"));
        board.put("fetching_paused_reason", pauses.isEmpty() ? null
                : String.join("; ", pauses.stream().map(pause -> "provider " + pause.get("provider") + ": " + pause.get("reason")).toList()));
        board.put("fetching_paused", pauses);
        board.put("key_refused_providers", api == null ? List.of() : api.keyRefusedProviders().stream().map(ProviderName::value).toList());
        board.put("counts", counts);
        board.put("state", query.state() == null ? null : query.state().wireName());
        board.put("q", query.idPart());
        board.put("total", page.total());
        board.put("offset", query.offset());
        board.put("limit", query.limit());
        board.put("tasks", tasks);
        return board;
    }

    /** Each provider whose fetches are paused now (the others' go on), the pause that ends last last. */
    private List<Map<String, Object>> pauses(long now) {
        List<Map<String, Object>> pauses = new ArrayList<>();
        store.fetchPauses().entrySet().stream().filter(pause -> pause.getValue() > now)
                .sorted(Map.Entry.<ProviderName, Long>comparingByValue().thenComparing(pause -> pause.getKey().value()))
                .forEach(pause -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("provider", pause.getKey().value());
                    entry.put("until", Instant.ofEpochMilli(pause.getValue()).toString());
                    entry.put("reason", pauseReason(pause.getKey()));
                    pauses.add(entry);
                });
        return pauses;
    }

    private String pauseReason(ProviderName provider) {
        if (api != null && api.rateLimitPauses().containsKey(provider)) {
            return "rate limited by the API (HTTP 429)";
        }
        if (api != null && api.isKeyRefused(provider)) {
            return "the API refused the key (HTTP 401/403): set a valid " + api.keySetting(provider);
        }
        return "the API asked to wait";
    }

    /** A signed video URL with less than this left is shown as close to lapsing. */
    static final long URL_LAPSING_SOON_MILLIS = 15 * 60_000;

    private Map<String, Object> pendingEntry(TaskStore.ListedTask listed, long now) {
        Task task = listed.pending();
        boolean downloading = task.phase == Task.Phase.DOWNLOAD;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", task.id.value());
        entry.put("provider", listed.provider().value());
        entry.put("state", listed.state().wireName());
        entry.put("status", task.status == null ? "REGISTERED" : task.status);
        // The API says 100% once the video exists; the download has not reached it yet.
        entry.put("progress", downloading || task.progress == null ? "" : task.progress);
        entry.put("percent", downloading ? null : percent(task.progress));
        entry.put("fetches", task.fetches);
        entry.put("next_fetch_at", downloading ? null : Instant.ofEpochMilli(task.nextAt).toString());
        entry.put("notified_at", task.notifiedAt == null ? null : Instant.ofEpochMilli(task.notifiedAt).toString());
        // The median of the durations learned for its kind, from its submission, given its age; null without history.
        Long ready = downloading || task.timedOutAt != null || policy == null ? null : policy.estimatedReadyAt(task, now);
        entry.put("estimated_ready_at", ready == null ? null : Instant.ofEpochMilli(ready).toString());
        entry.put("age_seconds", Math.max(0, (now - task.registeredAt) / 1000));
        entry.put("last_error", task.lastError);
        // Who works on it now: a lease past its time is held by nobody (its holder may be gone).
        entry.put("lease_owner", task.leaseOwner != null && task.leaseUntil > now ? task.leaseOwner : "");
        // A download waiting: when its signed URL lapses (as the URL says; null when it does not), and a
        // warning when that is near or past (a lapsed URL is refused, and a fresh one is fetched).
        Long expires = downloading ? task.videoUrlExpiresAt : null;
        entry.put("video_url_expires_at", expires == null ? null : Instant.ofEpochMilli(expires).toString());
        if (expires != null && expires - now < URL_LAPSING_SOON_MILLIS) {
            entry.put("video_url_warning", expires <= now
                    ? "the video URL has lapsed: the download will ask the API for a fresh one"
                    : "the video URL lapses in " + Math.max(1, (expires - now) / 60_000) + " min");
        }
        if (task.timedOutAt != null) {
            // Failed (timed out, its failure record written) and still looked at now and then, late.
            entry.put("rechecking", true);
            facts.record(task.id.value(), false).ifPresent(record -> {
                entry.put("reason_class", record.reasonClass());
                entry.put("reason", record.reason());
            });
        }
        return entry;
    }

    private Map<String, Object> finishedEntry(TaskStore.ListedTask listed, long now) {
        boolean succeeded = listed.state() == TaskState.SUCCEEDED;
        FinishedTask record = facts.record(listed.id().value(), succeeded).orElse(null);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", listed.id().value());
        entry.put("provider", listed.provider().value());
        entry.put("state", listed.state().wireName());
        entry.put("status", succeeded ? "SUCCESS" : "FAILED");
        entry.put("progress", succeeded ? "100%" : "");
        entry.put("percent", succeeded ? Integer.valueOf(100) : null);
        entry.put("fetches", record == null ? null : record.fetches());
        entry.put("next_fetch_at", null);
        entry.put("notified_at", null);
        entry.put("estimated_ready_at", null);
        entry.put("age_seconds", record == null || record.registeredAt() == null ? null
                : Math.max(0, (now - record.registeredAt().toEpochMilli()) / 1000));
        entry.put("last_error", record == null ? null : record.reason());
        entry.put("lease_owner", "");
        entry.put("finished_at", record == null ? null : record.finishedAt().toString());
        entry.put("duration_seconds", record == null || record.duration() == null ? null : record.duration().toSeconds());
        if (succeeded) {
            FinishedFacts.Video video = facts.video(listed.id().value());
            entry.put("video_url", video == null ? null : "/videos/" + listed.id().value() + ".mp4");
            entry.put("video_bytes", video == null ? null : video.bytes());
            entry.put("video_seconds", video == null || video.duration() == null ? null : video.duration().toMillis() / 1000.0);
            entry.put("poster_url", video == null || posters == null ? null : posters.urlOf(listed.id().value()));
            entry.put("s3_uri", record == null ? null : record.s3Uri());
        } else {
            entry.put("reason_class", record == null ? null : record.reasonClass());
            entry.put("reason", record == null ? null : record.reason());
        }
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
