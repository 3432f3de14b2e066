package io.github.jimengfetcher;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several instances on one shared store (jimeng.store.url) and one set of folders: each keeps its
 * lock, partial downloads and temporary names to itself, and says who it is.
 */
class InstanceScopeTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PASSWORD = "pw-0815-never-logged";

    private static EmbeddedPostgres db;
    private static int port;

    @BeforeAll
    static void startDatabase() throws IOException {
        port = Http.freePort();
        db = EmbeddedPostgres.builder().setPort(port).start();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        if (db != null) {
            db.close();
        }
    }

    private Map<String, String> shared(String instance) {
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.store.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres");
        settings.put("jimeng.store.user", "postgres");
        settings.put("jimeng.store.password", PASSWORD);
        settings.put("jimeng.store.instance-id", instance);
        settings.put("jimeng.store.lease-time", "3s");
        return settings;
    }

    @Test
    void instancesWithTheirOwnIdsShareOneWorkFolderButTheSameIdIsRefused() throws Exception {
        String id = "cgt-scope-work";
        byte[] video = Videos.mp4(50_000, 41);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("work.mp4", video))));
        startApp(shared("studio-a"));
        Map<String, String> second = RunningApp.testSettings(root, api.baseUrl());
        second.putAll(shared("studio-b"));
        try (RunningApp other = RunningApp.start(root, second)) {
            Path work = app.work();
            assertTrue(Files.isRegularFile(work.resolve("studio-a/lock")));
            assertTrue(Files.isRegularFile(work.resolve("studio-b/lock")));
            assertTrue(Files.isDirectory(work.resolve("studio-a/downloads")));
            assertTrue(Files.isDirectory(work.resolve("studio-b/downloads")));
            assertFalse(Files.exists(work.resolve("lock")), "no lock of the whole work folder with a shared store");
            assertFalse(Files.exists(work.resolve("downloads")));

            app.drop("ids.txt", id + "\n");
            awaitResult(id);
            assertEquals(1, api.fetchesOf(id).size(), "one of the two instances fetched it, once");

            Map<String, String> again = RunningApp.testSettings(root, api.baseUrl());
            again.putAll(shared("studio-a"));
            Main main = JimengFetcherApplication.create();
            again.forEach(main::addOverrideProperty);
            String reason = JimengFetcherApplication.reason(assertThrows(Exception.class, main::run));
            assertTrue(reason.contains("with the instance id studio-a is already running"), reason);
            assertTrue(reason.contains("jimeng.store.instance-id"), reason);
        }
    }

    @Test
    void temporaryNamesCarryTheInstanceAndAStartRemovesOnlyItsOwn() throws Exception {
        Path output = root.resolve("output");
        List<Path> others = List.of(
                output.resolve("results/.cgt-x@studio-b.json.tmp"), output.resolve("failed/.cgt-y@studio-b.json.tmp"),
                output.resolve("videos/.cgt-x@studio-b.mp4.tmp"), output.resolve("results/.write-probe@studio-b.tmp"),
                output.resolve("rejected/.list.txt.20250101-101010123@studio-b.json.tmp"),
                // without an instance (an earlier version's): not known to be this instance's
                output.resolve("results/.cgt-z.json.tmp"));
        List<Path> own = List.of(
                output.resolve("results/.cgt-x@studio-a.json.tmp"), output.resolve("failed/.cgt-y@studio-a.json.tmp"),
                output.resolve("videos/.cgt-x@studio-a.mp4.tmp"), output.resolve("results/.write-probe@studio-a.tmp"),
                output.resolve("rejected/.list.txt.20250101-101010123@studio-a.json.tmp"));
        for (Path file : others) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "another instance is writing this");
        }
        for (Path file : own) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "half");
        }
        String good = "cgt-scope-good";
        String bad = "cgt-scope-bad";
        api.answer(good, Answer.json(FakeGateway.success(good, api.video("good.mp4", Videos.mp4(30_000, 42)))));
        api.answer(bad, Answer.json(FakeGateway.failure(bad, "content policy")));

        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            for (String folder : List.of("results", "failed", "rejected")) {
                output.resolve(folder).register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            }
            startApp(shared("studio-a"));
            for (Path file : others) {
                assertTrue(Files.exists(file), file + " is not this instance's and stays");
            }
            for (Path file : own) {
                assertFalse(Files.exists(file), file + " was this instance's, half-written, and is removed");
            }

            app.drop("ids.txt", good + "\n" + bad + "\nnot an id!\n");
            awaitResult(good);
            awaitFailure(bad);
            await().atMost(WAIT).until(() -> app.filesIn("rejected") > others.stream().filter(f -> f.startsWith(output.resolve("rejected"))).count());
            List<String> created = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                for (WatchKey key = watch.poll(); key != null; key = watch.poll()) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        created.add(String.valueOf(event.context()));
                    }
                    key.reset();
                }
                return created.contains("." + good + "@studio-a.json.tmp") && created.contains("." + bad + "@studio-a.json.tmp")
                        && created.stream().anyMatch(name -> name.startsWith(".ids.txt.") && name.endsWith("@studio-a.json.tmp"));
            });
        }
    }

    @Test
    void tasksMetricsAndTheLogNameTheInstance() throws Exception {
        Map<String, String> settings = shared("studio-a");
        int http = Http.enable(settings);
        String id = "cgt-scope-held";
        // The fetch takes a while: the task is held by this instance meanwhile.
        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "40%")).delay(1500));
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(settings);
            assertTrue(log.count("Instance studio-a: tasks in the shared PostgreSQL store at 127.0.0.1:" + port + "/postgres") > 0, log.all());

            app.drop("ids.txt", id + "\n");
            await().atMost(WAIT).until(() -> {
                JsonNode board = JSON.readTree(Http.get(http, "/tasks?q=" + id).body());
                return "studio-a".equals(board.path("instance_id").asText()) && board.path("tasks").size() == 1
                        && "studio-a".equals(board.path("tasks").get(0).path("lease_owner").asText());
            });
            assertTrue(Http.get(http, "/").body().contains("Held by"));

            String metrics = Http.get(http, "/observe/metrics").body();
            List<String> jimeng = metrics.lines().filter(line -> line.startsWith("jimeng_")).toList();
            assertFalse(jimeng.isEmpty(), metrics);
            for (String line : jimeng) {
                assertTrue(line.contains("instance_id=\"studio-a\""), line);
            }
            assertEquals(0, log.count(PASSWORD), "the database password is never logged");
        }
        app.close();
        app = null;

        // A URL carrying a password is refused; the start-up line naming the store does not repeat it.
        try (CapturedLog log = CapturedLog.capture()) {
            Map<String, String> refused = RunningApp.testSettings(root.resolve("refused"), api.baseUrl());
            refused.putAll(shared("studio-c"));
            refused.put("jimeng.store.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&password=" + PASSWORD);
            Main main = JimengFetcherApplication.create();
            refused.forEach(main::addOverrideProperty);
            assertThrows(Exception.class, main::run);
            assertEquals(0, log.count(PASSWORD), log.all());
        }
    }
}
