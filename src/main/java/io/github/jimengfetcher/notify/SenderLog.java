package io.github.jimengfetcher.notify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether a rejection from a sender may be logged now: at most once a minute per sender address, so a
 * misconfigured or hostile sender cannot fill the log. Remembers a bounded number of senders.
 */
final class SenderLog {

    private static final long QUIET_MILLIS = 60_000;
    private static final int MAX_SENDERS = 1_000;

    private final Map<String, Long> lastLogged = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_SENDERS;
        }
    };

    synchronized boolean mayLog(String sender, long now) {
        Long last = lastLogged.get(sender);
        if (last != null && now - last < QUIET_MILLIS) {
            return false;
        }
        lastLogged.put(sender, now);
        return true;
    }
}
