package io.github.jimengfetcher.life;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;

import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.ApiFault;
import io.github.jimengfetcher.api.Faults;
import io.github.jimengfetcher.api.FetchPace;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * How the API is answering, as episodes: a fault is logged when its episode
 * starts and when it ends, not once per retry. Decides how long the poll loop
 * waits after a refused key or a 429, and tells the task store.
 */
public class ApiHealth {

    /** What one refusal of a task leads to; the fault routes branch on it. */
    public enum Refusal {
        /** A passing fault of this task: it retries with backoff. */
        RETRY,
        /** The API keeps refusing this task while it answers others: the task fails. */
        FAIL_TASK,
        /** The API refuses every task: the key is refused, every fetch pauses, nothing is written off. */
        KEY_REFUSED
    }


    private static final Logger LOG = LoggerFactory.getLogger(ApiHealth.class);

    private TaskStore store;
    private TaskLife tasks;
    private long keyRefusedPause;
    private long rateLimitPause;
    private long rateLimitMaxPause;
    private volatile long rateLimitedUntil;
    private FetchPace pace;

    private String episode;
    private long episodeStart;
    private long episodeFaults;
    private long lastAnswerAt = System.currentTimeMillis();
    private long firstFaultSinceAnswer;
    private volatile boolean keyRefused;
    /** Tasks answered with HTTP 403 since the last answer. */
    private final Set<String> forbiddenSinceAnswer = new HashSet<>();

    public void setStore(TaskStore store) {
        this.store = store;
    }

    public void setTasks(TaskLife tasks) {
        this.tasks = tasks;
    }

    /** The pace that a 429 without Retry-After slows down instead of pausing every fetch. */
    public void setPace(FetchPace pace) {
        this.pace = pace;
    }

    public void setKeyRefusedPause(String pause) {
        this.keyRefusedPause = TimeUtils.toMilliSeconds(pause);
    }

    public void setRateLimitPause(String pause) {
        this.rateLimitPause = TimeUtils.toMilliSeconds(pause);
    }

    public void setRateLimitMaxPause(String pause) {
        this.rateLimitMaxPause = TimeUtils.toMilliSeconds(pause);
    }

    /** A readable answer arrived: any fault episode is over. */
    public synchronized void answered() {
        lastAnswerAt = System.currentTimeMillis();
        // Only after a fault: every answer passes here, and the store is the busiest lock there is.
        if (firstFaultSinceAnswer != 0) {
            store.outageEnded("api");
        }
        firstFaultSinceAnswer = 0;
        keyRefused = false;
        forbiddenSinceAnswer.clear();
        if (episode != null) {
            LOG.info("API answering again after {} of '{}' ({} failed requests)", ago(episodeStart), episode, episodeFaults);
            episode = null;
        }
    }

    /** HTTP 401, or 403 for every task: a configuration problem, never the task's. Every fetch waits, no task is written off. */
    public void keyRefused(Lease lease, int statusCode) {
        keyRefused = true;
        if (startEpisode("key refused")) {
            LOG.error("!!! The API refused the key (HTTP {}). Set a valid jimeng.api.key (env JIMENG_API_KEY) and restart. "
                    + "All tasks stay pending; polling retries every {}.", statusCode, TimeUtils.printDuration(keyRefusedPause, keyRefusedPause < 1000));
        }
        tasks.pauseFetches(lease, keyRefusedPause, "API refused the key (HTTP " + statusCode + ")");
    }

    /**
     * HTTP 403 for this task. The key is refused only when every task gets 403: no task was answered
     * since the 403s began, and they came for several tasks (or for the only one pending). When the API
     * answers other tasks between two 403s of this task, the refusal is this task's own, and the
     * third in a row fails it. Anything less certain is a passing fault.
     *
     * @param reason the refusal in the gateway's words, kept as the task's last error
     */
    public synchronized Refusal forbidden(Lease lease, String reason) {
        Task before = lease.task();
        // Each refusal is timed: an answer since this task's last one means the key works.
        boolean othersAnswered = before.refusedAnswers > 0 && lastAnswerAt > before.lastFetchAt;
        int refusals = tasks.refusedAnswer(lease, reason);
        forbiddenSinceAnswer.add(lease.taskId());
        if (othersAnswered) {
            return refusals >= TaskPolicy.REFUSALS_TO_FAIL ? Refusal.FAIL_TASK : Refusal.RETRY;
        }
        return forbiddenSinceAnswer.size() >= Math.min(3, store.pendingCount()) ? Refusal.KEY_REFUSED : Refusal.RETRY;
    }

