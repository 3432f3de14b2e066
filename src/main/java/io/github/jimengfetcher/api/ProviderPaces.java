package io.github.jimengfetcher.api;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

import io.github.jimengfetcher.task.ProviderName;

/**
 * The fetch pace of each task API (bean {@code fetchPaces}): one {@link FetchPace} per provider, made
 * the first time the provider is asked or answers, each with the same ceiling. A provider's 429s,
 * errors and latency slow down its own fetches only: another API, or the same one on another key,
 * keeps its own pace. Thread-safe.
 */
public final class ProviderPaces {

    private final int maxLimit;
    private final LongSupplier clock;
    private final Map<ProviderName, FetchPace> paces = new ConcurrentHashMap<>();
    private volatile BiConsumer<ProviderName, FetchPace> onNew = (name, pace) -> { };

    /** @param maxLimit jimeng.fetch.max-concurrent; @param clock milliseconds */
    public ProviderPaces(int maxLimit, LongSupplier clock) {
        this.maxLimit = maxLimit;
        this.clock = clock;
    }

    public ProviderPaces(int maxLimit) {
        this(maxLimit, System::currentTimeMillis);
    }

    /** Told of each pace as it is made (the metrics register its gauges), and of those made already. */
    public synchronized void setOnNew(BiConsumer<ProviderName, FetchPace> onNew) {
        this.onNew = onNew;
        paces.forEach(onNew);
    }

    /** The provider's pace, made on first need. */
    public FetchPace of(ProviderName provider) {
        FetchPace pace = paces.get(provider);
        if (pace != null) {
            return pace;
        }
        synchronized (this) {
            return paces.computeIfAbsent(provider, name -> {
                FetchPace made = new FetchPace(maxLimit, clock);
                made.setProvider(name.value());
                onNew.accept(name, made);
                return made;
            });
        }
    }

    /** The paces made so far, by provider name. */
    public Map<ProviderName, FetchPace> all() {
        Map<ProviderName, FetchPace> byName = new TreeMap<>(Comparator.comparing(ProviderName::value));
        byName.putAll(paces);
        return byName;
    }

    /** jimeng.fetch.max-concurrent: every pace's ceiling. */
    public int maxLimit() {
        return maxLimit;
    }

    @Override
    public String toString() {
        return "fetch paces " + all();
    }
}
