package io.github.jimengfetcher.store.journal;

import java.util.HashSet;
import java.util.Set;

/**
 * The clock the task timeout counts on: it runs only while answers can be had. It stops while
 * any outage lasts (the API refuses the key, cannot be reached or rate-limits us; this machine
 * cannot write) and while the app is not running: its reading is kept in the journal and goes
 * on from there at the next start. Thread-safe on its own: a reading never waits for the task store.
 */
final class ActiveClock {

    private long base;
    private long runningSince = -1;
    private final Set<String> outages = new HashSet<>();

    /** Goes on from a reading kept before the last stop (the largest one seen wins). */
    synchronized void restore(long reading) {
        base = Math.max(base, reading);
    }

    synchronized void start(long now) {
        if (outages.isEmpty()) {
            runningSince = now;
        }
    }

    synchronized long reading(long now) {
        return base + (runningSince >= 0 ? Math.max(0, now - runningSince) : 0);
    }

    synchronized void outageBegan(String cause, long now) {
        if (outages.add(cause) && outages.size() == 1) {
            base = reading(now);
            runningSince = -1;
        }
    }

    synchronized void outageEnded(String cause, long now) {
        if (outages.remove(cause) && outages.isEmpty()) {
            runningSince = now;
        }
    }
}
