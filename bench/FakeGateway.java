import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The benchmark's stand-in for the task API and the storage host, on 127.0.0.1 only.
 *
 * GET /jimeng/fetch/{id}  IN_PROGRESS (10%) until the task's ready time (its first fetch + --ready-after, or + a
 *                         duration drawn per task by --durations), then SUCCESS with the video URL at
 *                         data.data.data.data.video (the provider's shape). Both carry submit_time (the first
 *                         fetch) and the success finish_time (the ready time), in Unix seconds with milliseconds.
 *                         Wants "Authorization: Bearer {--key}", else 401. With --admit-rate N, admits N fetches a
 *                         second (a token bucket holding N) and answers 429 beyond, without Retry-After.
 * GET /videos/{id}.mp4    --video-size bytes of a well-formed MP4 (ftyp, moov, then an mdat filling the size), with Content-Length,
 *                         optionally limited to --rate bytes/s per connection; "?size=N" overrides the size
 *                         (used for the curl probe); "Range: bytes=N-" is honoured.
 * GET /stats              plain "key value" lines for bench/run.sh (see {@link #stats}).
 *
 * Runs with the JDK alone: java bench/FakeGateway.java --port-file F [options], or compiled by bench/run.sh.
 */
public final class FakeGateway {

    private final String key;
    private final long readyAfter;
    private final long videoSize;
    private final long fetchDelay;
    private final long rate;
    private final long interval;
    private final long warmup;
    private final List<Path> results = new ArrayList<>();
    /** How each task's duration is drawn: fixed (--ready-after), lognormal, lognormal-tail, uniform. */
    private final String durations;
    /** Every duration of --durations is divided by this (the run goes that much faster). */
    private final double timeScale;
    /** Tasks that teach the learned schedule, per group, left out of the group's figures: the first to become ready. */
    private final int teach;
    /** App logs with the planned gaps (io.github.jimengfetcher.schedule.plan DEBUG lines). */
    private final List<Path> planLogs = new ArrayList<>();
    private final byte[] pattern = new byte[1 << 20];

    private final Map<String, TaskStat> tasks = new ConcurrentHashMap<>();
    private final AtomicInteger fetchesInFlight = new AtomicInteger();
    private final AtomicInteger maxFetchesInFlight = new AtomicInteger();
    private final AtomicInteger downloadsInFlight = new AtomicInteger();
    private final AtomicInteger maxDownloadsInFlight = new AtomicInteger();
    private final AtomicLong fetchesTotal = new AtomicLong();
    /** Fetches admitted per key and second (a token bucket holding one second's worth; 429 beyond, without Retry-After); 0: no limit. */
    private final double admitRate;
    private double admitTokens;
    private long admitAt;
    private final AtomicLong fetchesLimited = new AtomicLong();
    /** Admitted and limited fetches per second since the first fetch. */
    private final long[][] perSecond = new long[2][3600];
    private volatile long firstFetchAt;
    private final AtomicLong unauthorized = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong firstDownloadStart = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastDownloadEnd = new AtomicLong();
    private final List<long[]> probes = new ArrayList<>();
    private volatile String baseUrl;

    /** What the server saw of one task. */
    static final class TaskStat {
        final long firstFetch;
        final long ready;
        long[] fetchTimes = new long[8];
        int fetches;
        int downloads;
        long downloadStart;
        long downloadEnd;

        TaskStat(long firstFetch, long ready) {
            this.firstFetch = firstFetch;
            this.ready = ready;
        }

        /** The first fetch at or after the given time (the one that found the task ready), or 0. */
        synchronized long firstFetchFrom(long time) {
            for (int i = 0; i < fetches; i++) {
                if (fetchTimes[i] >= time) {
                    return fetchTimes[i];
                }
            }
            return 0;
        }

        synchronized void fetched(long at) {
            if (fetches == fetchTimes.length) {
                fetchTimes = Arrays.copyOf(fetchTimes, fetches * 2);
            }
            fetchTimes[fetches++] = at;
        }
    }

    FakeGateway(Map<String, String> opts) {
        key = opts.getOrDefault("key", "bench-key");
        readyAfter = millis(opts.getOrDefault("ready-after", "30s"));
        videoSize = bytes(opts.getOrDefault("video-size", "64KB"));
        fetchDelay = millis(opts.getOrDefault("fetch-delay", "0"));
        rate = bytes(opts.getOrDefault("rate", "0"));
        interval = millis(opts.getOrDefault("interval", "10s"));
        warmup = millis(opts.getOrDefault("warmup", "10s"));
        admitRate = Double.parseDouble(opts.getOrDefault("admit-rate", "0"));
        admitTokens = admitRate;
        admitAt = System.nanoTime();
        if (opts.containsKey("results")) {
            for (String folder : opts.get("results").split(java.io.File.pathSeparator)) {
                results.add(Path.of(folder));
            }
        }
        durations = opts.getOrDefault("durations", "fixed");
        timeScale = Double.parseDouble(opts.getOrDefault("time-scale", "1"));
        teach = Integer.parseInt(opts.getOrDefault("teach", "0"));
        if (opts.containsKey("plans")) {
            for (String log : opts.get("plans").split(java.io.File.pathSeparator)) {
                planLogs.add(Path.of(log));
            }
        }
        if (!List.of("fixed", "lognormal", "lognormal-tail", "uniform").contains(durations)) {
            throw new IllegalArgumentException("--durations: fixed, lognormal, lognormal-tail or uniform, not " + durations);
        }
        // A fixed pseudo-random pattern (not compressible): the mdat's content, after the boxes' headers (see boxes()).
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < pattern.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            pattern[i] = (byte) x;
        }
    }

    /**
     * The first bytes of a video of this size: an ftyp box, a small moov box, and the header of an
     * mdat box that runs to the end (with a 64-bit size when it needs one), so the app's MP4 check passes.
     */
    static byte[] boxes(long size) {
        java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(24 + 108 + 16);
        head.putInt(24).put(ascii("ftyp")).put(ascii("isom")).putInt(0x200).put(ascii("isom")).put(ascii("mp41"));
        head.putInt(108).put(ascii("moov")).position(24 + 108);
        long mdat = size - 24 - 108;
        if (mdat <= 0xFFFFFFFFL) {
            head.putInt((int) mdat).put(ascii("mdat"));
        } else {
            head.putInt(1).put(ascii("mdat")).putLong(mdat);
        }
        return Arrays.copyOf(head.array(), head.position());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) throws Exception {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
        // delayed ACK: about 40 ms per small answer, which would make the fake API the bottleneck.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Map<String, String> opts = new ConcurrentHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        FakeGateway gateway = new FakeGateway(opts);
        int threads = Integer.parseInt(opts.getOrDefault("threads", "256"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                Integer.parseInt(opts.getOrDefault("port", "0"))), 4096);
        server.createContext("/jimeng/fetch/", gateway::fetch);
        server.createContext("/videos/", gateway::video);
        server.createContext("/stats", gateway::stats);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fake-gateway");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.start();
        gateway.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
        if (opts.containsKey("port-file")) {
            Path portFile = Path.of(opts.get("port-file"));
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(server.getAddress().getPort()));
            Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.println("fake gateway on " + gateway.baseUrl + " (ready after " + gateway.readyAfter + " ms, video "
                + gateway.videoSize + " bytes, fetch delay " + gateway.fetchDelay + " ms, rate " + gateway.rate + " B/s)");
        // Runs until killed; a hard upper bound keeps a forgotten server from living on.
        long maxLife = millis(opts.getOrDefault("max-life", "2h"));
        Thread.sleep(maxLife);
        server.stop(0);
        System.exit(0);
    }

    // ---- the API ----

    private void fetch(HttpExchange ex) throws IOException {
        long now = System.currentTimeMillis();
        int inFlight = fetchesInFlight.incrementAndGet();
        maxFetchesInFlight.accumulateAndGet(inFlight, Math::max);
        try (ex) {
            drain(ex);
            if (!("Bearer " + key).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                unauthorized.incrementAndGet();
                send(ex, 401, "{\"error\":{\"message\":\"invalid token\",\"type\":\"new_api_error\"}}");
                return;
            }
            String id = ex.getRequestURI().getPath().substring("/jimeng/fetch/".length());
            if (firstFetchAt == 0) {
                synchronized (perSecond) {
                    if (firstFetchAt == 0) {
                        firstFetchAt = now;
                    }
                }
            }
            boolean admitted = admitted();
            int second = (int) Math.min(perSecond[0].length - 1, (now - firstFetchAt) / 1000);
            synchronized (perSecond) {
                perSecond[admitted ? 0 : 1][second]++;
            }
            if (!admitted) {
                // The providers' QPS-exceeded answer: at once, and without Retry-After.
                fetchesLimited.incrementAndGet();
                send(ex, 429, "{\"error\":{\"message\":\"Request rate limit exceeded (QPS)\",\"type\":\"rate_limit_error\"}}");
                return;
            }
            TaskStat task = tasks.computeIfAbsent(id, k -> new TaskStat(now, now + durationOf(k)));
            task.fetched(now);
            fetchesTotal.incrementAndGet();
            if (fetchDelay > 0) {
                sleep(fetchDelay);
            }
            boolean ready = now >= task.ready;
            send(ex, 200, ready ? success(id, task) : inProgress(id, task));
        } finally {
            fetchesInFlight.decrementAndGet();
        }
    }

    /** One token of the key's bucket, if there is one. */
    private synchronized boolean admitted() {
        if (admitRate <= 0) {
            return true;
        }
        long now = System.nanoTime();
        admitTokens = Math.min(admitRate, admitTokens + (now - admitAt) / 1e9 * admitRate);
        admitAt = now;
        if (admitTokens >= 1) {
            admitTokens--;
            return true;
        }
        return false;
    }

    /**
     * How long the task takes (ms), drawn from --durations by the number that ends its id, so that the
     * task of the same number has the same duration whichever app (policy) fetches it.
     */
    long durationOf(String id) {
        if (durations.equals("fixed")) {
            return readyAfter;
        }
        long number;
        try {
            number = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
            number = id.hashCode();
        }
        java.util.Random random = new java.util.Random(number * 0x9E3779B97F4A7C15L + 17);
        double seconds = switch (durations) {
            // The loads: log-normal, median 60 s, sigma 0.3, with 15 % uniform in 120-600 s (the long tail)
            case "lognormal-tail" -> random.nextDouble() < 0.15 ? 120 + 480 * random.nextDouble() : 60 * Math.exp(0.3 * random.nextGaussian());
            case "lognormal" -> 60 * Math.exp(0.3 * random.nextGaussian());
            default -> 30 + 270 * random.nextDouble(); // uniform 30-300 s
        };
        return Math.round(seconds * 1000 / timeScale);
    }

    private static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.3f", millis / 1000.0);
    }

    private static String inProgress(String id, TaskStat task) {
        return "{\"code\":\"success\",\"message\":\"\",\"data\":{\"task_id\":\"" + id
                + "\",\"action\":\"jimeng-videos\",\"status\":\"IN_PROGRESS\",\"fail_reason\":\"\",\"submit_time\":" + seconds(task.firstFetch)
                + ",\"start_time\":0,\"finish_time\":0,\"progress\":\"10%\",\"data\":null}}";
    }

    private String success(String id, TaskStat task) {
        String url = baseUrl + "/videos/" + id + ".mp4?X-Tos-Expires=86400&X-Tos-Signature=bench";
        return "{\"code\":\"success\",\"message\":\"\",\"data\":{\"task_id\":\"" + id
                + "\",\"action\":\"jimeng-videos\",\"status\":\"SUCCESS\",\"fail_reason\":\"\",\"submit_time\":" + seconds(task.firstFetch) + ","
                + "\"start_time\":0,\"finish_time\":" + seconds(task.ready) + ",\"progress\":\"100%\",\"data\":{\"code\":\"success\",\"data\":{"
                + "\"data\":{\"video\":\"" + url + "\",\"status\":\"SUCCESS\",\"created_at\":\"2025-08-29T16:52:26.472319\"},"
                + "\"action\":\"jimeng-videos\",\"status\":\"SUCCESS\",\"task_id\":\"" + id + "\",\"platform\":\"jimeng\","
                + "\"progress\":\"100%\",\"start_time\":1756457496,\"fail_reason\":\"\",\"finish_time\":1756457546,"
                + "\"search_item\":\"\",\"submit_time\":1756457484},\"message\":\"\"}}}";
    }

    // ---- the storage host ----

    private void video(HttpExchange ex) throws IOException {
        long start = System.currentTimeMillis();
        int inFlight = downloadsInFlight.incrementAndGet();
        maxDownloadsInFlight.accumulateAndGet(inFlight, Math::max);
        try (ex) {
            drain(ex);
            URI uri = ex.getRequestURI();
            String name = uri.getPath().substring("/videos/".length());
            String id = name.endsWith(".mp4") ? name.substring(0, name.length() - 4) : name;
            long size = videoSize;
            String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
            for (String part : query.split("&")) {
                if (part.startsWith("size=")) {
                    size = bytes(part.substring(5));
                }
            }
            boolean probe = query.contains("probe=1");
            TaskStat task = probe ? null : tasks.get(id);
            if (!probe && task == null) {
                send(ex, 404, "<html><body>NoSuchKey</body></html>");
                return;
            }
            long from = 0;
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                from = Long.parseLong(range.substring(6, range.length() - 1));
            }
            if (from >= size && size > 0) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "video/mp4");
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            if (from > 0) {
                ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (size - 1) + "/" + size);
                ex.sendResponseHeaders(206, size - from);
            } else {
                ex.sendResponseHeaders(200, size == 0 ? -1 : size);
            }
            if (task != null) {
                synchronized (task) {
                    task.downloads++;
                    if (task.downloadStart == 0) {
                        task.downloadStart = start;
                    }
                }
                firstDownloadStart.accumulateAndGet(start, Math::min);
            }
            long sent = writeBody(ex.getResponseBody(), from, size);
            long end = System.currentTimeMillis();
            if (task != null) {
                synchronized (task) {
                    task.downloadEnd = end;
                }
                lastDownloadEnd.accumulateAndGet(end, Math::max);
            } else {
                synchronized (probes) {
                    probes.add(new long[] {sent, end - start});
                }
            }
        } finally {
            downloadsInFlight.decrementAndGet();
        }
    }

    /** Writes bytes [from, size) of the video, paced to --rate per connection when set. */
    private long writeBody(OutputStream out, long from, long size) throws IOException {
        int chunk = rate > 0 ? 64 * 1024 : pattern.length;
        long began = System.nanoTime();
        long position = from;
        byte[] head = boxes(size);
        if (position < head.length) {
            int n = (int) Math.min(head.length - position, size - position);
            out.write(head, (int) position, n);
            position += n;
            bytesSent.addAndGet(n);
        }
        while (position < size) {
            int offset = (int) (position % pattern.length);
            int n = (int) Math.min(Math.min(chunk, pattern.length - offset), size - position);
            out.write(pattern, offset, n);
            position += n;
            bytesSent.addAndGet(n);
            if (rate > 0) {
                long due = began + (position - from) * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
        out.flush();
        return position - from;
    }

    // ---- what the script reads ----

    /**
     * The pace scenario's figures, over the seconds from --warmup (default 10 s) after the first fetch
     * to the last whole second: admitted fetches a second, the share answered 429, and the gaps
     * between two admitted fetches of a task that ended in that window (their mean and largest).
     */
    private void pace(StringBuilder out, List<TaskStat> all) {
        if (firstFetchAt == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        int from = (int) (warmup / 1000);
        int to = (int) Math.min(perSecond[0].length, (now - firstFetchAt) / 1000);
        long admittedIn = 0;
        long limitedIn = 0;
        synchronized (perSecond) {
            for (int s = from; s < to; s++) {
                admittedIn += perSecond[0][s];
                limitedIn += perSecond[1][s];
            }
        }
        long windowStart = firstFetchAt + from * 1000L;
        long windowEnd = firstFetchAt + to * 1000L;
        long gapSum = 0;
        long gapCount = 0;
        long gapMax = 0;
        for (TaskStat t : all) {
            synchronized (t) {
                for (int i = 1; i < t.fetches; i++) {
                    if (t.fetchTimes[i] >= windowStart && t.fetchTimes[i] < windowEnd) {
                        long gap = t.fetchTimes[i] - t.fetchTimes[i - 1];
                        gapSum += gap;
                        gapCount++;
                        gapMax = Math.max(gapMax, gap);
                    }
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
        synchronized (perSecond) {
            for (int s = 0; s < to; s++) {
                seconds.append(s == 0 ? "" : ",").append(perSecond[0][s]).append('/').append(perSecond[1][s]);
            }
        }
        line(out, "pace_seconds", seconds);
    }

    /**
     * "key value" lines. Gaps are the times between two fetches of one task, as they arrived here;
     * a due fetch is "on time" when its gap is at most 1.5 x the poll interval.
     * Latency is the result file's time minus the task's ready time, when --results is given.
     */
    private void stats(HttpExchange ex) throws IOException {
        try (ex) {
            drain(ex);
            StringBuilder out = new StringBuilder();
            List<TaskStat> all = new ArrayList<>(tasks.values());
            long bound = (long) Math.ceil((double) readyAfter / interval) + 1;
            int maxFetches = 0;
            long sumFetches = 0;
            int overBound = 0;
            int maxDownloads = 0;
            long downloadsTotal = 0;
            long firstFetchMin = Long.MAX_VALUE;
            long firstFetchMax = 0;
            long[] gaps = new long[0];
            int gapCount = 0;
            for (TaskStat t : all) {
                long[] times;
                int n;
                synchronized (t) {
                    times = t.fetchTimes;
                    n = t.fetches;
                    maxDownloads = Math.max(maxDownloads, t.downloads);
                    downloadsTotal += t.downloads;
                }
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
            long onTime = 0;
            long early = 0;
            for (long g : gaps) {
                if (g <= interval * 3 / 2) {
                    onTime++;
                }
                if (g < interval * 95 / 100) {
                    early++;
                }
            }
            line(out, "tasks", all.size());
            line(out, "fetches_total", fetchesTotal.get());
            line(out, "fetches_max", maxFetches);
            line(out, "fetches_mean", all.isEmpty() ? "0" : String.format("%.2f", (double) sumFetches / all.size()));
            line(out, "fetches_bound", bound);
            line(out, "fetches_over_bound", overBound);
            line(out, "unauthorized", unauthorized.get());
            line(out, "gaps", gapCount);
            line(out, "gaps_on_time_pct", gapCount == 0 ? "100.0" : String.format("%.1f", 100.0 * onTime / gapCount));
            line(out, "gaps_early", early);
            line(out, "gap_min_ms", gapCount == 0 ? 0 : gaps[0]);
            line(out, "gap_p50_ms", percentile(gaps, 50));
            line(out, "gap_p95_ms", percentile(gaps, 95));
            line(out, "gap_max_ms", gapCount == 0 ? 0 : gaps[gapCount - 1]);
            line(out, "first_fetch_span_ms", all.isEmpty() ? 0 : firstFetchMax - firstFetchMin);
            line(out, "first_fetch_min", all.isEmpty() ? 0 : firstFetchMin);
            line(out, "downloads_total", downloadsTotal);
            line(out, "downloads_max_per_task", maxDownloads);
            line(out, "download_first_start", firstDownloadStart.get() == Long.MAX_VALUE ? 0 : firstDownloadStart.get());
            line(out, "download_last_end", lastDownloadEnd.get());
            line(out, "bytes_sent", bytesSent.get());
            line(out, "max_concurrent_fetches", maxFetchesInFlight.get());
            line(out, "fetches_limited", fetchesLimited.get());
            pace(out, all);
            line(out, "max_concurrent_downloads", maxDownloadsInFlight.get());
            synchronized (probes) {
                for (int i = 0; i < probes.size(); i++) {
                    line(out, "probe_" + i + "_bytes", probes.get(i)[0]);
                    line(out, "probe_" + i + "_ms", probes.get(i)[1]);
                }
            }
            // The app's own download of a single video, as timed here: request to last byte sent.
            if (all.size() == 1) {
                TaskStat only = all.get(0);
                synchronized (only) {
                    line(out, "single_download_ms", only.downloadEnd - only.downloadStart);
                }
            }
            if (!results.isEmpty()) {
                latency(out, all);
            }
            if (!durations.equals("fixed")) {
                groups(out);
            }
            send(ex, 200, out.toString());
        }
    }

    private void latency(StringBuilder out, List<TaskStat> all) {
        long[] lat = new long[all.size()];
        int done = 0;
        long lastResult = 0;
        for (Map.Entry<String, TaskStat> e : tasks.entrySet()) {
            long mtime = resultTime(e.getKey());
            if (mtime > 0) {
                lat[done++] = mtime - e.getValue().ready;
                lastResult = Math.max(lastResult, mtime);
            }
        }
        lat = Arrays.copyOf(lat, done);
        Arrays.sort(lat);
        line(out, "results", done);
        line(out, "latency_p50_ms", percentile(lat, 50));
        line(out, "latency_p95_ms", percentile(lat, 95));
        line(out, "latency_max_ms", done == 0 ? 0 : lat[done - 1]);
        line(out, "last_result", lastResult);
        // Where a task's latency goes: from the fetch that found it ready to its download's request,
        // the download as this server timed it, and from the last byte sent to the result file.
        long[] queue = new long[done], transfer = new long[done], finish = new long[done];
        int n = 0;
        for (Map.Entry<String, TaskStat> e : tasks.entrySet()) {
            TaskStat t = e.getValue();
            long result = resultTime(e.getKey());
            long found = t.firstFetchFrom(t.ready);
            if (result > 0 && found > 0 && t.downloadStart > 0) {
                queue[n] = t.downloadStart - found;
                transfer[n] = t.downloadEnd - t.downloadStart;
                finish[n] = result - t.downloadEnd;
                n++;
            }
        }
        for (long[] part : List.of(queue, transfer, finish)) {
            Arrays.sort(part, 0, n);
        }
        queue = Arrays.copyOf(queue, n);
        transfer = Arrays.copyOf(transfer, n);
        finish = Arrays.copyOf(finish, n);
        line(out, "ready_fetch_to_download_p50_ms", percentile(queue, 50));
        line(out, "ready_fetch_to_download_p95_ms", percentile(queue, 95));
        line(out, "download_p50_ms", percentile(transfer, 50));
        line(out, "download_p95_ms", percentile(transfer, 95));
        line(out, "download_end_to_result_p50_ms", percentile(finish, 50));
        line(out, "download_end_to_result_p95_ms", percentile(finish, 95));
    }

    /** When the task's result file was written (its modification time), or 0 while there is none. */
    private long resultTime(String id) {
        for (Path folder : results) {
            try {
                return Files.getLastModifiedTime(folder.resolve(id + ".json")).toMillis();
            } catch (IOException notThere) {
                // not in this one
            }
        }
        return 0;
    }

    /**
     * Per group of tasks (the id without its number: one app, one policy), leaving out the first --teach
     * tasks to become ready: fetches per task, mean latency (ready to result file), and how the fetches
     * kept to the plan. A group whose app logged its plans (--plans) is checked against each planned gap:
     * the next fetch may not come before the planned time and should come within half a gap after it;
     * any other is checked against the fixed interval (its gaps within 1.5 x interval; at most
     * ceil(T / interval) + 1 fetches for a task of duration T).
     */
    private void groups(StringBuilder out) {
        Map<String, List<Map.Entry<String, TaskStat>>> byGroup = new java.util.TreeMap<>();
        for (Map.Entry<String, TaskStat> e : tasks.entrySet()) {
            String id = e.getKey();
            byGroup.computeIfAbsent(id.substring(0, Math.max(0, id.lastIndexOf('-'))), g -> new ArrayList<>()).add(e);
        }
        Map<String, List<long[]>> plans = plans();
        for (Map.Entry<String, List<Map.Entry<String, TaskStat>>> group : byGroup.entrySet()) {
            List<Map.Entry<String, TaskStat>> members = new ArrayList<>(group.getValue());
            members.sort(java.util.Comparator.comparingLong(e -> e.getValue().ready));
            String g = "group." + group.getKey() + ".";
            long fetches = 0;
            long latency = 0;
            long[] latencies = new long[members.size()];
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
                TaskStat t = members.get(i).getValue();
                long[] times;
                int n;
                synchronized (t) {
                    times = Arrays.copyOf(t.fetchTimes, t.fetches);
                    n = t.fetches;
                }
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
                long done = resultTime(id);
                if (done > 0) {
                    results++;
                }
                if (i < teach) {
                    continue;
                }
                if (done > 0) {
                    latencies[measured++] = done - t.ready;
                    latency += done - t.ready;
                    fetches += n;
                }
            }
            long[] sorted = Arrays.copyOf(latencies, measured);
            Arrays.sort(sorted);
            line(out, g + "tasks", members.size());
            line(out, g + "results", results);
            line(out, g + "measured", measured);
            line(out, g + "fetches_mean", measured == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.3f", (double) fetches / measured));
            line(out, g + "latency_mean_ms", measured == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.0f", (double) latency / measured));
            line(out, g + "latency_p95_ms", percentile(sorted, 95));
            line(out, g + "latency_max_ms", measured == 0 ? 0 : sorted[measured - 1]);
            line(out, g + "planned", hasPlans ? "yes" : "no");
            if (hasPlans) {
                line(out, g + "plan_gaps", planned);
                line(out, g + "plan_on_time_pct", planned == 0 ? "100.0" : String.format(java.util.Locale.ROOT, "%.1f", 100.0 * planOnTime / planned));
                line(out, g + "plan_early", planEarly);
                line(out, g + "plan_unmatched_tasks", planUnmatched);
            } else {
                line(out, g + "fetches_over_bound", overBound);
                line(out, g + "gaps_on_time_pct", gaps == 0 ? "100.0" : String.format(java.util.Locale.ROOT, "%.1f", 100.0 * onTime / gaps));
                line(out, g + "gaps_early", early);
            }
        }
    }

    /** Task id to its planned gaps in order, each {answered at, gap} (ms), from the app logs' plan lines. */
    private Map<String, List<long[]>> plans() {
        Map<String, List<long[]>> plans = new java.util.HashMap<>();
        java.util.regex.Pattern plan = java.util.regex.Pattern.compile("(\\S+) PLANNED next fetch (\\d+) ms after the answer at (\\d+)");
        for (Path log : planLogs) {
            try (java.util.stream.Stream<String> lines = Files.lines(log)) {
                lines.forEach(text -> {
                    java.util.regex.Matcher m = plan.matcher(text);
                    if (m.find()) {
                        plans.computeIfAbsent(m.group(1), k -> new ArrayList<>())
                                .add(new long[] {Long.parseLong(m.group(3)), Long.parseLong(m.group(2))});
                    }
                });
            } catch (IOException | java.io.UncheckedIOException e) {
                // not written yet
            }
        }
        return plans;
    }

    // ---- helpers ----

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void line(StringBuilder out, String key, Object value) {
        out.append(key).append(' ').append(value).append('\n');
    }

    private static void drain(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", code == 200 && body.startsWith("{") ? "application/json" : "text/plain");
        ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long ms) {
        sleep(ms, 0);
    }

    private static void sleep(long ms, int nanos) {
        try {
            Thread.sleep(ms, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long millis(String text) {
        String t = text.trim().toLowerCase();
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2));
        }
        if (t.endsWith("s")) {
            return (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000);
        }
        if (t.endsWith("m")) {
            return (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000);
        }
        if (t.endsWith("h")) {
            return (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 3_600_000);
        }
        return Long.parseLong(t);
    }

    static long bytes(String text) {
        String t = text.trim().toUpperCase().replace("/S", "");
        long unit = 1;
        if (t.endsWith("KB")) {
            unit = 1L << 10;
        } else if (t.endsWith("MB")) {
            unit = 1L << 20;
        } else if (t.endsWith("GB")) {
            unit = 1L << 30;
        }
        if (unit > 1) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        return (long) (Double.parseDouble(t) * unit);
    }
}
