package io.github.jimengfetcher;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker thread killed by an Error thrown where Camel's own code catches only exceptions. */
class WorkerFailuresTest extends AppTestSupport {

    @Test
    void aWorkerThatDiesOfAnErrorWorksAgainItsTaskCompletesAndHealthNamesIt() throws Exception {
        String id = "cgt-worker-error";
        byte[] video = Videos.mp4(300_000, 31);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("worker-error.mp4", video))));
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int port = Http.enable(settings);
        // The timer that claims downloads dies at its first tick, the download consumer on the task's claim.
        ErrorOnce errors = new ErrorOnce(Set.of("claim-due-downloads", "download-video"));
        app = RunningApp.start(root, settings, Map.of("errorOnce", errors));
        app.drop("ids.txt", id);

        awaitResultOf(id);
        assertEquals(Set.of(), errors.armed, "both workers died once");
        String health = Http.get(port, "/observe/health?exposureLevel=full").body();
        assertTrue(health.contains("DOWN"), health);
        assertTrue(health.contains("a worker failed with OutOfMemoryError: Java heap space in route claim-due-downloads"), health);
        assertTrue(health.contains("a worker failed with OutOfMemoryError: Java heap space in route download-video"), health);
        DueWork dueWork = app.context().getRegistry().lookupByNameAndType("dueWork", DueWork.class);
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(5)).until(() -> dueWork.downloadSlots().inUse() == 0 && dueWork.heldCount() == 0);

        // The routes keep working: a second task goes through too.
        String next = "cgt-worker-error-2";
        api.answer(next, Answer.json(FakeGateway.success(next, api.video("worker-error-2.mp4", video))));
        app.drop("more.txt", next);
        awaitResultOf(next);
    }

    @Test
    void bothRoutesOfATimerTheyShareWorkAgainAfterItsThreadDied() throws Exception {
        String first = "cgt-shared-timer-first";
        String appended = "cgt-shared-timer-appended";
        for (String id : List.of(first, appended)) {
            api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "1%")));
        }
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int port = Http.enable(settings);
        // inbox-appended-lines and inbox-not-taken share the timer inbox-later: its one thread dies at the first tick.
        ErrorOnce errors = new ErrorOnce(Set.of("inbox-appended-lines"));
        app = RunningApp.start(root, settings, Map.of("errorOnce", errors));
        Files.createDirectories(app.inbox());
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).until(errors.armed::isEmpty);

        try (OutputStream out = Files.newOutputStream(app.inbox().resolve("submitted.txt"))) {
            out.write((first + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId(first)).isPresent());
            // What the first route does: lines appended after the read are registered.
            out.write((appended + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId(appended)).isPresent());
        }
        // What the second route does: a folder in the inbox is recorded as not taken.
        Files.createDirectories(app.inbox().resolve("batch"));
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(15)).until(() -> {
            try (var records = Files.list(app.output("rejected"))) {
                return records.anyMatch(f -> f.getFileName().toString().startsWith("batch."));
            } catch (java.nio.file.NoSuchFileException notYet) {
                return false;
            }
        });
        String health = Http.get(port, "/observe/health?exposureLevel=full").body();
        assertTrue(health.contains("a worker failed with OutOfMemoryError: Java heap space in route inbox-appended-lines"), health);
        assertTrue(health.contains("a worker failed with OutOfMemoryError: Java heap space in route inbox-not-taken"), health);
    }

    @Test
    void aThreadOfNoRouteThatDiesOfAnErrorIsNamedInHealthWithoutClaimingItsWorkStartedAgain() throws Exception {
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        int port = Http.enable(settings);
        app = RunningApp.start(root, settings);
        // A thread of a library's own pool: no route of the app to start again in its place.
        Thread library = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, "library-pool-1");
        library.start();
        library.join();

        String health = Http.get(port, "/observe/health?exposureLevel=full").body();
        assertTrue(health.contains("a worker failed with OutOfMemoryError: Java heap space in thread library-pool-1 (nothing took its place"),
                health);
        assertFalse(health.contains("library-pool-1 (its work was started again"), health);
    }

    @Test
    void anInboxFileAnErrorKeepsFromBeingRegisteredIsLoggedOnceWithTheErrorNotAtEveryPoll() throws Exception {
        String id = "cgt-inbox-error";
        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "1%")));
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean(true);
        // Registering runs out of memory at every try (inside its step, as a large file would) until the heap has room again.
        org.apache.camel.spi.InterceptStrategy outOfMemory = (context, definition, target, next) -> {
            var route = org.apache.camel.model.ProcessorDefinitionHelper.getRoute((org.apache.camel.model.ProcessorDefinition<?>) definition);
            if (route == null || !"register-inbox-ids".equals(route.getRouteId()) || !"setVariable".equals(definition.getShortName())) {
                return target;
            }
            return exchange -> {
                if (failing.get()) {
                    tries.incrementAndGet();
                    // As Camel records an Error thrown inside a bean's method.
                    exchange.setException(new OutOfMemoryError("Java heap space"));
                    return;
                }
                target.process(exchange);
            };
        };
        try (CapturedLog log = CapturedLog.capture()) {
            app = RunningApp.start(root, RunningApp.testSettings(root, api.baseUrl()), Map.of("outOfMemory", outOfMemory));
            app.drop("ids.txt", id + "\n");
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(15)).until(() -> tries.get() >= 5);
            failing.set(false);
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId(id)).isPresent());

            List<String> warned = log.containing("inbox ids.txt not registered yet");
            assertEquals(1, warned.size(), log.all());
            assertTrue(warned.get(0).contains("OutOfMemoryError: Java heap space"), warned.get(0));
        }
    }

    /** Awaitility would take over uncaught throwables meanwhile, the app's own handler under test. */
    private void awaitResultOf(String id) {
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
    }

    /** On the first exchange of each named route, an Error before its first step, as out of memory would be. */
    static final class ErrorOnce implements RoutePolicyFactory {

        final Set<String> armed = ConcurrentHashMap.newKeySet();

        ErrorOnce(Set<String> routeIds) {
            armed.addAll(routeIds);
        }

        @Override
        public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
            return new RoutePolicySupport() {
                @Override
                public void onExchangeBegin(Route begun, Exchange exchange) {
                    if (armed.remove(routeId)) {
                        throw new OutOfMemoryError("Java heap space");
                    }
                }
            };
        }
    }
}
