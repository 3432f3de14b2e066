package io.github.jimengfetcher.schedule;

import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * The fetches and detection latency of a schedule on a load of task durations, computed rather than run:
 * each task is fetched at age 0, then after each planned gap, until a fetch at or after its duration.
 * Fetch round trips and downloads are left out (they are the same for every schedule).
 */
final class ScheduleSimulation {

    record Outcome(double fetchesPerTask, double meanLatencySeconds) {
    }

    /** The main load: log-normal durations, median 60 s, sigma 0.3, plus 15 % uniform in 120-600 s. */
    static DoubleSupplier lognormalWithTail(Random random, double tailShare) {
        return () -> random.nextDouble() < tailShare
                ? 120 + 480 * random.nextDouble()
                : 60 * Math.exp(0.3 * random.nextGaussian());
    }

    static DoubleSupplier uniform(Random random, double from, double to) {
        return () -> from + (to - from) * random.nextDouble();
    }

    /** Learns {@code teach} durations, then schedules {@code measure} more by what it learned (learning on as they finish). */
    static Outcome run(FetchSchedule schedule, DoubleSupplier durations, int teach, int measure) {
        DurationHistogram learned = new DurationHistogram();
        for (int i = 0; i < teach; i++) {
            learned.add(durations.getAsDouble());
        }
        long fetches = 0;
        double latency = 0;
        for (int i = 0; i < measure; i++) {
            double duration = durations.getAsDouble();
            double at = 0;
            fetches++;
            while (at < duration) {
                at += schedule.gapMillis(learned, at) / 1000.0;
                fetches++;
            }
            latency += at - duration;
            learned.add(duration);
        }
        return new Outcome((double) fetches / measure, latency / measure);
    }

    private ScheduleSimulation() {
    }
}
