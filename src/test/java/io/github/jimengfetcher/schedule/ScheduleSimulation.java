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

    /**
     * As bench/run.sh adaptive runs it: {@code tasks} tasks arriving one every {@code spacing} seconds, each
     * fetched at once and then by the schedule, learning each duration when its task is found ready (only
     * what has finished by then is known); the first {@code teach} tasks to become ready are left out.
     */
    static Outcome stream(FetchSchedule schedule, DoubleSupplier durations, int tasks, double spacing, int teach) {
        double[] arrival = new double[tasks];
        double[] duration = new double[tasks];
        for (int i = 0; i < tasks; i++) {
            arrival[i] = i * spacing;
            duration[i] = durations.getAsDouble();
        }
        // fetch events: {time, task}
        java.util.PriorityQueue<double[]> events = new java.util.PriorityQueue<>(java.util.Comparator.comparingDouble(e -> e[0]));
        for (int i = 0; i < tasks; i++) {
            events.add(new double[] {arrival[i], i});
        }
        DurationHistogram learned = new DurationHistogram();
        int[] fetches = new int[tasks];
        double[] latency = new double[tasks];
        while (!events.isEmpty()) {
            double[] event = events.poll();
            int i = (int) event[1];
            double age = event[0] - arrival[i];
            fetches[i]++;
            if (age >= duration[i]) {
                latency[i] = age - duration[i];
                learned.add(duration[i]);
                continue;
            }
            events.add(new double[] {event[0] + schedule.gapMillis(learned, age) / 1000.0, i});
        }
        Integer[] byReady = new Integer[tasks];
        for (int i = 0; i < tasks; i++) {
            byReady[i] = i;
        }
        java.util.Arrays.sort(byReady, java.util.Comparator.comparingDouble(i -> arrival[i] + duration[i]));
        long sumFetches = 0;
        double sumLatency = 0;
        for (int k = teach; k < tasks; k++) {
            sumFetches += fetches[byReady[k]];
            sumLatency += latency[byReady[k]];
        }
        return new Outcome((double) sumFetches / (tasks - teach), sumLatency / (tasks - teach));
    }

    private ScheduleSimulation() {
    }
}
