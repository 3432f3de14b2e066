package io.github.jimengfetcher;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.config.InstanceId;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health, metrics and /tasks, served by the real app on one loopback port. */
class ObserveTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private int port;

    @Override
    protected RunningApp startApp(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(extra);
        port = Http.enable(settings);
        settings.putAll(extra);
        return super.startApp(settings);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return Http.get(port, path);
    }

    private JsonNode health() throws Exception {
        return JSON.readTree(get("/observe/health").body());
    }

    /** Our check's entry in the health answer (DOWN checks are listed by default). */
    private Optional<JsonNode> ourCheck(JsonNode health) {
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals("jimeng-fetcher")) {
                return Optional.of(check);
            }
        }
        return Optional.empty();
    }

    /** Our check's reason while it is DOWN, waiting for it. */
    private String awaitDownReason() {
        return await().atMost(WAIT).until(() -> ourCheck(health()).map(c -> c.path("message").asText()), Optional::isPresent).orElseThrow();
    }

    /** UP: ours and Camel's checks (the inbox consumer is DOWN until its first poll). */
    private void awaitUp() {
        await().atMost(WAIT).until(() -> get("/observe/health").statusCode() == 200);
    }

    private static final Pattern INSTANCE_LABEL = Pattern.compile(",?instance_id=\"[A-Za-z0-9._-]+\"");

    private Map<String, Double> metrics() throws Exception {
        HttpResponse<String> scrape = get("/observe/metrics");
        assertEquals(200, scrape.statusCode());
        Map<String, Double> values = new HashMap<>();
        Matcher line = Pattern.compile("(?m)^(jimeng_\\S+) (\\S+)$").matcher(scrape.body());
        while (line.find()) {
            // Every jimeng metric names its instance; the keys below leave that label out.
            Matcher instance = INSTANCE_LABEL.matcher(line.group(1));
            assertTrue(instance.find(), line.group());
            values.put(instance.replaceFirst("").replace("{}", "").replace("{,", "{"), Double.parseDouble(line.group(2)));
        }
        return values;
    }

    @Test
    void statusPageTasksHealthAndMetricsShareOneLoopbackPort() throws Exception {
        startApp(Map.of());
        awaitUp();

        HttpResponse<String> health = get("/observe/health");
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("UP", JSON.readTree(health.body()).path("status").asText());
        JsonNode full = JSON.readTree(get("/observe/health?exposureLevel=full").body());
        assertEquals("UP", ourCheck(full).orElseThrow().path("status").asText(), "our own check is registered: " + full);

        HttpResponse<String> metrics = get("/observe/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("jimeng_tasks_pending{instance_id=\"" + InstanceId.resolve("") + "\"} 0.0"), metrics.body());
        assertTrue(metrics.body().contains("app_info{"), "Camel's own metrics are there too");

        HttpResponse<String> tasks = get("/tasks");
        assertEquals(200, tasks.statusCode());
        assertTrue(tasks.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(0, JSON.readTree(tasks.body()).path("counts").path("pending").asInt());

        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("fetch('tasks?"), "the page reads /tasks");

        // Loopback only: the same port on another address of this machine is closed.
        Optional<InetAddress> other = NetworkInterface.networkInterfaces()
                .filter(n -> { try { return n.isUp() && !n.isLoopback(); } catch (Exception e) { return false; } })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
        if (other.isPresent()) {
            assertThrows(ConnectException.class, () -> Http.get(other.get().getHostAddress(), port, "/observe/health"));
        }
    }

    @Test
    void switchedOffNothingListensAndTasksStillFinish() throws Exception {
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        port = Http.freePort();
        settings.put("jimeng.http.port", String.valueOf(port));
        settings.put("jimeng.http.enabled", "false");
        app = RunningApp.start(root, settings);
        String id = "cgt-quiet";
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("quiet.mp4", Videos.mp4(4_000, 9)))));

        app.drop("ids.txt", id);

        await().atMost(WAIT).until(() -> Files.exists(app.result(id)));
        assertThrows(ConnectException.class, () -> get("/observe/health"));
        assertThrows(ConnectException.class, () -> get("/tasks"));
    }

    @Test
    void aTakenPortStopsTheStartWithAClearMessage() throws Exception {
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int taken = Http.enable(settings);
        try (ServerSocket other = new ServerSocket(taken, 50, InetAddress.getByName("127.0.0.1"))) {
            Main main = JimengFetcherApplication.create();
            settings.forEach(main::addOverrideProperty);

            Exception refused = assertThrows(Exception.class, main::run);

            assertTrue(refused.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken), refused.getMessage());
            assertTrue(refused.getMessage().contains("JIMENG_HTTP_PORT"), refused.getMessage());
        }
    }

    @Test
    void healthIsDownWhileTheApiRefusesTheKeyAndUpOnceItAnswers() throws Exception {
        String id = "cgt-refused";
        api.answer(id, Answer.status(401).header("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"invalid token\"}}"));
        startApp(Map.of());

        app.drop("ids.txt", id);

        String reason = awaitDownReason();
        assertTrue(reason.contains("refuses the key"), reason);
        assertEquals(503, get("/observe/health").statusCode());
        assertEquals("DOWN", health().path("status").asText());
        assertFalse(get("/observe/health").body().contains(FakeGateway.KEY), "the key itself is never shown");
        assertTrue(metrics().get("jimeng_fetches_total{outcome=\"key_refused\"}") >= 1);

        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "5%")));

        awaitUp();
        assertEquals("UP", health().path("status").asText());
    }

    @Test
    void healthIsDownWhileTheOutputFolderCannotBeWritten() throws Exception {
        startApp(Map.of());
        awaitUp();
        Path results = app.output("results");

        // A file where the folder should be: refused even to root, unlike a permission bit.
        Files.delete(results);
        Files.writeString(results, "not a folder");

        HttpResponse<String> answer = get("/observe/health");
        assertEquals(503, answer.statusCode());
        String reason = ourCheck(JSON.readTree(answer.body())).orElseThrow().path("message").asText();
        assertTrue(reason.contains("output folder") && reason.contains("not writable"), reason);
        assertFalse(reason.contains("\\"), "nothing escaped twice on its way out: " + answer.body());

        Files.delete(results);
        Files.createDirectory(results);
        assertEquals(200, get("/observe/health").statusCode());
    }

    @Test
    void healthIsDownOnceEveryApiRequestHasFailedForLongerThanTheLimit() throws Exception {
        String id = "cgt-api-down";
        api.answer(id, Answer.status(502).body("bad gateway"));
        startApp(Map.of("jimeng.health.api-failing-limit", "2s"));

        app.drop("ids.txt", id);

        await().atMost(WAIT).until(() -> api.fetchesOf(id).size() >= 1);
        assertTrue(ourCheck(health()).isEmpty(), "a fault younger than the limit is not yet DOWN");
        String reason = awaitDownReason();
        assertTrue(reason.contains("every API request has failed since"), reason);
        assertTrue(metrics().get("jimeng_fetches_total{outcome=\"http_error\"}") >= 2);

        api.answer(id, Answer.json(FakeGateway.status(id, "QUEUED", "0%")));

        awaitUp();
    }

    @Test
    void metricsCountTasksFetchesDownloadsAndTheirDuration() throws Exception {
        String good = "cgt-metrics-ok";
        String bad = "cgt-metrics-failed";
        String missing = "cgt-metrics-missing";
        byte[] video = Videos.mp4(123_456, 5);
        api.statuses(good, FakeGateway.status(good, "IN_PROGRESS", "50%"), FakeGateway.success(good, api.video("m.mp4", video)));
        api.answer(bad, Answer.json(FakeGateway.failure(bad, "content policy")));
        api.answer(missing, Answer.status(400).header("Content-Type", "application/json").body(FakeGateway.TASK_NOT_EXIST));
        startApp(Map.of());

        app.drop("ids.txt", good + "\n" + bad + "\n" + missing + "\nnot a valid id!\n");

        await().atMost(WAIT).until(() -> Files.exists(app.result(good)) && Files.exists(app.failure(bad)) && Files.exists(app.failure(missing)));
        Map<String, Double> m = metrics();
        assertEquals(0.0, m.get("jimeng_tasks_pending"));
        assertEquals(3.0, m.get("jimeng_tasks_registered_total"));
        assertEquals(1.0, m.get("jimeng_inputs_rejected_total"));
        assertEquals(1.0, m.get("jimeng_tasks_succeeded_total{provider=\"jimeng-gateway\"}"));
        assertEquals(1.0, m.get("jimeng_tasks_failed_total{provider=\"jimeng-gateway\",reason_class=\"api_failure\"}"));
        assertEquals(1.0, m.get("jimeng_tasks_failed_total{provider=\"jimeng-gateway\",reason_class=\"not_found\"}"));
        assertEquals(0.0, m.get("jimeng_tasks_failed_total{provider=\"jimeng-gateway\",reason_class=\"timed_out\"}"), "known classes are there from the start");
        assertEquals(3.0, m.get("jimeng_fetches_total{outcome=\"answered\"}"), "two for the good task, one for the failed one");
        assertEquals(2.0, m.get("jimeng_fetches_total{outcome=\"not_found\"}"), "asked twice to confirm");
        assertEquals(1.0, m.get("jimeng_downloads_total"));
        assertEquals((double) video.length, m.get("jimeng_download_bytes_total"));
        assertEquals(1.0, m.get("jimeng_task_duration_seconds_count{outcome=\"succeeded\",provider=\"jimeng-gateway\"}"));
        assertEquals(2.0, m.get("jimeng_task_duration_seconds_count{outcome=\"failed\",provider=\"jimeng-gateway\"}"));
        assertEquals(1.0, m.get("jimeng_task_duration_seconds_bucket{outcome=\"succeeded\",provider=\"jimeng-gateway\",le=\"10.0\"}"), "a histogram, in seconds");
        assertEquals(1.0, m.get("jimeng_task_duration_seconds_bucket{outcome=\"succeeded\",provider=\"jimeng-gateway\",le=\"+Inf\"}"));
    }

    @Test
    void theLearnedDurationsSayWhenAPendingTaskIsLikelyReadyAndShowInTheMetrics() throws Exception {
        // What an earlier run learned, kept in the work folder: 100 tasks of about 40 s.
        var earlier = new io.github.jimengfetcher.schedule.LearnedDurations(new io.github.jimengfetcher.schedule.DurationFile(root.resolve("work")));
        for (int i = 0; i < 100; i++) {
            earlier.learn("jimeng-videos", 40_000 + 10 * i);
        }
        earlier.keep();
        String pending = "cgt-likely-pending";
        String done = "cgt-likely-done";
        long submitted = System.currentTimeMillis() / 1000 - 10;
        api.answer(pending, Answer.json(FakeGateway.status(pending, "IN_PROGRESS", "10%").replace("1756457484", Long.toString(submitted))));
        // Submitted 12 s before it finished, just now: a duration to learn.
        api.answer(done, Answer.json(submittedAt(FakeGateway.success(done, api.video("likely.mp4", Videos.mp4(2_000, 6))), submitted + 2)));
        startApp(Map.of());

        app.drop("ids.txt", pending + "\n" + done + "\n");

        await().atMost(WAIT).until(() -> Files.exists(app.result(done)) && api.fetchesOf(pending).size() >= 2);
        Map<String, JsonNode> byId = new HashMap<>();
        JSON.readTree(get("/tasks").body()).path("tasks").forEach(t -> byId.put(t.path("id").asText(), t));
        JsonNode p = byId.get(pending);
        long likely = java.time.Instant.parse(p.path("estimated_ready_at").asText()).toEpochMilli();
        assertEquals(submitted * 1000 + 40_500, likely, 4_000, "its submission plus the median learned: " + p);
        assertTrue(byId.get(done).path("estimated_ready_at").isNull());

        Map<String, Double> m = metrics();
        assertEquals(1.0, m.get("jimeng_task_learned_duration_seconds_count{kind=\"jimeng-videos\"}"), "the task done here taught its 12 s");
        assertEquals(1.0, m.get("jimeng_task_learned_duration_seconds_bucket{kind=\"jimeng-videos\",le=\"30.0\"}"), m.toString());
        assertTrue(m.get("jimeng_task_learned_duration_weight{kind=\"jimeng-videos\"}") > 90, "the history (100 tasks, less the decay) counts in what the schedule goes by");
        assertEquals(40.5, m.get("jimeng_task_learned_duration_median_seconds{kind=\"jimeng-videos\"}"), 4);
        assertTrue(m.get("jimeng_fetch_planned_gap_seconds_count") >= 1, m.toString());
        assertTrue(m.containsKey("jimeng_fetch_planned_gap_seconds_bucket{le=\"10.0\"}"), m.toString());
    }

    @Test
    void answersWithAWrongSubmitTimeTeachNothingAndTheScheduleStaysAsLearned() throws Exception {
        // What an earlier run learned: 60 tasks of about 40 s.
        var earlier = new io.github.jimengfetcher.schedule.LearnedDurations(new io.github.jimengfetcher.schedule.DurationFile(root.resolve("work")));
        for (int i = 0; i < 60; i++) {
            earlier.learn("jimeng-videos", 40_000 + 10 * i);
        }
        earlier.keep();
        // Then more tasks than that succeed with submit_time 1: decades "long", were they believed.
        String video = api.video("poisoned.mp4", Videos.mp4(2_000, 7));
        StringBuilder ids = new StringBuilder();
        int poisoned = 70;
        for (int i = 0; i < poisoned; i++) {
            String id = "cgt-poisoned-" + i;
            api.answer(id, Answer.json(submittedAt(FakeGateway.success(id, video), 1)));
            ids.append(id).append('\n');
        }
        String pending = "cgt-poisoned-pending";
        long submitted = System.currentTimeMillis() / 1000 - 10;
        api.answer(pending, Answer.json(FakeGateway.status(pending, "IN_PROGRESS", "10%").replace("1756457484", Long.toString(submitted))));
        startApp(Map.of());

        app.drop("ids.txt", ids + pending + "\n");

        await().atMost(Duration.ofSeconds(60)).until(() -> app.filesIn("results") == poisoned);
        Map<String, Double> m = metrics();
        assertEquals((double) poisoned, m.get("jimeng_learned_durations_ignored_total{reason=\"submitted_long_before_registration\"}"), m.toString());
        assertNull(m.get("jimeng_task_learned_duration_seconds_count{kind=\"jimeng-videos\"}"), "nothing learned: " + m);
        assertEquals(40.3, m.get("jimeng_task_learned_duration_median_seconds{kind=\"any\"}"), 4, "the schedule as it was");
        Map<String, JsonNode> byId = new HashMap<>();
        JSON.readTree(get("/tasks").body()).path("tasks").forEach(t -> byId.put(t.path("id").asText(), t));
        long likely = java.time.Instant.parse(byId.get(pending).path("estimated_ready_at").asText()).toEpochMilli();
        assertEquals(submitted * 1000 + 40_300, likely, 4_000, "a pending task is still expected when its kind usually is ready");
    }

    /** The answer with the gateway's submit time (epoch s) changed, and its finish times now. */
    private static String submittedAt(String answer, long submitTime) {
        String now = Long.toString(System.currentTimeMillis() / 1000);
        return answer.replace("1756457484", Long.toString(submitTime)).replace("1756457496", now).replace("1756457546", now);
    }

    @Test
    void tasksJsonListsPendingAndFinishedTasksWithoutKeyOrVideoUrl() throws Exception {
        String pending = "cgt-board-pending";
        String done = "cgt-board-done";
        String failed = "cgt-board-failed";
        api.answer(pending, Answer.json(FakeGateway.status(pending, "IN_PROGRESS", "45%")));
        api.answer(done, Answer.json(FakeGateway.success(done, api.video("board.mp4", Videos.mp4(2_000, 6)))));
        api.answer(failed, Answer.json(FakeGateway.failure(failed, "<b>rejected</b> by policy")));
        startApp(Map.of());

        app.drop("ids.txt", pending + "\n" + done + "\n" + failed + "\n");

        await().atMost(WAIT).until(() -> Files.exists(app.result(done)) && Files.exists(app.failure(failed)) && api.fetchesOf(pending).size() >= 2);
        String body = get("/tasks").body();
        JsonNode board = JSON.readTree(body);
        assertEquals(1, board.path("counts").path("pending").asInt());
        assertEquals(1, board.path("counts").path("succeeded").asInt());
        assertEquals(1, board.path("counts").path("failed").asInt());

        Map<String, JsonNode> byId = new HashMap<>();
        board.path("tasks").forEach(t -> byId.put(t.path("id").asText(), t));
        JsonNode p = byId.get(pending);
        assertNotNull(p, body);
        assertEquals("pending", p.path("state").asText());
        assertEquals("IN_PROGRESS", p.path("status").asText());
        assertEquals("45%", p.path("progress").asText());
        assertEquals(45, p.path("percent").asInt());
        assertTrue(p.path("fetches").asInt() >= 2);
        assertTrue(p.path("next_fetch_at").asText().endsWith("Z"), p.toString());
        assertTrue(p.has("estimated_ready_at") && p.path("estimated_ready_at").isNull(), "nothing learned yet: " + p);
        assertTrue(p.path("age_seconds").isNumber());
        assertTrue(p.has("last_error"));

        assertEquals("succeeded", byId.get(done).path("state").asText());
        assertEquals(100, byId.get(done).path("percent").asInt());
        assertEquals("failed", byId.get(failed).path("state").asText());
        assertEquals("api_failure", byId.get(failed).path("reason_class").asText());
        assertEquals("<b>rejected</b> by policy", byId.get(failed).path("last_error").asText());

        assertFalse(body.contains(FakeGateway.KEY), "no key");
        assertFalse(body.contains("Bearer"), "no key");
        assertFalse(body.contains("/videos/board.mp4"), "no signed video URL");
    }

    @Test
    void aTaskStillDownloadingIsNotShownAsDone() throws Exception {
        String id = "cgt-board-downloading";
        try (io.github.jimengfetcher.support.fake.StorageHost storage = new io.github.jimengfetcher.support.fake.StorageHost()) {
            String url = storage.video("slow.mp4", Videos.mp4(8_000_000, 8), io.github.jimengfetcher.support.fake.StorageHost.Behaviour.SLOW);
            api.answer(id, Answer.json(FakeGateway.success(id, url)));
            startApp(Map.of());
            app.drop("ids.txt", id);

            JsonNode entry = await().atMost(WAIT).until(() -> {
                for (JsonNode task : JSON.readTree(get("/tasks").body()).path("tasks")) {
                    if (task.path("id").asText().equals(id) && task.path("state").asText().equals("downloading")) {
                        return task;
                    }
                }
                return null;
            }, java.util.Objects::nonNull);
            assertTrue(entry.path("percent").isNull(), entry.toString());
            assertEquals("", entry.path("progress").asText(), entry.toString());
            assertFalse(Files.exists(app.result(id)));
        }
    }
}
