package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The task-finished route template of routes/hooks.yaml: a user's route file subscribes in one
 * templatedRoute block, and each such subscriber gets every finished task of its outcome, once.
 */
class HookTemplateTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static String subscriber(String id, String outcome, String target) {
        return """
                - templatedRoute:
                    routeTemplateRef: task-finished
                    routeId: %s
                    parameters:
                      - { name: outcome, value: %s }
                      - { name: target, value: "%s?httpMethod=POST" }
                """.formatted(id, outcome, target);
    }

    @Test
    void eachSubscriberOfTheTemplateGetsEveryFinishedTaskOfItsOutcomeOnce() throws Exception {
        Path routes = Files.createDirectories(root.resolve("routes"));
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        for (String path : List.of("/first", "/second", "/failed", "/succeeded", "/docs-example")) {
            api.listen(path, Answer.status(200));
        }
        Files.writeString(routes.resolve("subscribers.yaml"),
                subscriber("every-task-first", "any", api.baseUrl() + "/first")
                        + subscriber("every-task-second", "any", api.baseUrl() + "/second")
                        + subscriber("failures-only", "failed", api.baseUrl() + "/failed")
                        + subscriber("successes-only", "succeeded", api.baseUrl() + "/succeeded")
                        + theExampleOfTheDocs().replace("https://hooks.example.com/jimeng", api.baseUrl() + "/docs-example"));
        List<String> good = List.of("cgt-template-ok-1", "cgt-template-ok-2");
        String bad = "cgt-template-failed";
        for (String id : good) {
            api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "30%"), FakeGateway.success(id, api.video(id + ".mp4", Videos.mp4(4_000, 7))));
        }
        api.answer(bad, Answer.json(FakeGateway.failure(bad, "quota exceeded")));
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        settings.put("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
        app = RunningApp.start(root, settings);

        app.drop("ids.txt", String.join("\n", good) + "\n" + bad + "\n");

        // Counted over half a second after they arrive: a second delivery of one event would show.
        await().atMost(WAIT).during(Duration.ofMillis(500)).until(() -> received("/first").size() == 3
                && received("/second").size() == 3 && received("/failed").size() == 1 && received("/succeeded").size() == 2
                && received("/docs-example").size() == 1);

        Set<String> all = Set.of(good.get(0), good.get(1), bad);
        assertEquals(all, taskIds(received("/first")), "every task once to the first subscriber of any outcome");
        assertEquals(all, taskIds(received("/second")), "every task once to the second subscriber of any outcome");
        assertEquals(Set.of(bad), taskIds(received("/failed")));
        assertEquals(Set.copyOf(good), taskIds(received("/succeeded")));
        assertEquals(Set.of(bad), taskIds(received("/docs-example")), "the one line of docs/extending.md works as it is written");

        for (Request request : received("/first")) {
            String id = request.header("JimengTaskId");
            boolean succeeded = good.contains(id);
            assertEquals(succeeded ? "task-succeeded" : "task-failed", request.header("JimengEvent"));
            assertEquals("application/json", request.header("Content-Type"));
            assertEquals(JSON.readTree((succeeded ? app.result(id) : app.failure(id)).toFile()), JSON.readTree(request.body()),
                    "the body is the record as written");
            assertFalse(request.hasHeader("JimengResultFile") || request.hasHeader("JimengFailureFile")
                    || request.hasHeader("JimengVideoFile"), "no local path goes out: " + request.headers());
        }
    }

    private static String theExampleOfTheDocs() throws Exception {
        return Files.readAllLines(Path.of("docs", "extending.md")).stream()
                .filter(line -> line.startsWith("- templatedRoute:")).findFirst().orElseThrow() + "\n";
    }

    private List<Request> received(String path) {
        return api.requestsTo(path).stream().filter(r -> r.method().equals("POST")).toList();
    }

    private static Set<String> taskIds(List<Request> requests) {
        return requests.stream().map(r -> r.header("JimengTaskId")).collect(Collectors.toSet());
    }
}
