package io.github.jimengfetcher.life;

import java.util.HashSet;
import java.util.Set;

import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.ApiFault;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.TaskId;

/**
 * How the API is answering, as episodes: a fault is logged when its episode starts and when
 * it ends, not once per retry. Keeps state only (when it last answered, since when it fails,
 * a refused key, a rate-limit pause, the tasks refused since the last answer); what a fault
 * means for a task is {@link AfterFault}'s to decide.
 */
public class ApiHealth {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHealth.class);

    private TaskStore store;
    private volatile long rateLimitedUntil;

    private String episode;
    private long episodeStart;
    private long episodeFaults;
    private long lastAnswerAt = System.currentTimeMillis();
    private long firstFaultSinceAnswer;
    private volatile boolean keyRefused;
    /** Tasks answered with HTTP 403 since the last answer. */
    private final Set<TaskId> forbiddenSinceAnswer = new HashSet<>();

    public void setStore(TaskStore store) {
        this.store = store;
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

    /** A fault of a fetch of this task, noted before its fate is decided: a 403 counts towards a refused key. */
    public synchronized void faultOf(TaskId taskId, Throwable fault) {
        if (ApiFault.classify(fault) == ApiFault.FORBIDDEN) {
            forbiddenSinceAnswer.add(taskId);
        }
    }

    /** How many tasks were answered with HTTP 403 since the API last answered. */
    public synchronized int tasksForbiddenSinceAnswer() {
        return forbiddenSinceAnswer.size();
    }

    /** Has the API answered since then (epoch ms)? */
    public synchronized boolean answeredSince(long at) {
        return lastAnswerAt > at;
    }

    /** The key is refused: said loudly once, until the API answers again. */
    public void keyRefused(String detail, long pause) {
        keyRefused = true;
        if (startEpisode("key refused")) {
            LOG.error("!!! The {}. Set a valid jimeng.api.key (env JIMENG_API_KEY) and restart. "
                    + "All tasks stay pending; polling retries every {}.", detail, TimeUtils.printDuration(pause, pause < 1000));
        }
    }

    /** Every fetch pauses for the API's rate limit. */
    public void rateLimited(long pause) {
        rateLimitedUntil = System.currentTimeMillis() + pause;
        if (startEpisode("rate limited")) {
            LOG.warn("API rate limit (HTTP 429): polling paused for {}", TimeUtils.printDuration(pause, pause < 1000));
        }
    }

    /** Until when fetching is paused because of the API's rate limit, or 0 when it is not. */
    public long rateLimitPausedUntil() {
        long until = store.fetchesPausedUntil();
        long now = System.currentTimeMillis();
        return rateLimitedUntil > now && until > now ? until : 0;
    }

    /** A passing fault of the API, of the given kind, with this task's detail. */
    public void passingFault(String kind, String detail) {
        if (startEpisode(kind)) {
            LOG.warn("API fault: {}; tasks retry with backoff (logged again when the API answers)", detail);
        }
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

    private static String ago(long since) {
        return TimeUtils.printDuration(System.currentTimeMillis() - since, false);
    }
}
