package io.github.jimengfetcher.schedule;

import java.util.Arrays;

/**
 * How long tasks of one kind took, as a bounded histogram: a fixed set of log-spaced buckets (eight
 * per doubling, from one second to 72.8 hours; longer durations share the last bucket, which only an
 * earlier version or a bad lesson fills: {@link DurationRule} learns nothing longer than 72 h), so it costs
 * the same few hundred numbers whether it learned from ten tasks or ten million.
 *
 * It follows change: each new duration first scales every earlier weight down by {@code 1 - 1/CAP},
 * so the histogram weighs roughly the last {@link #CAP} tasks (its total weight tends to CAP and never
 * exceeds it) and a provider that slows down is learned within a few hundred tasks.
 *
 * Within a bucket the density is taken as flat, so the survival function is piecewise linear and the
 * integrals the schedule needs have closed forms ({@link #sqrtHazardIntegral}, {@link #sqrtDensitySurvival}).
 * Not thread-safe: {@link LearnedDurations} guards it.
 */
public final class DurationHistogram {

    /** Buckets per doubling of the duration: about 9 % wide, finer than the spread of any real provider's durations. */
    static final int PER_DOUBLING = 8;
    /** Upper edges from 1 s to 2^18 s (72.8 h); bucket 0 is [0, 1 s), the last bucket takes everything longer. */
    static final int BUCKETS = PER_DOUBLING * 18 + 2;
    /** The earlier layout's count, up to 2^17 s (36 h): its last bucket mixed 36 h with years, so it counts as beyond. */
    static final int EARLIER_BUCKETS = PER_DOUBLING * 17 + 2;
    /** The weight the histogram tends to: about how many recent tasks it remembers. */
    public static final double CAP = 1_000;

    private static final double[] UPPER = new double[BUCKETS];

    static {
        for (int i = 0; i < BUCKETS; i++) {
            UPPER[i] = Math.pow(2, (double) i / PER_DOUBLING);
        }
        UPPER[BUCKETS - 1] = Double.POSITIVE_INFINITY;
    }

    private final double[] weights;
    private double total;
    /** {@link #sqrtDensitySurvival()}, kept until the next change: the schedule asks it at every fetch. */
    private double sqrtDensitySurvival = Double.NaN;

    public DurationHistogram() {
        this.weights = new double[BUCKETS];
    }

