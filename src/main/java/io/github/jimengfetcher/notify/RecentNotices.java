package io.github.jimengfetcher.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last notification acted on per task, by a digest of its body: the same notification sent again
 * (a sender that re-sends until it hears back, or one that sends twice) says nothing new, and costs no
 * second fetch. A different body for the task (its next status) does. Bounded, in memory: on a shared
 * store a copy that reaches another instance may cost one more fetch, nothing else.
 */
final class RecentNotices {

    private static final long REMEMBERED_MILLIS = 10 * 60_000;
    private static final int MAX_TASKS = 10_000;

    private record Notice(byte[] digest, long at) {
    }

    private final Map<String, Notice> last = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Notice> eldest) {
            return size() > MAX_TASKS;
        }
    };

    /** True when this body came for the task within the last minutes already; remembers it either way. */
    synchronized boolean seenBefore(String taskId, String body, long now) {
        byte[] digest = digest(body);
        Notice before = last.put(taskId, new Notice(digest, now));
        return before != null && now - before.at() < REMEMBERED_MILLIS && Arrays.equals(before.digest(), digest);
    }

    /** The task's last body was not acted on after all: the same body again counts as new. */
    synchronized void forget(String taskId) {
        last.remove(taskId);
    }

    private static byte[] digest(String body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((body == null ? "" : body).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
