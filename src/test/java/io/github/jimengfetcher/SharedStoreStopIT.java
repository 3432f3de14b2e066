package io.github.jimengfetcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.fake.StorageHost;
import io.github.jimengfetcher.support.fake.StorageHost.Behaviour;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged app on the shared store, stopped with SIGTERM while 40 downloads are in flight: it
 * exits within camel.main.shutdown-timeout, and no part file grows after its task's lease went back
 * (another instance may take the task over from that moment).
 */
class SharedStoreStopIT {

    private static final int DOWNLOADS = 40;

    @TempDir
    Path root;

    @Test
    void sigtermWithDownloadsInFlightStopsThemBeforeTheirLeasesGoBackWithinTheShutdownTimeout() throws Exception {
        byte[] video = Videos.mp4(4_000_000, 51);
        try (EmbeddedPostgres db = EmbeddedPostgres.builder().setPort(Http.freePort()).start();
             FakeGateway api = new FakeGateway(); StorageHost storage = new StorageHost()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < DOWNLOADS; i++) {
                String id = "cgt-sigterm-" + i;
                ids.add(id);
                api.statuses(id, FakeGateway.success(id, storage.video(id + ".mp4", video, Behaviour.CRAWL)));
            }
            Map<String, String> env = new HashMap<>(AppProcess.env(root));
            env.put("JIMENG_API_BASE_URL", api.baseUrl());
            env.put("JIMENG_API_KEY", FakeGateway.KEY);
            env.put("JIMENG_STORE_URL", "jdbc:postgresql://127.0.0.1:" + db.getPort() + "/postgres");
            env.put("JIMENG_STORE_USER", "postgres");
            env.put("JIMENG_STORE_INSTANCE_ID", "a");
            Path parts = root.resolve("work").resolve("a").resolve("downloads");
            Files.createDirectories(root.resolve("inbox"));
            try (AppProcess app = AppProcess.start(root.resolve("a.log"), env)) {
                app.awaitLog("Routes startup", Duration.ofSeconds(60));
                Files.writeString(root.resolve("inbox").resolve("ids.txt"), String.join("\n", ids) + "\n");
                await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> partSize(parts, id) > 0));
                assertEquals(0, handedBack(db).size(), "all held while in flight");

                CompletableFuture<Duration> stopped = CompletableFuture.supplyAsync(() -> {
                    try {
                        return app.terminate(Duration.ofSeconds(30));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                // Each part as it is the moment its task's lease is seen handed back.
                Map<String, Long> atRelease = new HashMap<>();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> {
                    for (String id : handedBack(db)) {
                        atRelease.computeIfAbsent(id, released -> partSize(parts, released));
                    }
                    return atRelease.size() == DOWNLOADS || stopped.isDone() && handedBack(db).size() == atRelease.size();
                });
                Duration took = stopped.get();
                assertTrue(took.toMillis() < 10_000, "stopped in " + took + " (camel.main.shutdown-timeout: 10 s)\n" + app.log());
                assertEquals(DOWNLOADS, atRelease.size(), "every lease handed back at the stop");
                for (String id : ids) {
                    assertEquals(atRelease.get(id), partSize(parts, id), id + ": written after its lease was handed back");
                    assertTrue(partSize(parts, id) > 0, id + ": its part stays to resume");
                }
            }
        }
    }

    private static List<String> handedBack(EmbeddedPostgres db) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id FROM jimeng_tasks WHERE lease_owner IS NULL AND NOT finished")) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    private static long partSize(Path parts, String id) {
        try {
            return Files.size(parts.resolve(id + ".mp4.part"));
        } catch (IOException absent) {
            return -1;
        }
    }
}