    /** An error answer naming no task status: a passing fault, until the third in a row fails the task. */
    public Refusal errorAnswer(Lease lease, Throwable fault) {
        int refusals = tasks.refusedAnswer(lease, Faults.describe(fault));
        return refusals >= TaskPolicy.REFUSALS_TO_FAIL ? Refusal.FAIL_TASK : Refusal.RETRY;
    }

    /**
     * HTTP 429 with Retry-After: nobody fetches before it has elapsed, or jimeng.fetch.rate-limit-max-pause if
     * that comes first. Without Retry-After the fetch pace has slowed down already (FetchPace, told by
     * the HTTP client): this task is fetched again at its turn, nobody pauses and no fault episode
     * begins, unless the pace is at its slowest already: then every fetch waits jimeng.fetch.rate-limit-pause.
     */
    public void rateLimited(Lease lease, String retryAfter) {
        if ((retryAfter == null || retryAfter.isBlank()) && pace != null && !pace.atSlowestRate()) {
            tasks.fetchAgainSoon(lease, "rate limited by the API (HTTP 429); fetches slowed down");
            return;
        }
        long pause = retryAfterMillis(retryAfter);
        rateLimitedUntil = System.currentTimeMillis() + pause;
        if (startEpisode("rate limited")) {
            LOG.warn("API rate limit (HTTP 429): polling paused for {}", TimeUtils.printDuration(pause, pause < 1000));
        }
        tasks.pauseFetches(lease, pause, "rate limited by the API (HTTP 429)");
    }

    /** Until when fetching is paused because of the API's rate limit, or 0 when it is not. */
    public long rateLimitPausedUntil() {
        long until = store.fetchesPausedUntil();
        long now = System.currentTimeMillis();
        return rateLimitedUntil > now && until > now ? until : 0;
    }

    /** A passing fault of the API (see {@link ApiFault}): retried with backoff. */
    public boolean isPassing(Throwable fault) {
        return ApiFault.classify(fault).isPassing();
    }

    /** 5xx, network faults, timeouts, unreadable answers: the task retries with backoff. */
    public void passingFault(Lease lease, Throwable fault) {
        passingFault(lease, fault, Faults.describe(fault));
    }

    /** A passing fault whose detail for this task (its last error) says more than the kind of fault. */
    public void passingFault(Lease lease, Throwable fault, String detail) {
        if (startEpisode(Faults.episode(fault))) {
            LOG.warn("API fault: {}; tasks retry with backoff (logged again when the API answers)", detail);
        }
        tasks.retryLater(lease, detail);
    }

    public boolean isKeyRefused() {
        return keyRefused;
    }

    /** Since when every request has failed, or 0 while the API answers. */
    public synchronized long failingSince() {
        return firstFaultSinceAnswer;
    }

    private synchronized boolean startEpisode(String kind) {
        long now = System.currentTimeMillis();
        if (firstFaultSinceAnswer == 0) {
            firstFaultSinceAnswer = now;
            store.outageBegan("api");
        }
        episodeFaults++;
        // While the key is refused that is the headline: a fault of one task decided a moment before
        // (another thread) does not start an episode of its own, nor does it make the refusal log twice.
        if (kind.equals(episode) || (keyRefused && "key refused".equals(episode))) {
            return false;
        }
        episode = kind;
        episodeStart = now;
        episodeFaults = 1;
        return true;
    }

    /** Retry-After (seconds or a date), at least jimeng.fetch.rate-limit-pause, at most jimeng.fetch.rate-limit-max-pause. */
    long retryAfterMillis(String retryAfter) {
        long asked = rateLimitPause;
        if (retryAfter != null && !retryAfter.isBlank()) {
            String value = retryAfter.strip();
            try {
                asked = Math.max(rateLimitPause, Math.multiplyExact(Long.parseLong(value), 1000L));
            } catch (ArithmeticException tooLong) {
                asked = Long.MAX_VALUE;
            } catch (NumberFormatException notSeconds) {
                try {
                    long until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                    asked = Math.max(rateLimitPause, until - System.currentTimeMillis());
                } catch (RuntimeException notADate) {
                    // the default pause
                }
            }
        }
        return Math.min(asked, rateLimitMaxPause);
    }

    private static String ago(long since) {
        return TimeUtils.printDuration(System.currentTimeMillis() - since, false);
    }
}
