package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.OutputTree;
import io.github.jimengfetcher.support.fake.StorageHost.Behaviour;
import io.github.jimengfetcher.support.fake.StorageHost;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged app killed with SIGKILL at arbitrary moments (reading the inbox, between
 * polls, mid-download, while publishing), restarted each time, then stopped with SIGTERM
 * while downloads are in flight: every task still ends exactly once, with a byte-exact video.
 */
class CrashIT {

    private static final int TASKS = 24;

    @TempDir
    Path root;

    @Test
    void killedAtAnyMomentAndRestartedEveryTaskEndsExactlyOnce() throws Exception {
        try (FakeGateway api = new FakeGateway(); StorageHost storage = new StorageHost()) {
            Map<String, byte[]> videos = new HashMap<>();
            Set<String> failing = new HashSet<>();
            for (int i = 0; i < TASKS; i++) {
                String id = "cgt-crash-" + i;
                if (i % 6 == 5) {
                    failing.add(id);
                    api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "50%"), FakeGateway.failure(id, "upstream error " + i));
                    continue;
                }
                byte[] video = Videos.mp4(600_000 + i * 10_000, i);
                videos.put(id, video);
                String url = storage.video(id + ".mp4", video, Behaviour.SLOW);
                String[] answers = new String[1 + i % 4];
                for (int k = 0; k < answers.length - 1; k++) {
                    answers[k] = FakeGateway.status(id, "IN_PROGRESS", (k * 30) + "%");
                }
                answers[answers.length - 1] = FakeGateway.success(id, url);
                api.statuses(id, answers);
            }
            Map<String, String> env = AppProcess.env(root);
            env.put("JIMENG_API_BASE_URL", api.baseUrl());
            env.put("JIMENG_API_KEY", FakeGateway.KEY);
            env.put("JIMENG_DOWNLOAD_MAX_CONCURRENT", "3");
            Files.createDirectories(root.resolve("inbox"));

            Random random = new Random(42);
            int dropped = 0;
            Map<String, Integer> downloadsWhenFinished = new HashMap<>();
            for (int run = 0; run < 6; run++) {
                try (AppProcess app = AppProcess.start(root.resolve("app-" + run + ".log"), env)) {
                    app.awaitLog("Routes startup", Duration.ofSeconds(60));
                    // Drop a few files at a time, so kills also land while the inbox is being read.
                    for (int k = 0; k < 2 && dropped < TASKS; k++) {
                        StringBuilder ids = new StringBuilder();
                        for (int j = 0; j < 4 && dropped < TASKS; j++) {
                            ids.append("cgt-crash-").append(dropped++).append('\n');
                        }
                        Path tmp = root.resolve("inbox/.batch-" + run + "-" + k);
                        Files.writeString(tmp, ids);
                        Files.move(tmp, root.resolve("inbox/batch-" + run + "-" + k + ".txt"));
                    }
                    Thread.sleep(300 + random.nextInt(2_500)); // the kill lands at an arbitrary moment, by design
                    app.kill();
                }
                for (String id : finishedIds()) {
                    downloadsWhenFinished.putIfAbsent(id, storage.requestsFor(id + ".mp4").size());
                    if (videos.containsKey(id) && Files.exists(root.resolve("output/results/" + id + ".json"))) {
                        assertArrayEquals(videos.get(id), Files.readAllBytes(root.resolve("output/videos/" + id + ".mp4")),
                                id + ": once its result exists, its video is whole");
                    }
                }
                assertNoTemporaryFiles();
            }

            // A last run finishes the work; SIGTERM while downloads are in flight stops it within camel.main.shutdown-timeout (10 s).
            try (AppProcess app = AppProcess.start(root.resolve("app-final.log"), env)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> app.log().contains("downloading") || finishedIds().size() > 0);
                Duration stop = app.terminate(Duration.ofSeconds(15));
                assertTrue(stop.toMillis() < 10_000, "stopped in " + stop);
            }
            try (AppProcess app = AppProcess.start(root.resolve("app-resume.log"), env)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> finishedIds().size() == TASKS);
                app.terminate(Duration.ofSeconds(15));
            }

            for (int i = 0; i < TASKS; i++) {
                String id = "cgt-crash-" + i;
                boolean result = Files.exists(root.resolve("output/results/" + id + ".json"));
                boolean failed = Files.exists(root.resolve("output/failed/" + id + ".json"));
                assertTrue(result ^ failed, id + " ends in exactly one of results/ and failed/");
                if (failing.contains(id)) {
                    assertTrue(failed, id);
                    assertTrue(Files.readString(root.resolve("output/failed/" + id + ".json")).contains("upstream error " + i));
                } else {
                    assertTrue(result, id);
                    assertArrayEquals(videos.get(id), Files.readAllBytes(root.resolve("output/videos/" + id + ".mp4")), id + " byte-exact");
                }
            }
            for (Map.Entry<String, Integer> finished : downloadsWhenFinished.entrySet()) {
                assertEquals(finished.getValue(), storage.requestsFor(finished.getKey() + ".mp4").size(),
                        finished.getKey() + " was not downloaded again after it finished");
            }
            assertNoTemporaryFiles();
            assertNoHiddenFiles();
            assertTrue(storage.requests().stream().anyMatch(r -> r.range() != null), "some kill landed mid-download and was resumed");
            try (Stream<Path> inbox = Files.list(root.resolve("inbox"))) {
                assertTrue(inbox.allMatch(f -> f.getFileName().toString().startsWith(".")), "every inbox file was processed");
            }
            assertTrue(storage.requests().stream().allMatch(r -> r.authorization() == null));
        }
    }

    private void assertNoHiddenFiles() throws Exception {
        for (String folder : List.of("results", "videos", "failed")) {
            try (Stream<Path> files = Files.list(root.resolve("output").resolve(folder))) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".")), folder + " holds only finished files");
            }
        }
    }

    private Set<String> finishedIds() throws Exception {
        return OutputTree.finishedIds(root.resolve("output"));
    }

    /** After a kill, only hidden temporary names may be left, and the next start removes them. */
    private void assertNoTemporaryFiles() throws Exception {
        for (String folder : List.of("results", "videos", "failed")) {
            Path dir = root.resolve("output").resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    assertFalse(!name.startsWith(".") && !(name.endsWith(".json") || name.endsWith(".mp4")), "unexpected " + file);
                }
            }
        }
    }
}
