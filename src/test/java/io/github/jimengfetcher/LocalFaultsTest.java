package io.github.jimengfetcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** This machine misbehaving: a full disk, folders removed, a second process, a restart after an outage. */
class LocalFaultsTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aFullDiskWedgesNothingAndEveryTaskCompletesOnceSpaceIsFreed() throws Exception {
        Path disk = root.resolve("disk");
        assumeTrue(mountSmallDisk(disk, "6m"), "needs root and tmpfs to make a really full disk");
        try {
            Map<String, String> settings = new HashMap<>();
            settings.put("jimeng.work.folder", disk.resolve("work").toString());
            settings.put("jimeng.output.folder", disk.resolve("output").toString());
            settings.put("jimeng.health.min-free-space", "1MB");
            int port = Http.enable(settings);
            String[] ids = {"cgt-full-1", "cgt-full-2", "cgt-full-3"};
            byte[][] videos = new byte[ids.length][];
            for (int i = 0; i < ids.length; i++) {
                videos[i] = Videos.mp4(600_000, i);
                api.answer(ids[i], Answer.json(FakeGateway.status(ids[i], "IN_PROGRESS", "50%")));
            }
            startApp(settings);
            app.drop("ids.txt", String.join("\n", ids));
            await().atMost(WAIT).until(() -> Stream.of(ids).allMatch(id -> api.fetchesOf(id).size() >= 1));

            Path filler = disk.resolve("filler");
            fillUp(filler);
            try (CapturedLog log = CapturedLog.capture()) {
                for (int i = 0; i < ids.length; i++) {
                    api.answer(ids[i], Answer.json(FakeGateway.success(ids[i], api.video(ids[i] + ".mp4", videos[i]))));
                }
                await().atMost(WAIT).until(() -> Stream.of(ids).allMatch(id -> store().find(taskId(id)).map(t -> t.faultStreak >= 2).orElse(false)));
                String health = Http.get(port, "/observe/health?exposureLevel=full").body();
                assertTrue(health.contains("DOWN") && health.contains("jimeng.health.min-free-space"), health);
                assertFalse(Files.exists(disk.resolve("output/failed")) && Files.list(disk.resolve("output/failed")).findAny().isPresent(),
                        "a full disk writes nothing off");
                assertTrue(log.count("cannot be completed now") <= 3, "logged once per kind of fault, not per retry: " + log.all());
            }

            Files.delete(filler);

            Path output = disk.resolve("output");
            for (int i = 0; i < ids.length; i++) {
                Path result = output.resolve("results/" + ids[i] + ".json");
                await().atMost(WAIT).until(() -> Files.exists(result));
                assertArrayEquals(videos[i], Files.readAllBytes(output.resolve("videos/" + ids[i] + ".mp4")), ids[i]);
            }
            await().atMost(WAIT).until(() -> store().pendingCount() == 0);
            await().atMost(WAIT).until(() -> Http.get(port, "/observe/health").statusCode() == 200);
            assertFalse(Files.exists(output.resolve("failed/" + ids[0] + ".json")));
        } finally {
            if (app != null) {
                app.close();
                app = null;
            }
            new ProcessBuilder("umount", "-l", disk.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void removedOutputAndDownloadFoldersComeBack() throws Exception {
        String id = "cgt-archived";
        byte[] video = Videos.mp4(40_000, 7);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("archived.mp4", video))));
        startApp(Map.of());
        deleteTree(app.output("videos"));
        deleteTree(app.output("results"));
        deleteTree(app.work().resolve("downloads"));

        app.drop("ids.txt", id);

