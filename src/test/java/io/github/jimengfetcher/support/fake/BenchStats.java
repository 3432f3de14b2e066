package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * GET /stats: plain "key value" lines for bench/run.sh. Gaps are the times between two fetches of
 * one task, as they arrived here; a due fetch is "on time" when its gap is at most 1.5 x the poll
 * interval. Latency is the result file's time minus the task's ready time, when result folders are given.
 */
final class BenchStats implements HttpHandler {

    /** A task's downloads as the storage host timed them: how many, the first start, the last end. */
    record Downloads(int count, long start, long end) {
    }

    private final FakeApi api;
    private final ArkShape ark;
    private final StorageHost storage;
    private final BenchTasks tasks;
    private final long interval;
    private final long warmup;
    private final List<Path> results;
    private final BenchGroups groups;
    private final BenchNotices notices;

    BenchStats(FakeApi api, ArkShape ark, StorageHost storage, BenchTasks tasks, long interval, long warmup, List<Path> results, BenchGroups groups,
            BenchNotices notices) {
        this.api = api;
        this.ark = ark;
        this.storage = storage;
        this.tasks = tasks;
        this.interval = interval;
        this.warmup = warmup;
        this.results = results;
        this.groups = groups;
        this.notices = notices;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Requests.read(exchange, 0, false);
            byte[] body = stats().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private String stats() {
        StringBuilder out = new StringBuilder();
        Map<String, BenchTasks.Task> all = new HashMap<>(tasks.all());
        Map<String, Downloads> downloads = downloads();
        long bound = (long) Math.ceil((double) tasks.readyAfter() / interval) + 1;
        int maxFetches = 0;
        long sumFetches = 0;
        int overBound = 0;
        int maxDownloads = 0;
        long downloadsTotal = 0;
        long firstFetchMin = Long.MAX_VALUE;
        long firstFetchMax = 0;
        long[] gaps = new long[1024];
        int gapCount = 0;
        for (Map.Entry<String, BenchTasks.Task> e : all.entrySet()) {
            BenchTasks.Task t = e.getValue();
            long[] times = t.fetchTimes();
            int n = times.length;
            Downloads d = downloads.get(e.getKey());
            maxDownloads = Math.max(maxDownloads, d == null ? 0 : d.count());
            downloadsTotal += d == null ? 0 : d.count();
            maxFetches = Math.max(maxFetches, n);
            sumFetches += n;
            if (n > bound) {
                overBound++;
            }
            firstFetchMin = Math.min(firstFetchMin, t.firstFetch);
            firstFetchMax = Math.max(firstFetchMax, t.firstFetch);
            if (gapCount + n > gaps.length) {
                gaps = Arrays.copyOf(gaps, Math.max(gaps.length * 2, gapCount + n + 1024));
            }
            for (int i = 1; i < n; i++) {
                gaps[gapCount++] = times[i] - times[i - 1];
            }
        }
        gaps = Arrays.copyOf(gaps, gapCount);
        Arrays.sort(gaps);
        long onTime = Arrays.stream(gaps).filter(g -> g <= interval * 3 / 2).count();
        long early = Arrays.stream(gaps).filter(g -> g < interval * 95 / 100).count();
        long firstStart = downloads.values().stream().mapToLong(Downloads::start).min().orElse(0);
        long lastEnd = downloads.values().stream().mapToLong(Downloads::end).max().orElse(0);
        line(out, "tasks", all.size());
        line(out, "fetches_total", tasks.fetches());
        line(out, "fetches_max", maxFetches);
        line(out, "fetches_mean", all.isEmpty() ? "0" : String.format("%.2f", (double) sumFetches / all.size()));
        line(out, "fetches_bound", bound);
        line(out, "fetches_over_bound", overBound);
        line(out, "unauthorized", api.refused());
        // Ark's shape: a list query asks about many tasks (each counted as a fetch above) in one request.
        line(out, "ark_task_requests", ark.requests(ArkShape.TASK));
        line(out, "ark_list_requests", ark.requests(ArkShape.LIST));
        line(out, "gaps", gapCount);
        line(out, "gaps_on_time_pct", gapCount == 0 ? "100.0" : String.format("%.1f", 100.0 * onTime / gapCount));
        line(out, "gaps_early", early);
        line(out, "gap_min_ms", gapCount == 0 ? 0 : gaps[0]);
        line(out, "gap_mean_ms", gapCount == 0 ? 0 : Arrays.stream(gaps).sum() / gapCount);
        line(out, "gap_p50_ms", percentile(gaps, 50));
        line(out, "gap_p95_ms", percentile(gaps, 95));
        line(out, "gap_max_ms", gapCount == 0 ? 0 : gaps[gapCount - 1]);
        line(out, "first_fetch_span_ms", all.isEmpty() ? 0 : firstFetchMax - firstFetchMin);
        line(out, "first_fetch_min", all.isEmpty() ? 0 : firstFetchMin);
        line(out, "downloads_total", downloadsTotal);
        line(out, "downloads_max_per_task", maxDownloads);
        line(out, "download_first_start", firstStart);
        line(out, "download_last_end", lastEnd);
        line(out, "bytes_sent", storage.bytesSent());
        line(out, "max_concurrent_fetches", api.mostInFlight());
        line(out, "fetches_limited", api.admission().limited());
        pace(out, all.values());
        line(out, "max_concurrent_downloads", storage.mostAtOnce());
        int probe = 0;
        for (StorageHost.Download d : storage.downloads()) {
            if (d.probe()) {
                line(out, "probe_" + probe + "_bytes", d.bytes());
                line(out, "probe_" + probe++ + "_ms", d.end() - d.start());
            }
        }
        // The app's own download of a single video, as timed here: request to last byte sent.
        if (all.size() == 1) {
            Downloads only = downloads.get(all.keySet().iterator().next());
            line(out, "single_download_ms", only == null ? 0 : only.end() - only.start());
        }
        if (!results.isEmpty()) {
            latency(out, all, downloads);
        }
        if (tasks.drawn()) {
            groups.lines(out, all, this::resultTime);
        }
        notices.lines(out);
        return out.toString();
    }

    /** Per task: its downloads, made-up videos only (not the probes). */
    private Map<String, Downloads> downloads() {
        Map<String, Downloads> byTask = new HashMap<>();
        for (StorageHost.Download d : storage.downloads()) {
            if (!d.probe()) {
                byTask.merge(d.name().replaceFirst("\\.mp4$", ""), new Downloads(1, d.start(), d.end()),
                        (a, b) -> new Downloads(a.count() + 1, Math.min(a.start(), b.start()), Math.max(a.end(), b.end())));
            }
        }
        return byTask;
    }

    /**
     * The pace scenario's figures, over the seconds from the warm-up after the first fetch to the last
     * whole second: admitted fetches a second, the share answered 429, and the gaps between two
     * admitted fetches of a task that ended in that window (their mean and largest).
     */
    private void pace(StringBuilder out, Iterable<BenchTasks.Task> all) {
        long firstFetchAt = api.admission().firstFetchAt();
        if (firstFetchAt == 0) {
            return;
        }
        int from = (int) (warmup / 1000);
        int to = (int) Math.min(Admission.seconds(), (System.currentTimeMillis() - firstFetchAt) / 1000);
        long[][] perSecond = api.admission().perSecond(to);
        long admittedIn = 0;
        long limitedIn = 0;
        for (int s = from; s < to; s++) {
            admittedIn += perSecond[0][s];
            limitedIn += perSecond[1][s];
        }
        long windowStart = firstFetchAt + from * 1000L;
        long windowEnd = firstFetchAt + to * 1000L;
        long gapSum = 0;
        long gapCount = 0;
        long gapMax = 0;
        for (BenchTasks.Task t : all) {
            long[] times = t.fetchTimes();
            for (int i = 1; i < times.length; i++) {
                if (times[i] >= windowStart && times[i] < windowEnd) {
                    long gap = times[i] - times[i - 1];
                    gapSum += gap;
                    gapCount++;
                    gapMax = Math.max(gapMax, gap);
                }
            }
        }
        line(out, "pace_window_s", Math.max(0, to - from));
        line(out, "pace_admitted_per_s", String.format("%.1f", to > from ? (double) admittedIn / (to - from) : 0.0));
        line(out, "pace_limited_pct", String.format("%.2f", admittedIn + limitedIn == 0 ? 0.0 : 100.0 * limitedIn / (admittedIn + limitedIn)));
        line(out, "pace_limited", limitedIn);
        line(out, "pace_gap_mean_ms", gapCount == 0 ? 0 : gapSum / gapCount);
        line(out, "pace_gap_max_ms", gapMax);
        StringBuilder seconds = new StringBuilder();
        for (int s = 0; s < to; s++) {
            seconds.append(s == 0 ? "" : ",").append(perSecond[0][s]).append('/').append(perSecond[1][s]);
        }
        line(out, "pace_seconds", seconds);
    }

    private void latency(StringBuilder out, Map<String, BenchTasks.Task> all, Map<String, Downloads> downloads) {
        long[] lat = new long[all.size()];
        long[] queue = new long[all.size()];
        long[] transfer = new long[all.size()];
        long[] finish = new long[all.size()];
        int done = 0;
        int n = 0;
        long lastResult = 0;
        for (Map.Entry<String, BenchTasks.Task> e : all.entrySet()) {
            BenchTasks.Task t = e.getValue();
            long result = resultTime(e.getKey());
            if (result <= 0) {
                continue;
            }
            lat[done++] = result - t.ready;
            lastResult = Math.max(lastResult, result);
            // Where a task's latency goes: from the fetch that found it ready to its download's request,
            // the download as this server timed it, and from the last byte sent to the result file.
            long found = t.firstFetchFrom(t.ready);
            Downloads d = downloads.get(e.getKey());
            if (found > 0 && d != null) {
                queue[n] = d.start() - found;
                transfer[n] = d.end() - d.start();
                finish[n] = result - d.end();
                n++;
            }
        }
        lat = sorted(lat, done);
        line(out, "results", done);
        line(out, "latency_p50_ms", percentile(lat, 50));
        line(out, "latency_p95_ms", percentile(lat, 95));
        line(out, "latency_max_ms", done == 0 ? 0 : lat[done - 1]);
        line(out, "last_result", lastResult);
        queue = sorted(queue, n);
        transfer = sorted(transfer, n);
        finish = sorted(finish, n);
        line(out, "ready_fetch_to_download_p50_ms", percentile(queue, 50));
        line(out, "ready_fetch_to_download_p95_ms", percentile(queue, 95));
        line(out, "download_p50_ms", percentile(transfer, 50));
        line(out, "download_p95_ms", percentile(transfer, 95));
        line(out, "download_end_to_result_p50_ms", percentile(finish, 50));
        line(out, "download_end_to_result_p95_ms", percentile(finish, 95));
    }

    /** When the task's result file was written (its modification time), or 0 while there is none. */
    long resultTime(String id) {
        for (Path folder : results) {
            try {
                return Files.getLastModifiedTime(folder.resolve(id + ".json")).toMillis();
            } catch (IOException notThere) {
                // not in this one
            }
        }
        return 0;
    }

    private static long[] sorted(long[] values, int n) {
        long[] copy = Arrays.copyOf(values, n);
        Arrays.sort(copy);
        return copy;
    }

    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static void line(StringBuilder out, String key, Object value) {
        out.append(key).append(' ').append(value).append('\n');
    }
}
