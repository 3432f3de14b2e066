package io.github.jimengfetcher.store.journal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.github.jimengfetcher.store.ProviderChoice;
import io.github.jimengfetcher.task.ProviderName;

/**
 * Until when each provider's fetches are paused (a 429, a refused key), in memory: a pause is over
 * in minutes, so a restart need not keep it. Read by every fetch, so never behind the store's lock.
 */
final class FetchPauses {

    private final Map<ProviderName, Long> until = new ConcurrentHashMap<>();

    /** A shorter pause does not cut a longer one short. */
    void pause(ProviderName provider, long pausedUntil) {
        until.merge(provider, pausedUntil, Math::max);
    }

    /** 0 for a provider never paused. */
    long until(ProviderName provider) {
        return until.getOrDefault(provider, 0L);
    }

    /** Whose fetches a claim may take now: those chosen and not paused. */
    Predicate<ProviderName> open(ProviderChoice providers, long now) {
        return provider -> providers.allows(provider) && until(provider) <= now;
    }

    Map<ProviderName, Long> inForce(long now) {
        Map<ProviderName, Long> paused = new HashMap<>();
        until.forEach((provider, at) -> {
            if (at > now) {
                paused.put(provider, at);
            }
        });
        return paused;
    }
}
