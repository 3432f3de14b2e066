package io.github.jimengfetcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.OutputTree;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.StorageHost;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged instances on one real PostgreSQL store, each with its notification listener on a port
 * of its own. Every task was fetched by one instance; its notification goes to the other, which never
 * held it, and the task is fetched and downloaded within seconds, though its fallback interval and its
 * schedule are an hour.
 */
class NotifyClusterIT {

    private static final int TASKS = 20;
    private static final String SECRET = "cluster-n0tify-secret-0123";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path root;

    private final Path logs = Path.of("target", "notify-cluster-it");

    private EmbeddedPostgres db;

    @Test
    void aNotificationToTheInstanceThatNeverHeldTheTaskHasItFetchedAndDownloadedAtOnce() throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(logs);
        for (String instance : List.of("a", "b")) {
            Files.deleteIfExists(logs.resolve(instance + ".log"));
        }
        db = EmbeddedPostgres.builder().setPort(Http.freePort()).start();
        try (FakeGateway api = new FakeGateway(); StorageHost storage = new StorageHost()) {
            Map<String, byte[]> videos = new HashMap<>();
            List<String> ids = new ArrayList<>();
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < TASKS; i++) {
                String id = "cgt-notify-cluster-" + i;
                ids.add(id);
                byte[] video = Videos.mp4(20_000 + i * 100, i);
                videos.put(id, video);
                api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "10%"), FakeGateway.success(id, storage.video(id + ".mp4", video)));
                lines.append(id).append('\n');
            }
            Map<String, Integer> ports = Map.of("a", Http.freePort(), "b", Http.freePort());
            AppProcess a = null;
            AppProcess b = null;
            try {
                // b alone first: it registers every task and fetches each once; the next fetch is an hour away.
                b = AppProcess.start(logs.resolve("b.log"), env("b", api.baseUrl(), ports.get("b")));
                b.awaitLog("Routes startup", Duration.ofSeconds(60));
                Files.writeString(Files.createDirectories(root.resolve("inbox")).resolve("tasks.txt"), lines);
                await().atMost(Duration.ofSeconds(20)).until(() -> rows("NOT finished AND (lease_owner IS NULL OR kept) AND phase = 'FETCH' "
                        + "AND (task->>'fetches')::int = 1 AND next_at > (extract(epoch from now()) * 1000)::bigint + 600000") == TASKS);
                a = AppProcess.start(logs.resolve("a.log"), env("a", api.baseUrl(), ports.get("a")));
                a.awaitLog("Routes startup", Duration.ofSeconds(60));
                assertEquals(TASKS, api.requests().stream().filter(r -> r.path().startsWith("/jimeng/fetch/")).count(),
                        "one fetch each so far, by b");

                long notifiedAt = System.nanoTime();
                for (String id : ids) {
                    HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("a") + "/notify/" + SECRET))
                                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(FakeGateway.success(id, "https://elsewhere.example/x.mp4"))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, answer.statusCode(), answer.body());
                    assertTrue(answer.body().contains("\"fetched\""), id + ": " + answer.body());
                }
                await().atMost(Duration.ofSeconds(15)).until(() -> OutputTree.finishedIds(root.resolve("output")).size() == TASKS);
                long tookMs = (System.nanoTime() - notifiedAt) / 1_000_000;
                System.out.printf("NotifyClusterIT: %d tasks fetched and downloaded %d ms after their notifications%n", TASKS, tookMs);
                b.terminate(Duration.ofSeconds(15));
                a.terminate(Duration.ofSeconds(15));
            } finally {
                for (AppProcess app : new AppProcess[] {a, b}) {
                    if (app != null) {
                        app.close();
                    }
                }
            }

            for (String id : ids) {
                assertTrue(Files.exists(root.resolve("output/results/" + id + ".json")), id);
                assertArrayEquals(videos.get(id), Files.readAllBytes(root.resolve("output/videos/" + id + ".mp4")), id + " byte-exact");
                assertEquals(1, storage.requestsFor(id + ".mp4").size(), id + " downloaded once");
                assertEquals(2, api.fetchesOf(id).size(), id + ": its first fetch and the one its notification asked for");
            }
        } finally {
            db.close();
            System.out.printf("NotifyClusterIT: %d s%n", (System.nanoTime() - started) / 1_000_000_000);
        }
    }

    /** Both on the store; fetches and fallback an hour apart, so only a notification explains a prompt second fetch. */
    private Map<String, String> env(String instance, String baseUrl, int notifyPort) {
        Map<String, String> env = AppProcess.sharedStoreEnv(root, instance, baseUrl, db.getPort(), "notify-cluster-pw");
        env.put("JIMENG_STORE_LEASE_TIME", "3s");
        env.put("JIMENG_FETCH_INTERVAL", "1h");
        env.put("JIMENG_FETCH_SCHEDULER_TICK", "100ms");
        env.put("JIMENG_NOTIFY_ENABLED", "true");
        env.put("JIMENG_NOTIFY_PORT", String.valueOf(notifyPort));
        env.put("JIMENG_NOTIFY_SECRET", SECRET);
        env.put("JIMENG_NOTIFY_FALLBACK_INTERVAL", "1h");
        return env;
    }

    private long rows(String where) throws Exception {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM jimeng_tasks WHERE " + where)) {
            r.next();
            return r.getLong(1);
        }
    }
}
