package io.github.jimengfetcher.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.util.StdConverter;

/**
 * A task that is not finished yet, as the task store keeps it. A finished task is only an id
 * known to the store; its record in output/results or output/failed says the rest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Task {

    public enum Phase { FETCH, DOWNLOAD }

    /** Checked where it entered (TaskId.of); written to JSON as the plain string. */
    public TaskId id;
    /**
     * The task API it belongs to, written to JSON as its name. An entry or row written before tasks
     * named one reads as jimeng-gateway, the one API there was.
     */
    @JsonSerialize(using = ToStringSerializer.class)
    @JsonDeserialize(converter = ProviderText.class)
    public ProviderName provider = ProviderName.JIMENG_GATEWAY;
    public Phase phase = Phase.FETCH;
    /** When the id was first registered (epoch ms); the task timeout counts from here, across restarts. */
    public long registeredAt;
    /** The task store's active clock at registration: the task timeout counts from here, outages left out. */
    public Long activeAt;
    /** When the task is next due for a fetch or download attempt (epoch ms). */
    public long nextAt;
    public int fetches;
    /** The last status the API gave, e.g. IN_PROGRESS. */
    public String status;
    public String progress;
    public long lastFetchAt;
    /** The signed video URL of the last SUCCESS answer, while downloading. */
    public String videoUrl;
    /** When that URL lapses (epoch ms), as its signed query says (VideoUrlExpiry); null when it does not say. Downloads go earliest first. */
    public Long videoUrlExpiresAt;
    /** The SUCCESS answer as received, kept while downloading for the result record. */
    public String answer;
    public int urlRefreshes;
    public int downloadAttempts;
    /** Consecutive faults (network, 5xx, unreadable answer) since the last good answer; drives the backoff. */
    public int faultStreak;
    public int notFoundAnswers;
    /** Answers in a row in which the API refused this task: HTTP 403, or an error naming no status. */
    public int refusedAnswers;
    public String lastError;
    /** Timed out, and fetched again now and then in case it succeeds late: when it failed (epoch ms), else null. */
    public Long timedOutAt;
    /** How many of those late fetches were made. */
    public int rechecks;
    /** The kind the answers name (action, or action/model), for the learned durations; null until one does. */
    public String kind;
    /** When the gateway says the task was submitted (epoch ms, its clock); null when its answers do not say. */
    public Long submittedAt;
    /** When the task became ready (epoch ms): the gateway's finish time, else estimated from the fetches around it. */
    public Long readyAt;
    /** When a notification about the task last came (epoch ms), on the listener of jimeng.notify.*; null before any. */
    public Long notifiedAt;
    /**
     * True when a notification came while the task was being fetched: that fetch's answer may predate
     * the change, so the release that ends it makes the next fetch due at once; null otherwise.
     */
    public Boolean notifiedMidFetch;
    /** The gap planned after the last answer (ms), for the metrics and the log; 0 before the first. */
    public long plannedGap;
    /**
     * The epoch of the lease under which the holder began uploading the video to S3, or null: the task
     * shows as uploading while that lease holds. A claim grows the epoch, so a takeover, which downloads
     * again, shows as downloading until its own upload begins.
     */
    public Long uploadEpoch;
    /** The fencing token of the last claim: grows by one with every claim of the task. */
    public long epoch;
    /** The instance holding the task now, or null when nobody does. */
    public String leaseOwner;
    /** Until when that lease holds without renewal (the store's clock, epoch ms). */
    public long leaseUntil;

    public Task() {
    }

    public Task(TaskId id, long now) {
        this.id = id;
        this.registeredAt = now;
        this.nextAt = now;
    }

    public Task(TaskRef ref, long now) {
        this(ref.id(), now);
        this.provider = ref.provider();
    }

    /** This task's id and provider. */
    public TaskRef ref() {
        return new TaskRef(id, provider == null ? ProviderName.JIMENG_GATEWAY : provider);
    }

    public Task copy() {
        Task t = new Task();
        t.id = id;
        t.provider = provider;
        t.phase = phase;
        t.registeredAt = registeredAt;
        t.activeAt = activeAt;
        t.nextAt = nextAt;
        t.fetches = fetches;
        t.status = status;
        t.progress = progress;
        t.lastFetchAt = lastFetchAt;
        t.videoUrl = videoUrl;
        t.videoUrlExpiresAt = videoUrlExpiresAt;
        t.answer = answer;
        t.urlRefreshes = urlRefreshes;
        t.downloadAttempts = downloadAttempts;
        t.faultStreak = faultStreak;
        t.notFoundAnswers = notFoundAnswers;
        t.refusedAnswers = refusedAnswers;
        t.lastError = lastError;
        t.timedOutAt = timedOutAt;
        t.rechecks = rechecks;
        t.kind = kind;
        t.submittedAt = submittedAt;
        t.readyAt = readyAt;
        t.notifiedAt = notifiedAt;
        t.notifiedMidFetch = notifiedMidFetch;
        t.plannedGap = plannedGap;
        t.uploadEpoch = uploadEpoch;
        t.epoch = epoch;
        t.leaseOwner = leaseOwner;
        t.leaseUntil = leaseUntil;
        return t;
    }

    /** A provider's name in JSON, checked as it is read. */
    public static final class ProviderText extends StdConverter<String, ProviderName> {
        @Override
        public ProviderName convert(String value) {
            return new ProviderName(value);
        }
    }
}
