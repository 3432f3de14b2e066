package io.github.jimengfetcher.life;

import java.util.HashSet;
import java.util.Set;

import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskId;

/**
 * How one task API (provider) is answering, as episodes: a fault is logged when its episode starts
 * and when it ends, not once per retry. Its state: when it last answered, since when it fails, a
 * refused key, a rate-limit pause, its tasks refused since its last answer. Another provider's
 * answers say nothing about this one's key. Kept by {@link ApiHealth}.
 */
final class ProviderHealth {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHealth.class);
    private static final String KEY_REFUSED = "key refused";

    private final ProviderName name;
    private final TaskStore store;
    /** The store's outage while this API answers nothing: the task timeout stands still meanwhile. */
    private final String outage;
    private volatile long rateLimitedUntil;
    private volatile boolean keyRefused;

    private String episode;
    private long episodeStart;
    private long episodeFaults;
    private long lastAnswerAt = System.currentTimeMillis();
    private long firstFaultSinceAnswer;
    /** Tasks answered with HTTP 403 since the last answer. */
    private final Set<TaskId> forbiddenSinceAnswer = new HashSet<>();

    ProviderHealth(ProviderName name, TaskStore store) {
        this.name = name;
        this.store = store;
        this.outage = "api " + name;
    }

    synchronized void answered() {
        lastAnswerAt = System.currentTimeMillis();
        // Only after a fault: every answer passes here, and the store is the busiest lock there is.
        if (firstFaultSinceAnswer != 0) {
            store.outageEnded(outage);
        }
        firstFaultSinceAnswer = 0;
        keyRefused = false;
        forbiddenSinceAnswer.clear();
        if (episode != null) {
            LOG.info("API answering again after {} of '{}' ({} failed requests; provider {})", ago(episodeStart), episode, episodeFaults, name);
            episode = null;
        }
    }

    synchronized void forbidden(TaskId taskId) {
        forbiddenSinceAnswer.add(taskId);
    }

    synchronized int tasksForbiddenSinceAnswer() {
        return forbiddenSinceAnswer.size();
    }

    synchronized boolean answeredSince(long at) {
        return lastAnswerAt > at;
    }

    /** Said loudly once, naming the provider and the setting of its key (never the key), until the API answers again. */
    void keyRefused(String detail, long pause, String keySetting) {
        keyRefused = true;
        if (startEpisode(KEY_REFUSED)) {
            LOG.error("!!! The {} of provider {}. Set a valid {} and restart. The tasks of {} stay pending (other providers' "
                    + "go on); its polling retries every {}.", detail, name, keySetting, name, TimeUtils.printDuration(pause, pause < 1000));
        }
    }

    void rateLimited(long pause) {
        rateLimitedUntil = System.currentTimeMillis() + pause;
        if (startEpisode("rate limited")) {
            LOG.warn("API rate limit (HTTP 429) of provider {}: its polling paused for {}", name, TimeUtils.printDuration(pause, pause < 1000));
        }
    }

    /** Until when its fetches are paused for its rate limit, or 0 when they are not. */
    long rateLimitPausedUntil() {
        long until = store.fetchesPausedUntil(name);
        long now = System.currentTimeMillis();
        return rateLimitedUntil > now && until > now ? until : 0;
    }

    void passingFault(String kind, String detail) {
        if (startEpisode(kind)) {
            LOG.warn("API fault: {}; tasks of provider {} retry with backoff (logged again when the API answers)", detail, name);
        }
    }

    boolean isKeyRefused() {
        return keyRefused;
    }

    synchronized long failingSince() {
        return firstFaultSinceAnswer;
    }

    private synchronized boolean startEpisode(String kind) {
        long now = System.currentTimeMillis();
        if (firstFaultSinceAnswer == 0) {
            firstFaultSinceAnswer = now;
            store.outageBegan(outage);
        }
        episodeFaults++;
        // While the key is refused that is the headline: a fault of one task decided a moment before
        // (another thread) does not start an episode of its own, nor does it make the refusal log twice.
        if (kind.equals(episode) || (keyRefused && KEY_REFUSED.equals(episode))) {
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
