package io.github.jimengfetcher.schedule;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounded statistic of task durations: its shape, its bound, and how it follows change. */
class DurationHistogramTest {

    private static DurationHistogram lognormal(int n, double median, double sigma, long seed) {
        Random random = new Random(seed);
        DurationHistogram histogram = new DurationHistogram();
        for (int i = 0; i < n; i++) {
            histogram.add(median * Math.exp(sigma * random.nextGaussian()));
        }
        return histogram;
    }

    @Test
    void anEmptyHistogramKnowsNothing() {
        DurationHistogram empty = new DurationHistogram();
        assertEquals(0, empty.count());
        assertEquals(1, empty.survival(60));
        assertTrue(Double.isNaN(empty.quantile(0.5)));
        assertEquals(0, empty.sqrtDensitySurvival());
        assertEquals(Double.POSITIVE_INFINITY, empty.sqrtHazardIntegral(0, 1));
    }

    @Test
    void bucketsAreLogSpacedAndEveryDurationHasOne() {
        assertEquals(0, DurationHistogram.bucketOf(0));
        assertEquals(0, DurationHistogram.bucketOf(0.999));
        assertEquals(1, DurationHistogram.bucketOf(1));
        for (double s = 0.5; s < 200_000; s *= 1.07) {
            int b = DurationHistogram.bucketOf(s);
            assertTrue(DurationHistogram.lower(b) <= s && s < DurationHistogram.upper(b), s + " in bucket " + b);
        }
        for (int b = 2; b < DurationHistogram.BUCKETS - 1; b++) {
            double width = DurationHistogram.upper(b) / DurationHistogram.lower(b);
            assertEquals(Math.pow(2, 1.0 / DurationHistogram.PER_DOUBLING), width, 1e-9, "bucket " + b);
        }
        assertEquals(DurationHistogram.BUCKETS - 1, DurationHistogram.bucketOf(1e9), "longer than 36 h: the last bucket");
    }

    @Test
    void survivalFallsFromOneToZeroAndNeverRises() {
        DurationHistogram histogram = lognormal(800, 60, 0.3, 1);
        assertEquals(1, histogram.survival(0));
        double before = 1;
        for (double t = 0; t < 1_000; t += 0.5) {
            double s = histogram.survival(t);
            assertTrue(s <= before + 1e-12, "S(" + t + ") = " + s + " after " + before);
            before = s;
        }
        assertEquals(0, histogram.survival(1_000), 1e-12);
        assertEquals(0.5, histogram.survival(60), 0.05, "half the tasks are done at the median");
    }

    @Test
    void quantilesMatchTheDurationsLearned() {
        DurationHistogram histogram = lognormal(1_000, 60, 0.3, 2);
        assertEquals(60, histogram.quantile(0.5), 4);
        assertEquals(60 * Math.exp(0.3 * 1.2816), histogram.quantile(0.9), 6);
        double before = 0;
        for (double p = 0; p <= 1; p += 0.01) {
            double q = histogram.quantile(p);
            assertTrue(q >= before, "quantiles rise with p");
            before = q;
        }
    }

    @Test
    void itsWeightIsBoundedHoweverManyTasksItLearns() {
        DurationHistogram histogram = lognormal(20_000, 60, 0.3, 3);
        assertTrue(histogram.count() <= DurationHistogram.CAP, "count " + histogram.count());
        assertTrue(histogram.count() > 0.99 * DurationHistogram.CAP, "count " + histogram.count());
        assertEquals(DurationHistogram.BUCKETS, histogram.weights().length, "the same few numbers whatever it learned");
    }

    @Test
    void itFollowsAProviderThatSlowsDown() {
        DurationHistogram histogram = lognormal(2_000, 60, 0.3, 4);
        Random random = new Random(5);
        for (int i = 0; i < 2_000; i++) {
            histogram.add(200 * Math.exp(0.3 * random.nextGaussian()));
        }
        assertEquals(200, histogram.quantile(0.5), 15, "the recent durations weigh most");
    }

    @Test
    void durationsThatAreNoDurationsAreIgnored() {
        DurationHistogram histogram = new DurationHistogram();
        histogram.add(-1);
        histogram.add(Double.NaN);
        histogram.add(Double.POSITIVE_INFINITY);
        assertEquals(0, histogram.count());
    }

    @Test
    void storedWeightsAreTakenOnlyWhenTheyCanBeWeights() {
        DurationHistogram learned = lognormal(300, 60, 0.3, 6);
        DurationHistogram back = DurationHistogram.of(learned.weights());
        assertTrue(Arrays.equals(learned.weights(), back.weights()));
        assertEquals(learned.count(), back.count(), 1e-9);

        assertEquals(0, DurationHistogram.of(new double[3]).count(), "another layout");
        double[] negative = learned.weights();
        negative[40] = -2;
        assertEquals(0, DurationHistogram.of(negative).count());
        double[] notANumber = learned.weights();
        notANumber[40] = Double.NaN;
        assertEquals(0, DurationHistogram.of(notANumber).count());
        double[] huge = new double[DurationHistogram.BUCKETS];
        huge[50] = 1e9;
        assertEquals(DurationHistogram.CAP, DurationHistogram.of(huge).count(), 1e-6, "scaled back within the bound");
    }

    @Test
    void theConditionalMedianOfAnOlderTaskIsLaterButNeverInItsPast() {
        DurationHistogram histogram = lognormal(1_000, 60, 0.3, 7);
        double young = histogram.conditionalMedian(0);
        double older = histogram.conditionalMedian(70);
        assertEquals(60, young, 4);
        assertTrue(older > 70 && older > young, "older " + older);
        assertTrue(Double.isNaN(histogram.conditionalMedian(10_000)), "beyond every duration learned");
    }

    @Test
    void theHazardIntegralIsExactOnAUniformSpread() {
        // Uniform on [64, 128): S(t) = (128 - t) / 64, h = 1 / (128 - t); the integral of sqrt(h) from a to b
        // is 2 (sqrt(128 - a) - sqrt(128 - b)).
        DurationHistogram histogram = new DurationHistogram();
        Random random = new Random(8);
        for (int i = 0; i < 1_000; i++) {
            histogram.add(64 + 64 * random.nextDouble());
        }
        double reach = histogram.sqrtHazardIntegral(70, 2 * (Math.sqrt(58) - Math.sqrt(28)));
        assertEquals(100, reach, 4);
    }
}
