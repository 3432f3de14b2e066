package io.github.jimengfetcher.store.journal;

import java.util.ArrayList;
import java.util.List;

import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.LeaseLostException;
import io.github.jimengfetcher.task.Task;

/**
 * Leases as the journal store keeps them: on the task itself (owner, epoch, expiry), in memory
 * only. Not thread-safe: the store guards it.
 */
final class JournalLeases {

    private JournalLeases() {
    }

    /** Leases the claimed tasks to the owner: each claim grows the epoch and moves the due time one gap on. */
    static List<Lease> lease(List<Task> claimed, String owner, long now, long leaseTime, long gap) {
        List<Lease> leases = new ArrayList<>();
        for (Task task : claimed) {
            task.epoch++;
            task.leaseOwner = owner;
            task.leaseUntil = now + leaseTime;
            task.nextAt = now + gap;
            // a mark left by a fetch whose lease lapsed: this fetch is the one it asked for
            task.notifiedMidFetch = null;
            leases.add(new Lease(task.copy(), owner, task.epoch, task.leaseUntil));
        }
        return leases;
    }

    /** The stored task under the lease; throws, changing nothing, when the lease does not hold. */
    static Task held(Task stored, Lease lease, long now) {
        String lost = lease.ended() ? "it was given back or lost before"
                : stored == null ? "the task is no longer pending"
                : !lease.owner().equals(stored.leaseOwner) || stored.epoch != lease.epoch() ? "the task was claimed again since (epoch " + stored.epoch + ")"
                : stored.leaseUntil <= now ? "it expired unrenewed"
                : null;
        if (lost != null) {
            lease.end();
            throw new LeaseLostException(lease, lost);
        }
        return stored;
    }

    /** The holder's working copy as the store keeps it: what the holder may change, with the store's own lease and origin. */
    static Task kept(Task current, Lease lease) {
        Task next = lease.task().copy();
        next.id = current.id;
        next.provider = current.provider;
        next.epoch = current.epoch;
        next.leaseOwner = current.leaseOwner;
        next.leaseUntil = current.leaseUntil;
        next.registeredAt = current.registeredAt;
        next.activeAt = current.activeAt;
        // a notification taken meanwhile stays for the release to read
        next.notifiedAt = current.notifiedAt;
        next.notifiedMidFetch = current.notifiedMidFetch;
        return next;
    }

    /** The task as a release leaves it (no owner), made from the holder's copy before the store's lock is taken. */
    static Task released(Lease lease) {
        Task next = lease.task().copy();
        next.epoch = lease.epoch();
        next.leaseOwner = null;
        next.leaseUntil = 0;
        return next;
    }
}
