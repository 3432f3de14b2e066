package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A packaged instance on a real PostgreSQL store is killed with SIGKILL between a fetch and the batched
 * write of its answer: the answer ("in progress", 40 %) is in the batch statement, held back by a row
 * lock the test takes, when the process dies and its statement is ended with it. The row keeps what was
 * last written (no answer), and a second instance takes the task over once the lease lapses, fetches
 * it again and delivers it: the task is not lost, the answer never written is not kept.
 */
class BatchedWriteCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The batch statement of releases, alone or carried by a claim (WriteBatches.RELEASE), waiting for the row. */
    private static final String RELEASE_WAITING = "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            + "AND query LIKE '%SET phase = w.phase%'";
    /** Every statement waiting for the row (the release, and a lease renewal sent meanwhile). */
    private static final String WAITING = "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'";

    @TempDir
    Path root;

    private final Path logs = Path.of("target", "batched-write-crash-it");

    @Test
    void anInstanceKilledBeforeItsBatchedWriteLeavesTheTaskToATakeoverThatFetchesItAgain() throws Exception {
        Files.createDirectories(logs);
        String id = "cgt-batch-crash";
        byte[] video = Videos.mp4(200_000, 27);
        EmbeddedPostgres db = EmbeddedPostgres.builder().setPort(Http.freePort()).start();
        AppProcess a = null;
        AppProcess b = null;
        try (FakeGateway api = new FakeGateway(); Connection test = db.getPostgresDatabase().getConnection()) {
            // the first fetch answers after 2 s, long enough for the test to lock the row first; the next succeeds
            api.answers(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "40%")).delay(2_000),
                    Answer.json(FakeGateway.success(id, api.video(id + ".mp4", video))));
            a = AppProcess.start(log("a"), env("a", api.baseUrl(), db));
            a.awaitLog("Routes startup", WAIT);
            Files.writeString(Files.createDirectories(root.resolve("inbox")).resolve("ids.txt"), id + "\n");

            await().atMost(WAIT).until(() -> api.fetchesOf(id).size() == 1);
            test.setAutoCommit(false);
            try (Statement lock = test.createStatement()) {
                lock.execute("SELECT id FROM jimeng_tasks WHERE id = '" + id + "' FOR UPDATE");
            }
            // the answer came; its write waits behind the test's lock, in the batch statement
            await().atMost(WAIT).until(() -> query(db, RELEASE_WAITING) != null);
            a.kill();
            // the dead process's statement ends with it (as a dropped connection's does once noticed)
            query(db, "SELECT count(pg_terminate_backend(pid)) FROM (" + WAITING + ") w");
            test.rollback();
            test.setAutoCommit(true);
            assertEquals("a|null|0", query(db, "SELECT lease_owner || '|' || coalesce(task->>'status', 'null') || '|' "
                    + "|| coalesce(task->>'fetches', '0') FROM jimeng_tasks WHERE id = '" + id + "'"),
                    "the row as last written: claimed by a, the answer never written");

            b = AppProcess.start(log("b"), env("b", api.baseUrl(), db));
            Path result = root.resolve("output/results/" + id + ".json");
            await().atMost(WAIT).until(() -> Files.exists(result));
            JsonNode record = JSON.readTree(result.toFile());
            assertEquals("SUCCESS", record.path("status").asText(), record.toString());
            assertEquals(2, api.fetchesOf(id).size(), "fetched again by the instance taking over");
            assertArrayEquals(video, Files.readAllBytes(root.resolve("output/videos/" + id + ".mp4")), "the video whole");
            assertEquals(1, api.requestsTo("/videos/" + id + ".mp4").size(), "downloaded once");
            assertEquals("true", query(db, "SELECT finished::text FROM jimeng_tasks WHERE id = '" + id + "'"));
        } finally {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
            db.close();
        }
    }

    private Path log(String instance) throws java.io.IOException {
        Path log = logs.resolve(instance + ".log");
        Files.deleteIfExists(log);
        return log;
    }

    private static String query(EmbeddedPostgres db, String select) throws SQLException {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(select)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private Map<String, String> env(String instance, String baseUrl, EmbeddedPostgres db) {
        Map<String, String> env = AppProcess.sharedStoreEnv(root, instance, baseUrl, db.getPort(), "batch-crash-pw");
        env.put("JIMENG_STORE_LEASE_TIME", "5s");
        env.put("JIMENG_FETCH_INTERVAL", "1s");
        env.put("JIMENG_FETCH_MIN_INTERVAL", "500ms");
        env.put("JIMENG_FETCH_SCHEDULER_TICK", "100ms");
        return env;
    }
}
