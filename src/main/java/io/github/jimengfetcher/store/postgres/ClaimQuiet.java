package io.github.jimengfetcher.store.postgres;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.jimengfetcher.store.ProviderChoice;

/**
 * When a fetch claim need not ask the database: one that found fewer due rows than it asked for says the
 * database had no more due for that choice of providers, so the claims that follow (one for every few slots
 * freed) serve the kept leases only ({@link KeptLeases}) for a short while. Work that comes due meanwhile
 * in the database waits that much longer at most; what this instance learns of at once (a registration,
 * a notification, a reopen, a fetch given back) ends the quiet.
 */
final class ClaimQuiet {

    /** Half a second: a claim for every slot freed would find nothing most of the time. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Map<ProviderChoice, Long> until = new ConcurrentHashMap<>();

    /** Should a claim for this choice leave the database out now? */
    boolean holds(ProviderChoice chosen) {
        Long end = until.get(chosen);
        return end != null && System.nanoTime() - end < 0;
    }

    /** A claim for this choice asked for asked rows and got got. */
    void claimed(ProviderChoice chosen, int asked, int got) {
        if (got < asked) {
            until.put(chosen, System.nanoTime() + QUIET_NANOS);
        } else {
            until.remove(chosen);
        }
    }

    /** Work may have come due that no claim here has seen: the next claim asks the database. */
    void wake() {
        until.clear();
    }
}
