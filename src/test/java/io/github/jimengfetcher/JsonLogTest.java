package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jimeng.log.format=json: the console of the real process, one JSON object per line, for log shippers. */
class JsonLogTest extends AppTestSupport {

    @Test
    void jsonFormatWritesOneObjectPerLineWithTheTaskIdOnTaskLines() throws Exception {
        String id = "cgt-20250829165214-json";
        byte[] video = Videos.mp4(64 * 1024, 11);
        String url = api.video("json.mp4", video);
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "45%"), FakeGateway.success(id, url));
        Map<String, String> env = env();
        env.put("JIMENG_LOG_FORMAT", "json");
        Path log = root.resolve("json.log");
        Process process = startProcess(log, env);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive() || read(log).contains("Routes startup"));
            assertTrue(process.isAlive(), read(log));
            Files.createDirectories(root.resolve("inbox"));
            Files.writeString(root.resolve("inbox").resolve(".incoming"), id + "\n");
            Files.move(root.resolve("inbox").resolve(".incoming"), root.resolve("inbox").resolve("ids.txt"));
            await().atMost(Duration.ofSeconds(30)).until(() -> read(log).contains(id + " DONE"));
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
        String output = read(log);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line)); // throws on any line that is not one JSON object
            }
        }
        assertTrue(lines.size() > 10, output);
        for (JsonNode line : lines) {
            assertTrue(line.isObject(), line.toString());
            for (String field : List.of("time", "level", "logger", "message")) {
                assertTrue(line.hasNonNull(field), "no " + field + " in " + line);
            }
        }
        // Lines about the task carry its id, from route log steps and Java loggers alike; others carry none.
        List<JsonNode> taskLines = lines.stream().filter(l -> l.path("message").asText().startsWith(id + " ")).toList();
        assertTrue(taskLines.size() >= 2, output);
        for (JsonNode line : taskLines) {
            assertEquals(id, line.path("task_id").asText(), line.toString());
        }
        assertTrue(taskLines.stream().anyMatch(l -> l.path("message").asText().startsWith(id + " DONE")), output);
        assertTrue(lines.stream().filter(l -> l.path("message").asText().contains("Apache Camel"))
                .noneMatch(l -> l.has("task_id")), "a line about no task has no task_id");
        assertFalse(output.contains(FakeGateway.KEY), "the key is never logged");
        assertFalse(output.contains("Bearer"), "the Authorization header is never logged");
    }

    @Test
    void anUnknownLogFormatExitsWithCode2NamingTheSetting() throws Exception {
        Map<String, String> env = env();
        env.put("JIMENG_LOG_FORMAT", "xml");
        Path log = root.resolve("bad-format.log");
        Process process = startProcess(log, env);
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits by itself");
            assertEquals(2, process.exitValue(), read(log));
            assertTrue(read(log).contains("jimeng-fetcher cannot start: jimeng.log.format=xml is not a log format: write text or json"
                    + " (environment variable JIMENG_LOG_FORMAT)"), read(log));
        } finally {
            process.destroyForcibly();
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(AppProcess.env(root));
        env.put("JIMENG_API_BASE_URL", api.baseUrl());
        env.put("JIMENG_API_KEY", FakeGateway.KEY);
        env.put("JIMENG_HTTP_ENABLED", "false");
        return env;
    }

    /** The app as a process of its own, with the app's own log configuration, not the tests' (log4j2-test.properties is on the test class path). */
    private static Process startProcess(Path log, Map<String, String> env) throws Exception {
        return AppProcess.startOnClassPath(log, env, "-Dlog4j2.configurationFile=" + Path.of("target/classes/log4j2.properties").toAbsolutePath());
    }

    private static String read(Path log) throws Exception {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
