package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Route files added to the routes folder, with no build in between: they subscribe to the
 * finished-task events that routes/hooks.yaml publishes.
 */
class ExtendTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** This test's own routes folder: the project's routes, as shipped, plus whatever the test adds. */
    private Path routes() throws Exception {
        Path routes = Files.createDirectories(root.resolve("routes"));
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        return routes;
    }

    private Map<String, String> settings(Path routes) {
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        settings.put("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
        return settings;
    }

    /** A subscriber that writes down what it was given: headers first, then the body. */
    private String auditRoute(String event, Path folder) {
        return """
                - route:
                    id: audit-%1$s
                    routeConfigurationId: hook-faults
                    from:
                      uri: seda:%1$s-events
                      parameters:
                        multipleConsumers: true
                      steps:
                        - setBody:
                            simple: "${header.JimengTaskId}|${header.JimengResultFile}${header.JimengFailureFile}|${header.JimengVideoFile}${header.JimengFailureReason}\\n${body}"
                        - to:
                            uri: "file:%2$s"
                            parameters:
                              fileName: "${header.JimengTaskId}.%1$s.txt"
                """.formatted(event, folder);
    }

    private void succeedsWithVideo(String id, byte[] video) {
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "30%"), FakeGateway.success(id, api.video(id + ".mp4", video)));
    }

    @Test
    void aRouteFileInTheRoutesFolderRunsOnEveryFinishedTask() throws Exception {
        Path routes = routes();
        Path audit = root.resolve("audit");
        Files.writeString(routes.resolve("audit.yaml"), auditRoute("task-succeeded", audit) + auditRoute("task-failed", audit));
        Files.writeString(routes.resolve("failures.yaml"), exampleFromTheDocs());
        String good = "cgt-extended-ok";
        String bad = "cgt-extended-failed";
        succeedsWithVideo(good, Videos.mp4(5_000, 11));
        api.answer(bad, Answer.json(FakeGateway.failure(bad, "quota exceeded")));

        try (CapturedLog log = CapturedLog.capture()) {
            app = RunningApp.start(root, settings(routes));

            app.drop("ids.txt", good + "\n" + bad + "\n");

            await().atMost(WAIT).until(() -> !log.containing(bad + " needs a look").isEmpty());
            assertEquals(List.of(bad + " needs a look: quota exceeded (see " + app.failure(bad) + ")"), log.containing(bad + " needs a look"));
        }
        Path succeeded = audit.resolve(good + ".task-succeeded.txt");
        Path failed = audit.resolve(bad + ".task-failed.txt");
        await().atMost(WAIT).until(() -> Files.exists(succeeded) && Files.exists(failed));

        List<String> lines = Files.readAllLines(succeeded);
        assertEquals(good + "|" + app.result(good) + "|" + app.video(good), lines.get(0));
        JsonNode record = JSON.readTree(String.join("\n", lines.subList(1, lines.size())));
        assertEquals(JSON.readTree(app.result(good).toFile()), record, "the body is the result JSON as written");

        lines = Files.readAllLines(failed);
        assertEquals(bad + "|" + app.failure(bad) + "|quota exceeded", lines.get(0));
        assertEquals("api_failure", JSON.readTree(String.join("\n", lines.subList(1, lines.size()))).path("reason_class").asText());
    }

    /**
     * The webhook example on a webhook answering after the given delay, and this many tasks
     * finished, each an event queued for it; the app still runs.
     */
    private List<String> tasksFinishedWithASlowWebhook(int tasks, int webhookDelayMillis, Map<String, String> extra) throws Exception {
        Path routes = routes();
        Files.copy(Path.of("routes/examples/webhook.yaml"), routes.resolve("webhook.yaml"));
        api.listen("/hook", Answer.status(200).delay(webhookDelayMillis));
        Map<String, String> settings = settings(routes);
        settings.put("jimeng.webhook.url", api.baseUrl() + "/hook");
        settings.putAll(extra);
        List<String> ids = java.util.stream.IntStream.rangeClosed(1, tasks).mapToObj(i -> "cgt-stop-" + i).toList();
        ids.forEach(id -> api.answer(id, Answer.json(FakeGateway.failure(id, "policy"))));
        app = RunningApp.start(root, settings);
        app.drop("ids.txt", String.join("\n", ids));
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> Files.exists(app.failure(id))));
        return ids;
    }

    @Test
    void aStopStillPostsTheEventsAlreadyQueued() throws Exception {
        List<String> ids = tasksFinishedWithASlowWebhook(30, 300, Map.of());

        try (CapturedLog log = CapturedLog.capture()) {
            app.close();
            app = null;
            assertEquals(ids.size(), api.requestsTo("/hook").size(), log.all());
            assertEquals(0, log.count("finished-task events had not been through"), log.all());
        }
    }

    @Test
    void eventsAStopCannotHandOnAreCounted() throws Exception {
        List<String> ids = tasksFinishedWithASlowWebhook(40, 1000, Map.of("camel.main.shutdown-timeout", "2"));

        try (CapturedLog log = CapturedLog.capture()) {
            app.close();
            app = null;
            int posted = api.requestsTo("/hook").size();
            assertTrue(posted < ids.size(), "the stop cut the subscriber off: " + posted);
            assertEquals(1, log.count("finished-task events had not been through the extension routes"), posted + " posted; " + log.all());
        }
    }

    @Test
    void theWebhookExamplePostsEachFinishedTaskBesideAnotherSubscriber() throws Exception {
        Path routes = routes();
        Files.copy(Path.of("routes/examples/webhook.yaml"), routes.resolve("webhook.yaml"));
        Path audit = root.resolve("audit");
        Files.writeString(routes.resolve("audit.yaml"), auditRoute("task-succeeded", audit));
        api.listen("/hook", Answer.status(200));
        Map<String, String> settings = settings(routes);
        int port = Http.enable(settings);
        settings.put("jimeng.webhook.url", api.baseUrl() + "/hook");
        String good = "cgt-example-ok";
        String bad = "cgt-example-failed";
        byte[] video = Videos.mp4(40_000, 12);
        succeedsWithVideo(good, video);
        api.answer(bad, Answer.json(FakeGateway.failure(bad, "content policy")));
        app = RunningApp.start(root, settings);

        app.drop("ids.txt", good + "\n" + bad + "\n");

        await().atMost(WAIT).until(() -> api.requestsTo("/hook").size() == 2);
        Request success = hookRequest("task-succeeded");
        assertEquals(good, success.header("JimengTaskId"));
        assertTrue(success.header("Content-Type").startsWith("application/json"));
        assertEquals(JSON.readTree(app.result(good).toFile()), JSON.readTree(success.body()));
        assertFalse(success.hasHeader("Authorization"), "the API key never goes to the webhook");
        assertFalse(success.hasHeader("JimengResultFile") || success.hasHeader("JimengVideoFile"), "no local paths");
        Request failure = hookRequest("task-failed");
        assertEquals(bad, failure.header("JimengTaskId"));
        assertEquals("content policy", JSON.readTree(failure.body()).path("reason").asText());
        assertFalse(Http.get(port, "/observe/metrics").body().contains("/hook"), "a webhook URL may hold a token: not in the metrics");

        // Every subscriber of the same event got it.
        await().atMost(WAIT).until(() -> Files.exists(audit.resolve(good + ".task-succeeded.txt")));
        assertArrayEquals(video, Files.readAllBytes(app.video(good)), "the published video stays");
    }

    /** The route given in docs/extending.md under "Adding a route", as written there. */
    private static String exampleFromTheDocs() throws Exception {
        String doc = Files.readString(Path.of("docs", "extending.md"));
        String section = doc.substring(doc.indexOf("## Adding a route"));
        int start = section.indexOf("```yaml\n") + "```yaml\n".length();
        return section.substring(start, section.indexOf("```", start));
    }

    private Request hookRequest(String event) {
        return api.requestsTo("/hook").stream()
                .filter(r -> event.equals(r.header("JimengEvent")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + event + " request"));
    }

    @Test
    void aRouteFileAddedWhileTheAppRunsIsLoadedWhenReloadIsOn() throws Exception {
        Path routes = routes();
        Map<String, String> settings = settings(routes);
        settings.put("camel.main.routes-reload-enabled", "true");
        settings.put("camel.main.routes-reload-directory", routes.toString());
        app = RunningApp.start(root, settings);
        String first = "cgt-after-reload";
        String second = "cgt-after-edit";
        succeedsWithVideo(first, Videos.mp4(3_000, 13));
        succeedsWithVideo(second, Videos.mp4(3_000, 14));

        // A new file.
        Path audit = root.resolve("audit");
        Files.writeString(routes.resolve("audit.yaml"), auditRoute("task-succeeded", audit));
        await().atMost(WAIT).until(() -> app.context().getRoute("audit-task-succeeded") != null);
        app.drop("first.txt", first);
        await().atMost(WAIT).until(() -> Files.exists(audit.resolve(first + ".task-succeeded.txt")));

        // The same file, edited: its route now writes elsewhere, and the other routes run on.
        Path edited = root.resolve("audit-edited");
        Files.writeString(routes.resolve("audit.yaml"), auditRoute("task-succeeded", edited));
        await().atMost(WAIT).until(() -> routeWritesTo(edited) && app.context().getRoute("audit-task-succeeded") != null);
        app.drop("second.txt", second);
        await().atMost(WAIT).until(() -> Files.exists(edited.resolve(second + ".task-succeeded.txt")));
        assertFalse(Files.exists(audit.resolve(second + ".task-succeeded.txt")));
        assertTrue(Files.exists(app.result(second)));
    }

    private boolean routeWritesTo(Path folder) {
        RouteDefinition route = ((ModelCamelContext) app.context()).getRouteDefinition("audit-task-succeeded");
        return route != null && route.getOutputs().toString().contains(folder.toString());
    }

    @Test
    void theExamplesAreNotLoadedByDefault() throws Exception {
        app = RunningApp.start(root, RunningApp.testSettings(root, api.baseUrl()));

        List<String> ids = app.context().getRoutes().stream().map(Route::getRouteId).toList();
        assertTrue(ids.containsAll(List.of("task-succeeded", "task-failed", "observe-finished-task")), ids.toString());
        assertNull(app.context().getRoute("webhook-task-succeeded"));
    }
}
