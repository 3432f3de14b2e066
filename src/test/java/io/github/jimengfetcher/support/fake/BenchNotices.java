package io.github.jimengfetcher.support.fake;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's notifications ("notify" scenario): when a task of a group given a listener URL
 * turns ready, the gateway POSTs its envelope naming the task there, as the real gateway calls a
 * submit's notify_hook. One task in ten (those whose number ends in 9) is never notified: a
 * notification lost on the way, which only the app's fallback polling finds.
 */
final class BenchNotices {

    private final Map<String, String> urls = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-notices");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** group=url pairs, comma-separated (group: the id without its number); empty: no notifications. */
    BenchNotices(String spec) {
        if (spec != null && !spec.isBlank()) {
            for (String pair : spec.split(",")) {
                int eq = pair.indexOf('=');
                urls.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
    }

    boolean on() {
        return !urls.isEmpty();
    }

    /** Whether the task's notification reaches the app (it does for nine tasks in ten, in every group alike). */
    static boolean reaches(String id) {
        return !id.endsWith("9");
    }

    /** A task seen for the first time: its notification is sent when it turns ready. */
    void seen(String id, long ready, long now) {
        String url = urls.get(id.substring(0, Math.max(0, id.lastIndexOf('-'))));
        if (url == null || !reaches(id)) {
            return;
        }
        timer.schedule(() -> send(url, id), Math.max(0, ready - now), TimeUnit.MILLISECONDS);
    }

    private void send(String url, String id) {
        String body = "{\"code\":\"success\",\"message\":\"\",\"data\":{\"task_id\":\"" + id + "\",\"status\":\"SUCCESS\"}}";
        client.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding())
                .whenComplete((answer, failure) -> (failure == null && answer.statusCode() == 200 ? sent : refused).incrementAndGet());
    }

    void lines(StringBuilder out) {
        if (on()) {
            BenchStats.line(out, "notices_answered_200", sent.get());
            BenchStats.line(out, "notices_failed", refused.get());
        }
    }
}
