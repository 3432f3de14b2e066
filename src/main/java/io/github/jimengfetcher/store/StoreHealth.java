package io.github.jimengfetcher.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the task store can be reached (bean {@code storeHealth}). The shared database can go
 * away: the first failure of an episode is logged once, the recovery once; meanwhile no new work
 * is claimed, health is DOWN, and the leases held lapse (see {@code DueWork#renewHeld} in package life).
 */
public class StoreHealth {

    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

    private long unreachableSince;
    private long failures;

    /** A call to the store failed for want of the store. */
    public void unreachable(Throwable fault) {
        boolean first;
        synchronized (this) {
            first = unreachableSince == 0;
            if (first) {
                unreachableSince = System.currentTimeMillis();
            }
            failures++;
        }
        if (first) {
            LOG.error("The task store cannot be reached ({}): no new work is taken and the work in flight stops before its "
                    + "leases run out; it goes on by itself once the store is back", fault.getMessage());
        }
    }

    /** A call to the store worked. */
    public void reachable() {
        long since;
        long failed;
        synchronized (this) {
            since = unreachableSince;
            failed = failures;
            unreachableSince = 0;
            failures = 0;
        }
        if (since != 0) {
            LOG.info("The task store can be reached again, after {} s and {} failed calls", (System.currentTimeMillis() - since) / 1000, failed);
        }
    }

    /** Since when the store cannot be reached (epoch ms), or 0 while it can. */
    public synchronized long unreachableSince() {
        return unreachableSince;
    }
}
