package io.github.jimengfetcher.life;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

import io.github.jimengfetcher.api.FetchPace;
import io.github.jimengfetcher.api.ProviderPaces;
import io.github.jimengfetcher.store.ProviderChoice;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;

/**
 * Claims of due fetches within each provider's pace ({@link DueWork}'s): no provider gets more than
 * its rate allows now (its tokens) nor more than its concurrency limit leaves room for, so a provider
 * slowed down by its API holds up no other. A provider that may take nothing now is skipped, its tasks
 * not looked at; one that may take fewer than the free slots is claimed on its own, up to what it may
 * take; the rest are claimed together, earliest due first, as with no pace. A provider's pace is made
 * when it is first asked (ProviderPaces), so a provider not met yet is not held.
 */
final class PacedFetchClaims {

    /** What a claim got, and whether some provider was held back by its pace (then nothing waits for due work this tick). */
    record Claimed(List<Lease> leases, boolean held) {

        static final Claimed NONE = new Claimed(List.of(), false);
    }

    private final TaskStore store;
    private final ProviderPaces paces;
    private final WorkSlots fetchSlots;
    /** The provider's fetches claimed here and not given back yet. */
    private final ToIntFunction<ProviderName> held;

    /** @param fetchSlots the fetch slots: a fetch ending gives one back, and makes room in its provider's limit */
    PacedFetchClaims(TaskStore store, ProviderPaces paces, WorkSlots fetchSlots, ToIntFunction<ProviderName> held) {
        this.store = store;
        this.paces = paces;
        this.fetchSlots = fetchSlots;
        this.held = held;
    }

    /**
     * Leases up to free due fetches within the paces; when nothing could be claimed because a provider
     * waits for its next token or for one of its fetches to end, waits for that, but not past the deadline.
     */
    Claimed claim(int free, long gap, long deadline) throws InterruptedException {
        while (true) {
            Map<ProviderName, Integer> tokens = new HashMap<>();
            Set<ProviderName> skipped = new HashSet<>();
            List<ProviderName> alone = new ArrayList<>();
            long nextToken = Long.MAX_VALUE;
            boolean atLimit = false;
            for (Map.Entry<ProviderName, FetchPace> known : paces.all().entrySet()) {
                FetchPace pace = known.getValue();
                int room = room(known.getKey(), pace, free);
                int taken = room > 0 ? pace.takeTokens(room) : 0;
                if (taken == 0) {
                    skipped.add(known.getKey());
                    atLimit |= room <= 0;
                    nextToken = room > 0 ? Math.min(nextToken, pace.millisUntilToken()) : nextToken;
                    continue;
                }
                tokens.put(known.getKey(), taken);
                if (taken < free) {
                    alone.add(known.getKey());
                }
            }
            List<Lease> leases = claimWithin(free, gap, tokens, skipped, alone);
            if (!leases.isEmpty() || skipped.isEmpty()) {
                return new Claimed(leases, !skipped.isEmpty());
            }
            long left = deadline - store.now();
            if (left <= 0) {
                return new Claimed(leases, true);
            }
            if (atLimit) {
                fetchSlots.awaitGiveBack(Math.min(left, nextToken));
            } else {
                Thread.sleep(Math.max(1, Math.min(left, nextToken)));
            }
        }
    }

    /** At its ceiling a provider may have two fetches per fetch thread claimed (one at the thread, one queued); below it, its limit. */
    private int room(ProviderName provider, FetchPace pace, int free) {
        int limit = pace.limit();
        if (limit >= pace.maxLimit()) {
            return free;
        }
        return Math.min(free, limit - held.applyAsInt(provider));
    }

    private List<Lease> claimWithin(int free, long gap, Map<ProviderName, Integer> tokens, Set<ProviderName> skipped,
            List<ProviderName> alone) {
        List<Lease> leases = new ArrayList<>();
        try {
            for (ProviderName provider : alone) {
                if (leases.size() < free) {
                    leases.addAll(store.claimDue(Task.Phase.FETCH, Math.min(tokens.get(provider), free - leases.size()), gap,
                            ProviderChoice.only(provider)));
                }
            }
            if (leases.size() < free) {
                Set<ProviderName> notNow = new HashSet<>(skipped);
                notNow.addAll(alone);
                leases.addAll(store.claimDue(Task.Phase.FETCH, free - leases.size(), gap, ProviderChoice.allBut(notNow)));
            }
        } finally {
            Map<ProviderName, Integer> claimed = new HashMap<>();
            leases.forEach(lease -> claimed.merge(lease.task().provider, 1, Integer::sum));
            tokens.forEach((provider, taken) -> paces.of(provider).giveBackTokens(taken - claimed.getOrDefault(provider, 0)));
            // A provider met for the first time: its new pace counts these fetches from the start.
            claimed.forEach((provider, count) -> {
                if (!tokens.containsKey(provider)) {
                    paces.of(provider).takeTokens(count);
                }
            });
        }
        return leases;
    }
}
