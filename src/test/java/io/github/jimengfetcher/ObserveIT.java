package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.Http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar serves the status page, /tasks, health and metrics on its one port. */
class ObserveIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void theJarServesHealthMetricsAndTasks() throws Exception {
        Map<String, String> env = AppProcess.env(root);
        env.put("JIMENG_DEMO_TASK_TIME", "1s");
        int port = Integer.parseInt(env.get("JIMENG_HTTP_PORT"));
        try (AppProcess app = AppProcess.start(root.resolve("app.log"), env)) {
            app.awaitLog("Status page: http://127.0.0.1:" + port + "/", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> Http.get(port, "/observe/health").statusCode() == 200);
            Files.createDirectories(root.resolve("inbox"));
            Files.writeString(root.resolve("inbox/cgt-demo-observed"), "");

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    JSON.readTree(Http.get(port, "/tasks").body()).path("counts").path("succeeded").asInt() == 1);
            JsonNode task = JSON.readTree(Http.get(port, "/tasks").body()).path("tasks").get(0);
            assertEquals("cgt-demo-observed", task.path("id").asText());
            assertEquals("succeeded", task.path("state").asText());
            String metrics = Http.get(port, "/observe/metrics").body();
            assertTrue(metrics.lines().anyMatch(line -> line.matches("jimeng_tasks_succeeded_total\\{instance_id=\"[^\"]+\",provider=\"jimeng-gateway\"} 1\\.0")), metrics);
            assertTrue(Http.get(port, "/").body().contains("<title>jimeng-fetcher</title>"));

            app.terminate(Duration.ofSeconds(15));
        }
    }
}
