package io.github.jimengfetcher.store.postgres;

import java.util.List;
import java.util.Map;

import io.github.jimengfetcher.store.ProviderChoice;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;

/**
 * Serves the due leases kept here ({@link KeptLeases}) from this instance's own plan, with no statement:
 * the row is neither read nor written. Every write of a served lease (its release, a download's start, a
 * finish) is fenced by the row's owner, epoch and lease time, so a row freed meanwhile by a notification
 * or a reopen received by another instance costs one fetch whose write is refused (a lease lost), never
 * a stale answer kept.
 */
final class KeptServing {

    private final StoreClock clock;
    private final String instanceId;
    private final long leaseTime;
    private final KeptLeases kept;

    KeptServing(StoreClock clock, String instanceId, long leaseTime, KeptLeases kept) {
        this.clock = clock;
        this.instanceId = instanceId;
        this.leaseTime = leaseTime;
        this.kept = kept;
    }

    /** Up to max due kept leases of the providers chosen and not paused. */
    List<Lease> serve(int max, ProviderChoice chosen, SharedPauses pauses) {
        if (kept.size() == 0) {
            return List.of();
        }
        long now = clock.now();
        Map<ProviderName, Long> paused = pauses.inForce();
        // one that would not outlast a third of its time is left to lapse: its fetch could lose it
        return kept.takeDue(now, max, leaseTime / 3, provider -> chosen.allows(provider) && paused.getOrDefault(provider, 0L) <= now)
                .stream().map(this::lease).toList();
    }

    /** The lease as the release that kept it wrote the row: the task as written, under the same epoch. */
    private Lease lease(KeptLeases.Kept plan) {
        Task task = plan.task().copy();
        task.nextAt = plan.nextAt();
        task.leaseOwner = instanceId;
        task.leaseUntil = plan.leaseUntil();
        task.epoch = plan.epoch();
        return new Lease(task, instanceId, plan.epoch(), plan.leaseUntil());
    }
}
