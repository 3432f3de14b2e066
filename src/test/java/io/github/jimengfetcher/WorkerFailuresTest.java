package io.github.jimengfetcher;

import java.nio.file.Files;
import java.time.Duration;
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
import io.github.jimengfetcher.support.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker thread killed by an Error thrown where Camel's own code catches only exceptions. */
class WorkerFailuresTest extends AppTestSupport {

    @Test
    void aWorkerThatDiesOfAnErrorWorksAgainItsTaskCompletesAndHealthNamesIt() throws Exception {
        String id = "cgt-worker-error";
        byte[] video = Videos.mp4(300_000, 31);
        api.answer(id, okJson(FakeGateway.success(id, api.video("worker-error.mp4", video))));
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
        api.answer(next, okJson(FakeGateway.success(next, api.video("worker-error-2.mp4", video))));
        app.drop("more.txt", next);
        awaitResultOf(next);
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
