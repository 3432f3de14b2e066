package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.github.jimengfetcher.support.fake.BenchStats.line;
import static io.github.jimengfetcher.support.fake.BenchStats.percentile;

/**
 * Per group of tasks (the id without its number: one app, one policy), leaving out the first
 * {@code teach} tasks to become ready: fetches per task, mean latency (ready to result file), and
 * how the fetches kept to the plan. A group whose app logged its plans is checked against each
 * planned gap: the next fetch may not come before the planned time and should come within half a gap
 * after it; any other is checked against the fixed interval (its gaps within 1.5 x interval; at most
 * ceil(T / interval) + 1 fetches for a task of duration T).
 */
final class BenchGroups {

    private static final Pattern PLAN = Pattern.compile("(\\S+) PLANNED next fetch (\\d+) ms after the answer at (\\d+)");

    private final long interval;
    /** Tasks that teach the learned schedule, per group, left out of the group's figures: the first to become ready. */
    private final int teach;
    /** App logs with the planned gaps (io.github.jimengfetcher.schedule.plan DEBUG lines). */
    private final List<Path> planLogs;

    /** Whether notifications were sent: the figures then split the tasks notified from those never notified ({@link BenchNotices}). */
    private final boolean notified;

    BenchGroups(long interval, int teach, List<Path> planLogs, boolean notified) {
        this.notified = notified;
        this.interval = interval;
        this.teach = teach;
        this.planLogs = planLogs;
    }

    void lines(StringBuilder out, Map<String, BenchTasks.Task> tasks, ToLongFunction<String> resultTime) {
        Map<String, List<Map.Entry<String, BenchTasks.Task>>> byGroup = new TreeMap<>();
        for (Map.Entry<String, BenchTasks.Task> e : tasks.entrySet()) {
            String id = e.getKey();
            byGroup.computeIfAbsent(id.substring(0, Math.max(0, id.lastIndexOf('-'))), g -> new ArrayList<>()).add(e);
        }
        Map<String, List<long[]>> plans = plans();
        for (Map.Entry<String, List<Map.Entry<String, BenchTasks.Task>>> group : byGroup.entrySet()) {
            List<Map.Entry<String, BenchTasks.Task>> members = new ArrayList<>(group.getValue());
            members.sort(Comparator.comparingLong(e -> e.getValue().ready));
            String g = "group." + group.getKey() + ".";
            long fetches = 0;
            long latency = 0;
            long[] latencies = new long[members.size()];
            long[] reached = new long[members.size()];
            int reachedCount = 0;
            long lostMax = 0;
            int measured = 0;
            int results = 0;
            int overBound = 0;
            long gaps = 0;
            long onTime = 0;
            long early = 0;
            long planned = 0;
            long planOnTime = 0;
            long planEarly = 0;
            long planUnmatched = 0;
            boolean hasPlans = false;
            for (int i = 0; i < members.size(); i++) {
                String id = members.get(i).getKey();
                BenchTasks.Task t = members.get(i).getValue();
                long[] times = t.fetchTimes();
                int n = times.length;
                List<long[]> taskPlans = plans.get(id);
                if (taskPlans != null) {
                    hasPlans = true;
                    // plan k follows fetch k (every answer but the last planned the next fetch)
                    if (taskPlans.size() != n - 1) {
                        planUnmatched++;
                    } else {
                        for (int k = 0; k < taskPlans.size(); k++) {
                            long due = taskPlans.get(k)[0] + taskPlans.get(k)[1];
                            planned++;
                            if (times[k + 1] < due - 5) {
                                planEarly++;
                            }
                            if (times[k + 1] <= due + taskPlans.get(k)[1] / 2) {
                                planOnTime++;
                            }
                        }
                    }
                }
                for (int k = 1; k < n; k++) {
                    long gap = times[k] - times[k - 1];
                    gaps++;
                    if (gap <= interval * 3 / 2) {
                        onTime++;
                    }
                    if (gap < interval * 95 / 100) {
                        early++;
                    }
                }
                if (n > (long) Math.ceil((double) (t.ready - t.firstFetch) / interval) + 1) {
                    overBound++;
                }
                long done = resultTime.applyAsLong(id);
                if (done > 0) {
                    results++;
                }
                if (i >= teach && done > 0) {
                    latencies[measured++] = done - t.ready;
                    if (BenchNotices.reaches(id)) {
                        reached[reachedCount++] = done - t.ready;
                    } else {
                        lostMax = Math.max(lostMax, done - t.ready);
                    }
                    latency += done - t.ready;
                    fetches += n;
                }
            }
            long[] sorted = Arrays.copyOf(latencies, measured);
            Arrays.sort(sorted);
            line(out, g + "tasks", members.size());
            line(out, g + "results", results);
            line(out, g + "measured", measured);
            line(out, g + "fetches_mean", measured == 0 ? "0" : String.format(Locale.ROOT, "%.3f", (double) fetches / measured));
            line(out, g + "latency_mean_ms", measured == 0 ? "0" : String.format(Locale.ROOT, "%.0f", (double) latency / measured));
            line(out, g + "latency_p95_ms", percentile(sorted, 95));
            line(out, g + "latency_max_ms", measured == 0 ? 0 : sorted[measured - 1]);
            if (notified) {
                // the same split in every group: the figures of a group without notifications compare like with like
                long[] reachedSorted = Arrays.copyOf(reached, reachedCount);
                Arrays.sort(reachedSorted);
                line(out, g + "latency_notified_p50_ms", percentile(reachedSorted, 50));
                line(out, g + "latency_lost_max_ms", lostMax);
            }
            line(out, g + "planned", hasPlans ? "yes" : "no");
            if (hasPlans) {
                line(out, g + "plan_gaps", planned);
                line(out, g + "plan_on_time_pct", planned == 0 ? "100.0" : String.format(Locale.ROOT, "%.1f", 100.0 * planOnTime / planned));
                line(out, g + "plan_early", planEarly);
                line(out, g + "plan_unmatched_tasks", planUnmatched);
            } else {
                line(out, g + "fetches_over_bound", overBound);
                line(out, g + "gaps_on_time_pct", gaps == 0 ? "100.0" : String.format(Locale.ROOT, "%.1f", 100.0 * onTime / gaps));
                line(out, g + "gaps_early", early);
            }
        }
    }

    /** Task id to its planned gaps in order, each {answered at, gap} (ms), from the app logs' plan lines. */
    private Map<String, List<long[]>> plans() {
        Map<String, List<long[]>> plans = new HashMap<>();
        for (Path log : planLogs) {
            try (Stream<String> lines = Files.lines(log)) {
                lines.forEach(text -> {
                    Matcher m = PLAN.matcher(text);
                    if (m.find()) {
                        plans.computeIfAbsent(m.group(1), k -> new ArrayList<>())
                                .add(new long[] {Long.parseLong(m.group(3)), Long.parseLong(m.group(2))});
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                // not written yet
            }
        }
        return plans;
    }
}
