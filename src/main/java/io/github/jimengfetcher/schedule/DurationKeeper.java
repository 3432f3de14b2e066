package io.github.jimengfetcher.schedule;

import java.util.Collection;
import java.util.Map;

/** Where the learned durations are kept between runs: a file under jimeng.work, or the shared store's table. */
public interface DurationKeeper {

    /** Every kind's stored histogram; empty when nothing is stored (or it cannot be read: said with a WARN). */
    Map<String, DurationHistogram> load();

    /**
     * Adds one duration to the stored histograms of these kinds, and answers them as stored now (on a
     * shared store: with what every instance learned).
     *
     * @param current what this instance knows of every kind, for a keeper that writes them all
     */
    Map<String, DurationHistogram> add(Collection<String> kinds, double seconds, Map<String, DurationHistogram> current);

    /** Does another instance learn into the same place, so that reading it again now and then brings news? */
    default boolean shared() {
        return false;
    }

    /** Keeps nothing: what is learned lasts until the process ends. */
    DurationKeeper IN_MEMORY = new DurationKeeper() {
        @Override
        public Map<String, DurationHistogram> load() {
            return Map.of();
        }

        @Override
        public Map<String, DurationHistogram> add(Collection<String> kinds, double seconds, Map<String, DurationHistogram> current) {
            Map<String, DurationHistogram> added = new java.util.HashMap<>();
            for (String kind : kinds) {
                DurationHistogram histogram = current.containsKey(kind) ? current.get(kind).copy() : new DurationHistogram();
                histogram.add(seconds);
                added.put(kind, histogram);
            }
            return added;
        }
    };
}
