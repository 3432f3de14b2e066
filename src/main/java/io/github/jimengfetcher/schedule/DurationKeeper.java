package io.github.jimengfetcher.schedule;

import java.util.List;
import java.util.Map;

/** Where the learned durations are kept between runs: a file under jimeng.work.folder, or the shared store's table. */
public interface DurationKeeper {

    /** Every kind's stored histogram; empty when nothing is stored (or it cannot be read: said with a WARN). */
    Map<String, DurationHistogram> load();

    /**
     * Keeps the lessons learned since the last call, and answers the histograms of their kinds as
     * stored now (on a shared store: with what every instance learned).
     *
     * @param lessons     per kind, the durations (seconds) learned since, in order
     * @param learnedHere what this instance knows of every kind, these lessons included: what a keeper
     *                    of one instance writes as it is
     */
    Map<String, DurationHistogram> add(Map<String, List<Double>> lessons, Map<String, DurationHistogram> learnedHere);

    /**
     * At start: removes from what is kept every weight past {@link DurationRule#LONGEST} (kept by an
     * earlier version, or learned from a bad submit time before the rule), so that it weighs on no
     * schedule again. Returns the most weight dropped from one kind (about how many tasks' durations;
     * "any" holds every kind's).
     */
    default double dropBeyondBound() {
        return 0;
    }

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
        public Map<String, DurationHistogram> add(Map<String, List<Double>> lessons, Map<String, DurationHistogram> learnedHere) {
            return learnedHere;
        }
    };
}
