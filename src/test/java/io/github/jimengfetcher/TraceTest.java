package io.github.jimengfetcher;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.apache.camel.spi.BacklogTracer;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Camel's tracers switched on, as a user debugging the routes would: they never see the API key. */
class TraceTest extends AppTestSupport {

    @Test
    void tracersAndMessageHistoryNeverRecordTheKey() throws Exception {
        String id = "cgt-20250829165214-traced";
        byte[] video = Videos.mp4(64 * 1024, 7);
        String url = api.video("traced.mp4", video);
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "45%"), FakeGateway.success(id, url));
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of(
                    // Backlog tracer (what `camel trace` and JMX read), the logging tracer, message history.
                    "camel.trace.enabled", "true",
                    "camel.trace.backlog-size", "1000",
                    "camel.trace.trace-pattern", "fetch-task*",
                    "camel.trace.include-exchange-variables", "true",
                    "camel.trace.include-exchange-properties", "true",
                    "camel.main.tracing", "true",
                    "camel.main.message-history", "true"));
            app.drop("ids.txt", id + "\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));

            BacklogTracer tracer = app.context().getCamelContextExtension().getContextPlugin(BacklogTracer.class);
            assertNotNull(tracer, "the backlog tracer is on");
            String traced = tracer.dumpAllTracedMessagesAsJSon() + tracer.dumpAllTracedMessagesAsXml();
            // The fetch was traced, headers and all...
            assertTrue(traced.contains("fetch-task") && traced.contains("CamelHttpPath") && traced.contains(id), "the fetch route was traced");
            // ...but the key never was.
            assertFalse(traced.contains(FakeGateway.KEY), "the tracer recorded the key");
            assertFalse(traced.contains("Bearer"), "the tracer recorded the Authorization header");

            assertTrue(log.all().contains("fetch-task"), "the logging tracer wrote the fetch route's steps");
            assertFalse(log.all().contains(FakeGateway.KEY), "the log shows the key");
            assertFalse(log.all().contains("Bearer"), "the log shows the Authorization header");
        }
        // The API still got the key on every fetch, and the storage host never did.
        assertEquals(2, api.fetchesOf(id).size());
        for (Request fetch : api.fetchesOf(id)) {
            assertEquals("Bearer " + FakeGateway.KEY, fetch.header("Authorization"));
        }
        assertFalse(api.requestsTo("/videos/traced.mp4").get(0).hasHeader("Authorization"), "the key never goes to the storage host");
    }
}
