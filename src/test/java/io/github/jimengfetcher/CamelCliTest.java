package io.github.jimengfetcher;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Camel JBang (camel ps, get, top, trace) reads what Camel's CLI connector writes under ~/.camel for
 * each running process: only when jimeng.camel-cli.enabled is true, and never the API key.
 */
class CamelCliTest extends AppTestSupport {

    private static final Path CAMEL_DIR = Path.of(System.getProperty("user.home"), ".camel");
    private static final String PID = String.valueOf(ProcessHandle.current().pid());

    private static List<Path> filesOfThisProcess() throws Exception {
        if (!Files.isDirectory(CAMEL_DIR)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(CAMEL_DIR)) {
            return files.filter(f -> f.getFileName().toString().startsWith(PID)).toList();
        }
    }

    private static int camelMBeans() throws Exception {
        return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("org.apache.camel:*"), null).size();
    }

    @Test
    void offByDefaultNothingIsWrittenUnderTheHomeFolderAndManagementStaysOff() throws Exception {
        startApp(Map.of());
        assertEquals(List.of(), filesOfThisProcess());
        assertEquals(0, camelMBeans(), "Camel's management (JMX) is off");
    }

    @Test
    void switchedOnCamelJBangSeesTheRoutesAndTheirCountersButNeverTheKey() throws Exception {
        String id = "cgt-20250829165214-cli";
        String url = api.video("cli.mp4", Videos.mp4(32 * 1024, 3));
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "45%"), FakeGateway.success(id, url));
        startApp(Map.of("jimeng.camel-cli.enabled", "true", "camel.trace.enabled", "true"));
        app.drop("ids.txt", id + "\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));

        Path status = CAMEL_DIR.resolve(PID + "-status.json");
        // The connector rewrites the status file about once a second: wait for one that counts the task's fetches.
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(status) && fetchesCounted(status) >= 2);
        JsonNode json = JSON.readTree(status.toFile());
        assertEquals("jimeng-fetcher", json.path("context").path("name").asText(), json.path("context").toString());
        List<String> routes = json.path("routes").findValuesAsText("routeId");
        assertTrue(routes.containsAll(List.of("fetch-task", "download-video", "finish-task", "inbox-to-tasks")), routes.toString());
        // Camel JBang names the process by the class it started from.
        assertTrue(json.findValuesAsText("mainClass").contains(JimengFetcherApplication.class.getName()), json.toString());
        assertTrue(camelMBeans() > 0, "route statistics (camel top) need Camel's management");
        for (Path file : filesOfThisProcess()) {
            String text = Files.readString(file);
            int at = text.indexOf(FakeGateway.KEY);
            assertFalse(at >= 0, file + " holds the key: " + (at < 0 ? "" : text.substring(Math.max(0, at - 300), at)));
            assertFalse(text.contains("Bearer"), file + " holds the Authorization header");
        }

        app.close();
        app = null;
        assertFalse(Files.exists(status), "the status file goes when the app stops");
    }

    /** Camel's connector may leave a file or two it wrote while stopping; none is left for the next test. */
    @AfterEach
    void removeWhatTheConnectorLeft() throws Exception {
        for (Path file : filesOfThisProcess()) {
            Files.deleteIfExists(file);
        }
    }

    private static long fetchesCounted(Path status) {
        try {
            for (JsonNode route : JSON.readTree(status.toFile()).path("routes")) {
                if ("fetch-task".equals(route.path("routeId").asText())) {
                    return route.path("statistics").path("exchangesTotal").asLong();
                }
            }
        } catch (Exception e) {
            return -1; // being rewritten
        }
        return -1;
    }
}
