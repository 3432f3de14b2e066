package io.github.jimengfetcher.schedule;

import java.util.Random;
import java.util.function.Function;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schedule against the plain 10 s interval on the loads, computed (seeded, so no luck is
 * involved): the targets of bench/run.sh adaptive, without the noise of a real run.
 */
class FetchScheduleSimulationTest {

    private static final FetchSchedule FIXED = new FetchSchedule(false, 10_000, 2_000, 60_000);
    private static final FetchSchedule ADAPTIVE = new FetchSchedule(true, 10_000, 2_000, 60_000);

    private static String compare(String load, Function<Random, DoubleSupplier> durations, double maxFetches, double maxLatency) {
        // as bench/run.sh adaptive: 2,000 tasks arriving over 600 s, the first 300 to be ready teach
        ScheduleSimulation.Outcome fixed = ScheduleSimulation.stream(FIXED, durations.apply(new Random(7)), 2_000, 0.3, 300);
        ScheduleSimulation.Outcome adaptive = ScheduleSimulation.stream(ADAPTIVE, durations.apply(new Random(7)), 2_000, 0.3, 300);
        double fetchRatio = adaptive.fetchesPerTask() / fixed.fetchesPerTask();
        double latencyRatio = adaptive.meanLatencySeconds() / fixed.meanLatencySeconds();
        String said = String.format("%s: fixed %.2f fetches/task, %.2f s; adaptive %.2f fetches/task, %.2f s; ratios %.3f and %.3f",
                load, fixed.fetchesPerTask(), fixed.meanLatencySeconds(), adaptive.fetchesPerTask(), adaptive.meanLatencySeconds(),
                fetchRatio, latencyRatio);
        System.out.println(said);
        assertTrue(fetchRatio <= maxFetches, said);
        assertTrue(latencyRatio <= maxLatency, said);
        return said;
    }

    @Test
    void withTheLongTailAdaptiveNeedsAtMostThreeQuartersOfTheFetchesAtMostATenthLater() {
        compare("log-normal + 15 % tail", r -> ScheduleSimulation.lognormalWithTail(r, 0.15), 0.75, 1.10);
    }

    @Test
    void withoutTheTailAdaptiveNeedsAtMostSeventyPercentOfTheFetchesAtMostFivePercentLater() {
        compare("log-normal", r -> ScheduleSimulation.lognormalWithTail(r, 0), 0.70, 1.05);
    }

    @Test
    void onUniformDurationsAdaptiveIsNoWorseOnEither() {
        compare("uniform 30-300 s", r -> ScheduleSimulation.uniform(r, 30, 300), 1.0, 1.0);
    }
}