    /** A histogram from stored weights; a wrong length or a negative or non-finite weight makes it empty (it is only advice). */
    public static DurationHistogram of(double[] stored) {
        DurationHistogram histogram = new DurationHistogram();
        if (stored != null && stored.length == EARLIER_BUCKETS) {
            double[] widened = new double[BUCKETS];
            System.arraycopy(stored, 0, widened, 0, EARLIER_BUCKETS - 1);
            widened[BUCKETS - 1] = stored[EARLIER_BUCKETS - 1];
            stored = widened;
        }
        if (stored == null || stored.length != BUCKETS) {
            return histogram;
        }
        double sum = 0;
        for (double w : stored) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                return histogram;
            }
            sum += w;
        }
        System.arraycopy(stored, 0, histogram.weights, 0, BUCKETS);
        histogram.total = sum;
        if (sum > CAP) { // a hand edit: scaled back within the bound
            histogram.scale(CAP / sum);
        }
        return histogram;
    }

    /** The weight of durations past the last finite bucket (72.8 h): nothing a valid lesson puts there. */
    public double beyondBound() {
        return weights[BUCKETS - 1];
    }

    /** A copy without the weight past the bound. */
    public DurationHistogram withinBound() {
        double[] kept = weights.clone();
        kept[BUCKETS - 1] = 0;
        return of(kept);
    }

    /** The weights, for storage. */
    public double[] weights() {
        return weights.clone();
    }

    /** How much the histogram knows: about the number of tasks it learned from, at most {@link #CAP}. */
    public double count() {
        return total;
    }

    public DurationHistogram copy() {
        return of(weights);
    }

    /** Learns one task's duration; earlier ones weigh a little less. */
    public void add(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return;
        }
        scale(1 - 1 / CAP);
        weights[bucketOf(seconds)] += 1;
        total += 1;
    }

    private void scale(double factor) {
        sqrtDensitySurvival = Double.NaN;
        double sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            weights[i] *= factor;
            sum += weights[i];
        }
        total = sum;
    }

    static int bucketOf(double seconds) {
        if (seconds < 1) {
            return 0;
        }
        int i = (int) Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(seconds) / Math.log(2) * PER_DOUBLING));
        // floating point at an exact edge: the bucket whose upper edge is above it
        while (i > 1 && seconds < UPPER[i - 1]) {
            i--;
        }
        while (i < BUCKETS - 1 && seconds >= UPPER[i]) {
            i++;
        }
        return Math.min(i, BUCKETS - 1);
    }

    static double lower(int bucket) {
        return bucket == 0 ? 0 : UPPER[bucket - 1];
    }

    static double upper(int bucket) {
        return UPPER[bucket];
    }

    /** The density (per second, as a share of all tasks) in the bucket; zero in the open-ended last bucket. */
    private double density(int bucket) {
        if (total <= 0 || bucket == BUCKETS - 1) {
            return 0;
        }
        return weights[bucket] / total / (upper(bucket) - lower(bucket));
    }

    /** The share of tasks still running at this age: S(t) = P(duration > t). */
    public double survival(double seconds) {
        if (total <= 0) {
            return 1;
        }
        if (seconds <= 0) {
            return 1;
        }
        int b = bucketOf(seconds);
        double above = 0;
        for (int i = b + 1; i < BUCKETS; i++) {
            above += weights[i];
        }
        double inBucket = b == BUCKETS - 1 ? weights[b]
                : weights[b] * (upper(b) - seconds) / (upper(b) - lower(b));
        return Math.max(0, Math.min(1, (above + inBucket) / total));
    }

    /** The duration below which this share of tasks finished (linear within a bucket); p in [0, 1]. */
    public double quantile(double p) {
        if (total <= 0) {
            return Double.NaN;
        }
        double target = Math.max(0, Math.min(1, p)) * total;
        double below = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (weights[i] > 0 && below + weights[i] >= target) {
                if (i == BUCKETS - 1) {
                    return lower(i);
                }
                return lower(i) + (target - below) / weights[i] * (upper(i) - lower(i));
            }
            below += weights[i];
        }
        return lower(BUCKETS - 1);
    }

    /**
     * The age by which a task, still running at {@code age}, has finished with probability one half: the
     * median of what is left of the distribution; NaN when no learned task ran that long.
     */
    public double conditionalMedian(double age) {
        double s = survival(age);
        if (s <= 0 || total <= 0) {
            return Double.NaN;
        }
        double q = quantile(1 - s / 2);
        return Math.max(q, age);
    }

    /**
     * J = integral over all ages of sqrt(f(t) S(t)) dt, in sqrt(seconds): the mean detection delay of the
     * square-root schedule with inspection density n(t) = sqrt(h(t)) / c is c J / 2 (see {@link FetchSchedule}).
     * Within a bucket f is flat and S falls linearly, so each bucket's share is (2/3)(S0^1.5 - S1^1.5)/sqrt(f).
     */
    public double sqrtDensitySurvival() {
        if (!Double.isNaN(sqrtDensitySurvival)) {
            return sqrtDensitySurvival;
        }
        if (total <= 0) {
            return 0;
        }
        double integral = 0;
        double s0 = 1;
        for (int i = 0; i < BUCKETS - 1; i++) {
            double f = density(i);
            double s1 = Math.max(0, s0 - weights[i] / total);
            if (f > 0) {
                integral += 2.0 / 3.0 * (Math.pow(s0, 1.5) - Math.pow(s1, 1.5)) / Math.sqrt(f);
            }
            s0 = s1;
        }
        sqrtDensitySurvival = integral;
        return integral;
    }

    /**
     * The age at which the integral of sqrt(h(t)) from {@code from} reaches {@code target} (in sqrt(seconds)),
     * where h = f / S is the hazard rate; +infinity when it never does (no learned task ran that long).
     * Within a bucket, the integral of sqrt(f / S(t)) is 2 (sqrt(S0) - sqrt(S1)) / sqrt(f), inverted exactly.
     */
    public double sqrtHazardIntegral(double from, double target) {
        if (total <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        double t = Math.max(0, from);
        double left = target;
        int b = bucketOf(t);
        double s = survival(t);
        while (b < BUCKETS - 1) {
            double f = density(b);
            double end = upper(b);
            double sEnd = Math.max(0, s - f * (end - t));
            if (f > 0 && s > 0) {
                double here = 2 * (Math.sqrt(s) - Math.sqrt(sEnd)) / Math.sqrt(f);
                if (here >= left) {
                    double rootAtEnd = Math.sqrt(s) - left * Math.sqrt(f) / 2;
                    double sAt = rootAtEnd * rootAtEnd;
                    return t + (s - sAt) / f;
                }
                left -= here;
            }
            if (sEnd <= 0) {
                return Double.POSITIVE_INFINITY;
            }
            t = end;
            s = sEnd;
            b++;
        }
        return Double.POSITIVE_INFINITY;
    }

    @Override
    public String toString() {
        return "DurationHistogram[count=" + total + ", weights=" + Arrays.toString(weights) + "]";
    }
}
