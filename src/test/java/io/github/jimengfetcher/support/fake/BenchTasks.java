package io.github.jimengfetcher.support.fake;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's tasks: any id is a task from its first fetch, IN_PROGRESS (10 %) until its ready
 * time (the first fetch + its duration), then SUCCESS with the URL of a made-up video on the same
 * server, in the provider's shape. Both carry submit_time (the first fetch) and the success
 * finish_time (the ready time), in Unix seconds with milliseconds; or the same as {@link Step}s for
 * another provider's shape. Every fetch is timed.
 */
final class BenchTasks implements FakeApi.Tasks {

    /** What the server saw of one task. */
    static final class Task {
        final long firstFetch;
        final long ready;
        long[] fetchTimes = new long[8];
        int fetches;

        Task(long firstFetch, long ready) {
            this.firstFetch = firstFetch;
            this.ready = ready;
        }

        synchronized void fetched(long at) {
            if (fetches == fetchTimes.length) {
                fetchTimes = Arrays.copyOf(fetchTimes, fetches * 2);
            }
            fetchTimes[fetches++] = at;
        }

        synchronized long[] fetchTimes() {
            return Arrays.copyOf(fetchTimes, fetches);
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
    }

    private final String baseUrl;
    private final long readyAfter;
    private final long fetchDelay;
    /** How each task's duration is drawn: fixed (readyAfter), lognormal, lognormal-tail, uniform. */
    private final String durations;
    /** Every drawn duration is divided by this (the run goes that much faster). */
    private final double timeScale;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final AtomicLong fetches = new AtomicLong();
    private BenchNotices notices = new BenchNotices("");

    BenchTasks(String baseUrl, long readyAfter, long fetchDelay, String durations, double timeScale) {
        if (!List.of("fixed", "lognormal", "lognormal-tail", "uniform").contains(durations)) {
            throw new IllegalArgumentException("--durations: fixed, lognormal, lognormal-tail or uniform, not " + durations);
        }
        this.baseUrl = baseUrl;
        this.readyAfter = readyAfter;
        this.fetchDelay = fetchDelay;
        this.durations = durations;
        this.timeScale = timeScale;
    }

    /** Told of every task at its first fetch, to notify the app when it turns ready. */
    void notices(BenchNotices notices) {
        this.notices = notices;
    }

    @Override
    public Answer fetched(String id, long now) {
        Task task = ask(id, now);
        return Answer.json(now >= task.ready ? success(id, task) : inProgress(id, task)).delay(fetchDelay);
    }

    /** The task as another provider shape says it ({@link ShapedApi}): running until ready, then succeeded. */
    Step step(String id, long now) {
        Task task = ask(id, now);
        Step step = now >= task.ready ? Step.succeeded(videoUrl(id)) : Step.running(10);
        return step.submittedAt(task.firstFetch);
    }

    /** The task asked about now: a fetch, timed. */
    private Task ask(String id, long now) {
        Task task = tasks.computeIfAbsent(id, k -> {
            Task first = new Task(now, now + durationOf(k));
            notices.seen(k, first.ready, now);
            return first;
        });
        task.fetched(now);
        fetches.incrementAndGet();
        return task;
    }

    boolean knows(String id) {
        return tasks.containsKey(id);
    }

    Map<String, Task> all() {
        return tasks;
    }

    long fetches() {
        return fetches.get();
    }

    long readyAfter() {
        return readyAfter;
    }

    boolean drawn() {
        return !durations.equals("fixed");
    }

    /**
     * How long the task takes (ms), drawn by the number that ends its id, so that the task of the
     * same number has the same duration whichever app (policy) fetches it.
     */
    long durationOf(String id) {
        if (!drawn()) {
            return readyAfter;
        }
        long number;
        try {
            number = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
            number = id.hashCode();
        }
        Random random = new Random(number * 0x9E3779B97F4A7C15L + 17);
        double seconds = switch (durations) {
            // log-normal, median 60 s, sigma 0.3, with 15 % uniform in 120-600 s (the long tail)
            case "lognormal-tail" -> random.nextDouble() < 0.15 ? 120 + 480 * random.nextDouble() : 60 * Math.exp(0.3 * random.nextGaussian());
            case "lognormal" -> 60 * Math.exp(0.3 * random.nextGaussian());
            default -> 30 + 270 * random.nextDouble(); // uniform 30-300 s
        };
        return Math.round(seconds * 1000 / timeScale);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    private static String inProgress(String id, Task task) {
        return "{\"code\":\"success\",\"message\":\"\",\"data\":{\"task_id\":\"" + id
                + "\",\"action\":\"jimeng-videos\",\"status\":\"IN_PROGRESS\",\"fail_reason\":\"\",\"submit_time\":" + seconds(task.firstFetch)
                + ",\"start_time\":0,\"finish_time\":0,\"progress\":\"10%\",\"data\":null}}";
    }

    private String videoUrl(String id) {
        return baseUrl + "/videos/" + id + ".mp4?X-Tos-Expires=86400&X-Tos-Signature=bench";
    }

    private String success(String id, Task task) {
        String url = videoUrl(id);
        return "{\"code\":\"success\",\"message\":\"\",\"data\":{\"task_id\":\"" + id
                + "\",\"action\":\"jimeng-videos\",\"status\":\"SUCCESS\",\"fail_reason\":\"\",\"submit_time\":" + seconds(task.firstFetch) + ","
                + "\"start_time\":0,\"finish_time\":" + seconds(task.ready) + ",\"progress\":\"100%\",\"data\":{\"code\":\"success\",\"data\":{"
                + "\"data\":{\"video\":\"" + url + "\",\"status\":\"SUCCESS\",\"created_at\":\"2025-08-29T16:52:26.472319\"},"
                + "\"action\":\"jimeng-videos\",\"status\":\"SUCCESS\",\"task_id\":\"" + id + "\",\"platform\":\"jimeng\","
                + "\"progress\":\"100%\",\"start_time\":1756457496,\"fail_reason\":\"\",\"finish_time\":1756457546,"
                + "\"search_item\":\"\",\"submit_time\":1756457484},\"message\":\"\"}}}";
    }
}
