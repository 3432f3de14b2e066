package io.github.jimengfetcher.schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long tasks took, per kind (the answers' action, or action/model), learned from the tasks this
 * installation finished with their video, and kept by a {@link DurationKeeper}. Every duration is also
 * learned under {@link #ANY}, the fallback for a kind not seen often enough yet.
 *
 * Only successes teach: a failure often comes at once (a refused prompt) or after a provider's own
 * timeout, a different distribution; mixed in, it would draw fetches early for every task, and a failure
 * found late costs nothing worth fetching for (no video waits). Timed-out tasks teach nothing either.
 *
 * What was learned before is read on first need (a keeper that cannot be read leaves it empty, with a WARN),
 * once the store it may live in has started.
 *
 * Readers get histograms that are never changed afterwards (a new one replaces the old on each
 * lesson), so the schedule reads without a lock on the fetch path.
 */
public class LearnedDurations {

    private static final Logger LOG = LoggerFactory.getLogger(LearnedDurations.class);

    /** The kind every duration is learned under as well. */
    public static final String ANY = "any";
    /** Kinds remembered apart, "any" included; durations of further kinds go to "any" only. */
    static final int MAX_KINDS = 32;
    /** How often what was learned is kept, at most (and when the app stops). */
    static final long KEEP_EVERY_MILLIS = 2_000;
    /** How often a shared keeper is read again for what other instances learned. */
    static final long REFRESH_MILLIS = 10_000;

    private final DurationKeeper keeper;
    private final Map<String, DurationHistogram> kinds = new ConcurrentHashMap<>();
    private final AtomicBoolean loaded = new AtomicBoolean();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /** Lessons learned here and not kept yet, per kind. Guarded by this. */
    private final Map<String, List<Double>> unkept = new HashMap<>();
    private final AtomicBoolean keeping = new AtomicBoolean();
    private volatile long keptAt = System.currentTimeMillis();
    private volatile boolean failing;
    private volatile long readAt;
    private volatile java.util.function.BiConsumer<String, Double> onLearned = (kind, seconds) -> { };
    private volatile java.util.function.Consumer<DurationRule.Verdict> onIgnored = verdict -> { };

    public LearnedDurations(DurationKeeper keeper) {
        this.keeper = keeper;
    }

    private void load() {
        try {
            if (!loaded.get()) {
                dropBeyondBound();
            }
            Map<String, DurationHistogram> stored = keeper.load();
            stored.forEach((kind, histogram) -> {
                if (kinds.size() < MAX_KINDS || kinds.containsKey(kind)) {
                    kinds.put(kind, histogram.withinBound());
                }
            });
            loaded.set(true);
        } catch (RuntimeException e) {
            LOG.warn("The learned task durations cannot be read ({}): fetching at the plain interval until they can", e.getMessage());
        }
        readAt = System.currentTimeMillis();
    }

    /** At the first read: what is kept past the bound goes, with a WARN; left for the next start when it cannot be written now. */
    private void dropBeyondBound() {
        try {
            double dropped = keeper.dropBeyondBound();
            if (dropped > 0) {
                LOG.warn("Dropped the learned task durations longer than {} h (about {} tasks' worth): no task runs that long,"
                        + " they came from wrong submit times", DurationRule.LONGEST / 3_600_000, Math.round(Math.ceil(dropped)));
            }
        } catch (RuntimeException e) {
            LOG.warn("The learned task durations longer than {} h cannot be dropped now ({}): left out here, dropped at a later start",
                    DurationRule.LONGEST / 3_600_000, e.getMessage());
        }
    }

    /** Told every duration not learned, with the reason (a label), for the metrics. */
    public void setOnIgnored(java.util.function.Consumer<DurationRule.Verdict> onIgnored) {
        this.onIgnored = onIgnored;
    }

    /** A finished task whose duration {@link DurationRule} does not trust: counted, said at DEBUG, not learned. */
    public void ignore(String taskId, DurationRule.Verdict verdict) {
        LOG.debug("{}: its duration is not learned ({})", taskId, verdict.label());
        onIgnored.accept(verdict);
    }

    /** Told every duration learned (kind, seconds), once under each kind it went to ("any" included), for the metrics. */
    public void setOnLearned(java.util.function.BiConsumer<String, Double> onLearned) {
        this.onLearned = onLearned;
    }

    /**
     * Learns one finished task's duration (ms, from its submission to its video being ready): at once
     * here, kept (written to the file or the shared store) with the others of the last
     * {@value #KEEP_EVERY_MILLIS} ms, so that a burst of tasks finishing together writes once, not once
     * each (writing each, under a lock, held back every finishing thread in the scale bench).
     */
    public void learn(String kind, long millis) {
        if (millis < 0) {
            return;
        }
        refreshNowAndThen(); // what was learned before comes first: a file keeper writes every kind
        double seconds = millis / 1000.0;
        List<String> into = new ArrayList<>(2);
        into.add(ANY);
        synchronized (this) {
            if (kind != null && !ANY.equals(kind) && (kinds.containsKey(kind) || kinds.size() < MAX_KINDS)) {
                into.add(kind);
            }
            for (String k : into) {
                DurationHistogram next = kinds.containsKey(k) ? kinds.get(k).copy() : new DurationHistogram();
                next.add(seconds);
                kinds.put(k, next);
                unkept.computeIfAbsent(k, x -> new ArrayList<>()).add(seconds);
            }
        }
        into.forEach(k -> onLearned.accept(k, seconds));
        if (System.currentTimeMillis() - keptAt >= KEEP_EVERY_MILLIS) {
            keep();
        }
    }

    /**
     * Keeps what was learned since the last time (also called when the app stops). One thread at a
     * time; another that comes meanwhile leaves it to the next. What cannot be kept (a full disk, the
     * database away) stays to be kept next time, and is used here meanwhile.
     */
    public void keep() {
        if (!keeping.compareAndSet(false, true)) {
            return;
        }
        try {
            Map<String, List<Double>> lessons;
            Map<String, DurationHistogram> learnedHere;
            synchronized (this) {
                keptAt = System.currentTimeMillis();
                if (unkept.isEmpty()) {
                    return;
                }
                lessons = new HashMap<>(unkept);
                unkept.clear();
                learnedHere = Map.copyOf(kinds);
            }
            try {
                Map<String, DurationHistogram> stored = keeper.add(lessons, learnedHere);
                synchronized (this) {
                    // the store's view (every instance's lessons), but for kinds learned here again meanwhile
                    stored.forEach((k, histogram) -> {
                        if (!unkept.containsKey(k)) {
                            kinds.put(k, histogram);
                        }
                    });
                }
                if (failing) {
                    failing = false;
                    LOG.info("The learned task durations are kept again");
                }
            } catch (RuntimeException e) {
                synchronized (this) {
                    lessons.forEach((k, durations) -> unkept.computeIfAbsent(k, x -> new ArrayList<>()).addAll(0, durations));
                }
                if (!failing) {
                    failing = true;
                    LOG.warn("Task durations could not be kept ({}): learned here, kept once they can be", e.getMessage());
                }
            }
        } finally {
            keeping.set(false);
        }
    }

    /**
     * What to schedule a task of this kind by: its kind's histogram once it is trusted, else all kinds'
     * once that one is, else null (the plain interval). Never changed after it is returned.
     */
    public DurationHistogram forKind(String kind) {
        refreshNowAndThen();
        DurationHistogram own = kind == null ? null : kinds.get(kind);
        if (FetchSchedule.trusted(own)) {
            return own;
        }
        DurationHistogram any = kinds.get(ANY);
        return FetchSchedule.trusted(any) ? any : null;
    }

    /** Every kind's histogram, for the metrics and status page. */
    public Map<String, DurationHistogram> all() {
        refreshNowAndThen();
        return Map.copyOf(kinds);
    }

    /** A shared keeper is read again every few seconds, by one thread, for what other instances learned. */
    private void refreshNowAndThen() {
        if ((!keeper.shared() && loaded.get()) || System.currentTimeMillis() - readAt < REFRESH_MILLIS) {
            return;
        }
        if (refreshing.compareAndSet(false, true)) {
            try {
                load();
            } finally {
                refreshing.set(false);
            }
        }
    }
}
