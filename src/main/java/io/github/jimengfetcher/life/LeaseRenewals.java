package io.github.jimengfetcher.life;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Lease;

/**
 * The renewal of the leases of work in flight ({@link DueWork#renewHeld}): each is renewed once a
 * third of its time has passed, all in one call to the store, with the instance's heartbeat.
 */
final class LeaseRenewals {

    private LeaseRenewals() {
    }

    /**
     * Renews the held leases that are due and returns those lost (ended). While the store cannot be
     * reached, the leases about to run out are given up now, a safe margin before another instance
     * may take their tasks over.
     */
    static List<Lease> renewDue(TaskStore store, StoreHealth storeHealth, Collection<Lease> held) {
        try {
            store.heartbeat();
        } catch (StoreUnavailableException e) {
            storeHealth.unreachable(e);
        }
        long renewBefore = store.now() + store.leaseTimeMillis() * 2 / 3;
        List<Lease> due = new ArrayList<>();
        for (Lease lease : held) {
            if (!lease.ended() && lease.expiresAt() < renewBefore) {
                due.add(lease);
            }
        }
        if (due.isEmpty()) {
            return List.of();
        }
        try {
            List<Lease> lost = store.renewAll(due);
            storeHealth.reachable();
            return lost;
        } catch (StoreUnavailableException e) {
            storeHealth.unreachable(e);
            return lapsing(store, due);
        }
    }

    private static List<Lease> lapsing(TaskStore store, List<Lease> leases) {
        long stopAfter = store.now() + store.leaseTimeMillis() / 6;
        List<Lease> lapsing = new ArrayList<>();
        for (Lease lease : leases) {
            if (lease.expiresAt() <= stopAfter) {
                lease.end();
                lapsing.add(lease);
            }
        }
        return lapsing;
    }
}