        awaitResult(id);
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
    }

    @Test
    void healthSaysDownWhileLittleSpaceIsLeftAndUpAgainByItself() throws Exception {
        Map<String, String> settings = new HashMap<>();
        int port = Http.enable(settings);
        settings.put("jimeng.health.min-free-space", "100000GB");
        startApp(settings);
        await().atMost(WAIT).until(() -> Http.get(port, "/observe/health").statusCode() == 503);
        String health = Http.get(port, "/observe/health").body();
        assertTrue(health.contains("jimeng.health.min-free-space"), health);
        for (JsonNode check : JSON.readTree(health).path("checks")) {
            if (check.path("name").asText().equals("jimeng-fetcher")) {
                assertFalse(check.path("message").asText().contains("\\"), "nothing escaped twice on its way out: " + health);
            }
        }

        settings.put("jimeng.health.min-free-space", "1KB");
        startApp(settings);
        await().atMost(WAIT).until(() -> Http.get(port, "/observe/health").statusCode() == 200);
    }

    @Test
    void aVideoThatCannotBeMovedIntoPlaceIsSaidInWordsByHealthAndPublishedOnceItCan() throws Exception {
        String id = "cgt-in-the-way";
        byte[] video = Videos.mp4(50_000, 42);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("in-the-way.mp4", video))));
        // A folder where the video goes: the rename onto it fails ("{download} -> {video}: Is a directory").
        Path inTheWay = root.resolve("output/videos/" + id + ".mp4");
        Files.createDirectories(inTheWay);
        Files.writeString(inTheWay.resolve("note.txt"), "someone's");
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.health.min-free-space", "1KB");
        int port = Http.enable(settings);
        startApp(settings);
        app.drop("ids.txt", id);

        await().atMost(WAIT).until(() -> Http.get(port, "/observe/health").body().contains("tasks cannot be written out"));
        String message = "";
        for (JsonNode check : JSON.readTree(Http.get(port, "/observe/health?exposureLevel=full").body()).path("checks")) {
            message += check.path("message").asText();
        }
        assertTrue(message.contains("tasks cannot be written out: a file could not be moved into place: Is a directory (the log names the files)"),
                message);
        assertFalse(message.contains("(a file)"), message);

        deleteTree(inTheWay);
        assertArrayEquals(video, Files.readAllBytes(awaitResultPath(id)));
    }

    private Path awaitResultPath(String id) {
        await().atMost(WAIT).until(() -> Files.exists(app.result(id)));
        return app.video(id);
    }

    @Test
    void aSecondProcessOnTheSameWorkFolderRefusesToStart() throws Exception {
        startApp(Map.of());
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        settings.put("jimeng.inbox.folder", root.resolve("other-inbox").toString());
        settings.put("jimeng.output.folder", root.resolve("other-output").toString());
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> RunningApp.start(root, settings));
        assertTrue(refused.getMessage().contains("already running on the work folder"), refused.getMessage());
        assertFalse(Files.exists(root.resolve("other-output")), "refused before touching any folder");
        assertTrue(app.context().getStatus().isStarted(), "the first one runs on");
    }

    @Test
    void aFixedKeyAndARestartFetchAtOnceAndTheOutageDoesNotCountTowardsTheTimeout() throws Exception {
        String id = "cgt-outage";
        byte[] video = Videos.mp4(20_000, 3);
        String url = api.video("outage.mp4", video);
        // The fake gateway answers 401 to any other key, as gateways do.
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "40%"), FakeGateway.status(id, "IN_PROGRESS", "80%"),
                FakeGateway.success(id, url));
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.fetch.task-timeout", "3s");
        settings.put("jimeng.fetch.key-refused-pause", "1h");
        settings.put("jimeng.api.key", "sk-wrong-key-5678");
        startApp(settings);
        app.drop("ids.txt", id);
        await().atMost(WAIT).until(() -> api.fetchesOf(id).size() >= 1);
        // The task's timeout passes while the key is refused.
        await().pollDelay(Duration.ofMillis(3500)).atMost(WAIT).until(() -> true);

        settings.remove("jimeng.api.key");
        long restart = System.currentTimeMillis();
        startApp(settings);

        JsonNode result = awaitResult(id);
        assertEquals("SUCCESS", result.path("status").asText());
        assertTrue(System.currentTimeMillis() - restart < 10_000, "fetched at once after the restart, not after the old pause");
        assertFalse(Files.exists(app.failure(id)));
    }

    @Test
    void aShorterPollIntervalAppliesAtOnceAfterARestart() throws Exception {
        String id = "cgt-interval";
        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "10%")));
        startApp(Map.of("jimeng.fetch.interval", "1h"));
        app.drop("ids.txt", id);
        await().atMost(WAIT).until(() -> api.fetchesOf(id).size() == 1 && store().find(taskId(id)).map(t -> t.fetches == 1).orElse(false));

        startApp(Map.of("jimeng.fetch.interval", "300ms"));

        await().atMost(Duration.ofSeconds(10)).until(() -> api.fetchesOf(id).size() >= 3);
    }

    @Test
    void oneBrokenTaskDoesNotAlternateFaultAndRecoveryLines() throws Exception {
        String broken = "cgt-broken";
        String fine = "cgt-fine";
        api.statuses(broken, FakeGateway.status(broken, "IN_PROGRESS", "90%"), FakeGateway.failure(broken, "policy"));
        api.answer(fine, Answer.json(FakeGateway.status(fine, "IN_PROGRESS", "10%")));
        startApp(Map.of());
        try (CapturedLog log = CapturedLog.capture()) {
            app.drop("ids.txt", broken + "\n" + fine);
            await().atMost(WAIT).until(() -> api.fetchesOf(broken).size() >= 1);
            // The broken task's failure record cannot be written: a folder sits where its file goes.
            Files.createDirectories(app.output("failed").resolve(broken + ".json").resolve("in-the-way"));
            await().atMost(WAIT).until(() -> log.count(broken + " FAILED") >= 3);
            String[] others = {"cgt-fine-a", "cgt-fine-b", "cgt-fine-c"};
            for (String other : others) {
                api.answer(other, Answer.json(FakeGateway.success(other, api.video(other + ".mp4", Videos.mp4(10_000, 1)))));
            }
            app.drop("more.txt", String.join("\n", others));
            await().atMost(WAIT).until(() -> Stream.of(others).allMatch(o -> Files.exists(app.result(o))));
            long before = log.count(broken + " FAILED");
            await().atMost(WAIT).until(() -> log.count(broken + " FAILED") >= before + 2);
            assertEquals(1L, log.count("cannot be completed now"), log.all());
            assertEquals(0L, log.count("works again"), log.all());
        }
    }

    @Test
    void aHandEditedJournalCannotWedgeATask() throws Exception {
        Files.createDirectories(root.resolve("work"));
        long now = System.currentTimeMillis();
        long farFuture = now + 365L * 24 * 3600_000;
        // A download with no URL to download from, a task due in a year, one registered in the future,
        // negative counters: whatever a hand edit left, each task makes progress.
        String journal = String.join("\n",
                "{\"op\":\"put\",\"task\":{\"id\":\"cgt-edit-1\",\"phase\":\"DOWNLOAD\",\"registeredAt\":" + now + ",\"nextAt\":" + now + "}}",
                "{\"op\":\"put\",\"task\":{\"id\":\"cgt-edit-2\",\"phase\":\"FETCH\",\"registeredAt\":" + now + ",\"nextAt\":" + farFuture
                        + ",\"fetches\":-5,\"downloadAttempts\":-9}}",
                "{\"op\":\"put\",\"task\":{\"id\":\"cgt-edit-3\",\"phase\":\"DOWNLOAD\",\"videoUrl\":\" \",\"registeredAt\":" + farFuture
                        + ",\"nextAt\":" + farFuture + ",\"activeAt\":" + farFuture + "}}",
                "{\"op\":\"clock\",\"active\":-12}");
        Files.writeString(root.resolve("work/tasks.journal"), journal);
        String[] ids = {"cgt-edit-1", "cgt-edit-2", "cgt-edit-3"};
        for (int i = 0; i < ids.length; i++) {
            api.answer(ids[i], Answer.json(FakeGateway.success(ids[i], api.video(ids[i] + ".mp4", Videos.mp4(5_000, i)))));
        }

        startApp(Map.of());

        for (String id : ids) {
            JsonNode result = awaitResult(id);
            assertTrue(result.path("fetches").asInt() >= 1, result.toString());
        }
    }

    @Test
    void aJournalRemovedWhileTheAppRunsIsWrittenAnewAndNothingIsForgotten() throws Exception {
        String id = "cgt-journal-gone";
        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "20%")));
        startApp(Map.of());
        app.drop("ids.txt", id);
        await().atMost(WAIT).until(() -> api.fetchesOf(id).size() >= 1);

        deleteTree(app.work());

        await().atMost(WAIT).until(() -> Files.exists(app.work().resolve("tasks.journal")));
        startApp(Map.of());
        assertTrue(store().find(taskId(id)).isPresent(), "still pending after a restart");
    }

    @Test
    void aJournalWithBytesThatAreNotUtf8AndAnEndlessLineStillLoads() throws Exception {
        Files.createDirectories(root.resolve("work"));
        long now = System.currentTimeMillis();
        String good = "{\"op\":\"put\",\"task\":{\"id\":\"cgt-kept\",\"phase\":\"FETCH\",\"registeredAt\":" + now + ",\"nextAt\":" + now + "}}\n";
        try (OutputStream out = Files.newOutputStream(root.resolve("work/tasks.journal"))) {
            out.write(good.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.write(new byte[] {'{', '"', 'o', 'p', '"', ':', '"', (byte) 0xE9, (byte) 0xFF, '"', '}', '\n'});
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'x');
            for (int i = 0; i < 40; i++) {
                out.write(block);
            }
            out.write('\n');
        }
        api.answer("cgt-kept", Answer.json(FakeGateway.status("cgt-kept", "IN_PROGRESS", "1%")));

        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            assertEquals(2, log.count("unreadable entry quarantined"), log.all());
        }
        assertTrue(store().find(taskId("cgt-kept")).isPresent());
        await().atMost(WAIT).until(() -> !api.fetchesOf("cgt-kept").isEmpty());
    }

    @Test
    void aBugFailsItsTaskAsInternalErrorAfterAFewTriesInsteadOfRetryingForEver() throws Exception {
        Files.createDirectories(root.resolve("work"));
        long now = System.currentTimeMillis();
        // A download whose URL no code path of ours would ever store: only a hand edit puts it there.
        Files.writeString(root.resolve("work/tasks.journal"), "{\"op\":\"put\",\"task\":{\"id\":\"cgt-bug\",\"phase\":\"DOWNLOAD\","
                + "\"videoUrl\":\"not a url at all\",\"registeredAt\":" + now + ",\"nextAt\":" + now + "}}\n");
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            JsonNode failure = awaitFailure("cgt-bug");
            assertEquals("internal_error", failure.path("reason_class").asText(), failure.toString());
            assertEquals(1L, log.count("cgt-bug hit an internal error"), log.all());
            assertEquals(0L, log.count("cannot be completed now"), "not taken for a fault of the disk: " + log.all());
        }
    }

    /** Mounts a tmpfs of the given size; false where this machine does not allow it. */
    private static boolean mountSmallDisk(Path at, String size) throws Exception {
        Files.createDirectories(at);
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString())
                    .redirectErrorStream(true).start();
            return mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
        } catch (IOException noMount) {
            return false;
        }
    }

    private static void fillUp(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // the disk is full
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
