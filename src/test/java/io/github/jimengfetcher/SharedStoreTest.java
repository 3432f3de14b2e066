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
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.store.postgres.PostgresTaskStore;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.fake.StorageHost.Behaviour;
import io.github.jimengfetcher.support.fake.StorageHost;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.task.ProviderName;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The app on the shared PostgreSQL store (jimeng.store.url), against a real PostgreSQL server. */
class SharedStoreTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PASSWORD = "pw-4711-never-logged";

    private EmbeddedPostgres db;
    private int port;
    private Path data;

    @BeforeEach
    void startDatabase() throws IOException {
        port = Http.freePort();
        data = Files.createTempDirectory("jimeng-pg");
        db = startOn(port, data);
    }

    private static EmbeddedPostgres startOn(int port, Path data) throws IOException {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(data).setCleanDataDirectory(false).start();
    }

    @AfterEach
    void stopDatabase() throws Exception {
        if (app != null) {
            app.close();
            app = null;
        }
        if (db != null) {
            db.close();
        }
    }

    private Map<String, String> shared() {
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.store.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres");
        settings.put("jimeng.store.user", "postgres");
        settings.put("jimeng.store.password", PASSWORD);
        settings.put("jimeng.store.instance-id", "studio-a");
        settings.put("jimeng.store.lease-time", "3s");
        return settings;
    }

    private long rows(String where) throws Exception {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM jimeng_tasks WHERE " + where)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void tasksRunThroughTheSharedStoreAndAFinishedIdIsKnownThere() throws Exception {
        byte[] video = Videos.mp4(200_000, 31);
        String good = "cgt-shared-good";
        String bad = "cgt-shared-bad";
        api.answer(good, Answer.json(FakeGateway.success(good, api.video("good.mp4", video))));
        api.answer(bad, Answer.json(FakeGateway.failure(bad, "content policy")));
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(shared());
            app.drop("ids.txt", good + "\n" + bad + "\n");
            awaitResult(good);
            awaitFailure(bad);
            assertArrayEquals(video, Files.readAllBytes(app.video(good)));
            await().atMost(WAIT).until(() -> rows("finished") == 2);
            assertFalse(Files.exists(app.work().resolve("tasks.journal")), "no local journal with a store URL");

            app.drop("again.txt", good + "\n");
            await().atMost(WAIT).until(() -> log.count("0 new tasks, 1 already known") > 0);
            assertEquals(1, api.fetchesOf(good).size(), "a finished id is not fetched again");
            assertEquals(0, log.count(PASSWORD), "the database password is never logged");
        }
        app.close();
        app = null;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains(PASSWORD), file + " holds the password");
            }
        }
    }

    @Test
    void aTaskWhoseRecordAnotherHolderWroteBeforeItsKillIsFinishedAsTheRecordSays() throws Exception {
        String ok = "cgt-shared-written-ok";
        String failed = "cgt-shared-written-failed";
        for (String id : List.of(ok, failed)) {
            api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "50%")));
        }
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(shared());
            app.drop("ids.txt", ok + "\n" + failed + "\n");
            await().atMost(WAIT).until(() -> !api.fetchesOf(ok).isEmpty() && !api.fetchesOf(failed).isEmpty());
            // What a holder killed after writing the records and before telling the store leaves behind.
            Files.createDirectories(app.output("failed"));
            Files.writeString(app.failure(failed), "{\"task_id\":\"" + failed + "\"}");
            Files.write(app.video(ok), Videos.mp4(5_000, 2));
            Files.writeString(app.result(ok), "{\"task_id\":\"" + ok + "\"}");

            await().atMost(WAIT).until(() -> log.count("RECORDED before a stop") == 2);
            await().atMost(WAIT).until(() -> rows("finished AND outcome = 'SUCCEEDED' AND id = '" + ok + "'") == 1
                    && rows("finished AND outcome = 'FAILED' AND id = '" + failed + "'") == 1);
            int fetches = api.fetchesOf(ok).size() + api.fetchesOf(failed).size();
            await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> api.fetchesOf(ok).size() + api.fetchesOf(failed).size() == fetches);
            assertEquals(0, log.count(ok + " DONE") + log.count(failed + " FAILED"), log.all());
        }
    }

    @Test
    void whileTheStoreIsAwayTheTaskListIsAnswered503WithTheReasonAtOnce() throws Exception {
        Map<String, String> settings = shared();
        int http = Http.enable(settings);
        startApp(settings);
        assertEquals(200, Http.get(http, "/tasks").statusCode());

        db.close();
        db = null;
        // The app's own calls to the store find it away within a tick or two.
        await().atMost(WAIT).until(() -> Http.get(http, "/observe/health?exposureLevel=full").body().contains("jimeng.store.url"));
        for (int i = 0; i < 3; i++) {
            long asked = System.nanoTime();
            java.net.http.HttpResponse<String> tasks = Http.get(http, "/tasks");
            long millis = (System.nanoTime() - asked) / 1_000_000;

            assertEquals(503, tasks.statusCode(), tasks.body());
            assertTrue(tasks.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), tasks.headers().toString());
            assertEquals("5", tasks.headers().firstValue("Retry-After").orElse(""));
            assertTrue(tasks.body().contains("the task list cannot be read now: the task store cannot be reached since"), tasks.body());
            assertTrue(millis < 1_000, "at once, not after the database's connect timeout: " + millis + " ms");
        }

        db = startOn(port, data);
        await().atMost(WAIT).until(() -> Http.get(http, "/tasks").statusCode() == 200);
    }

    @Test
    void whileTheStoreIsAwayHealthSaysSoAndWorkResumesByItselfOnceItIsBack() throws Exception {
        Map<String, String> settings = shared();
        int http = Http.enable(settings);
        String id = "cgt-through-an-outage";
        byte[] video = Videos.mp4(100_000, 32);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("outage.mp4", video))));
        startApp(settings);
        await().atMost(WAIT).until(() -> Http.get(http, "/observe/health").statusCode() == 200);

        db.close();
        db = null;
        app.drop("ids.txt", id + "\n");
        await().atMost(WAIT).until(() -> {
            String health = Http.get(http, "/observe/health?exposureLevel=full").body();
            return health.contains("DOWN") && health.contains("jimeng.store.url");
        });
        assertTrue(api.fetchesOf(id).isEmpty(), "nothing is fetched while the store is away");

        db = startOn(port, data);
        awaitResult(id);
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        await().atMost(WAIT).until(() -> Http.get(http, "/observe/health").statusCode() == 200);
    }

    @Test
    void aUrlThatIsNotPostgresOrCarriesAPasswordIsRefusedAtStart() {
        for (String url : new String[] {"jdbc:mysql://127.0.0.1/x", "jdbc:postgresql://127.0.0.1:" + port + "/postgres?password=" + PASSWORD}) {
            Map<String, String> settings = RunningApp.testSettings(root.resolve(String.valueOf(url.length())), api.baseUrl());
            settings.putAll(shared());
            settings.put("jimeng.store.url", url);
            org.apache.camel.main.Main main = JimengFetcherApplication.create();
            settings.forEach(main::addOverrideProperty);
            String reason = JimengFetcherApplication.reason(org.junit.jupiter.api.Assertions.assertThrows(Exception.class, main::run));
            assertTrue(reason.contains("jimeng.store.url"), reason);
            assertFalse(reason.contains(PASSWORD), reason);
        }
    }

    @Test
    void aPauseAnotherInstanceRecordsHoldsThisOneWithinASecond() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String id = "cgt-paced-" + i;
            ids.add(id);
            api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "10%")));
        }
        startApp(shared());
        app.drop("ids.txt", String.join("\n", ids));
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> api.fetchesOf(id).size() >= 2));

        // another instance on the same key got a 429 and records a pause of 4 s
        PostgresTaskStore other = new PostgresTaskStore();
        other.setDataSource(db.getPostgresDatabase());
        other.setInstanceId("studio-b");
        other.setApiKey(api.baseUrl(), FakeGateway.KEY);
        other.start();
        long recorded = System.currentTimeMillis();
        other.pauseFetches(ProviderName.JIMENG_GATEWAY, other.now() + 4_000);

        await().atMost(WAIT).until(() -> System.currentTimeMillis() > recorded + 4_500
                && ids.stream().anyMatch(id -> fetchedBetween(id, recorded + 4_000, Long.MAX_VALUE)));
        for (String id : ids) {
            assertFalse(fetchedBetween(id, recorded + 1_000, recorded + 3_900), id + " was fetched during the pause");
        }
    }

    @Test
    void aNotificationTakenByAnotherInstanceMakesTheTaskDueForWhicheverClaimsIt() throws Exception {
        String id = "cgt-shared-heard";
        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "10%")));
        Map<String, String> settings = shared();
        settings.put("jimeng.fetch.interval", "1h");
        startApp(settings);
        app.drop("ids.txt", id + "\n");
        // waiting for its turn, its lease kept by the instance that fetched it (see KeptLeases)
        await().atMost(WAIT).until(() -> api.fetchesOf(id).size() == 1
                && rows("kept AND lease_owner = 'studio-a' AND next_at > " + (System.currentTimeMillis() + 600_000)) == 1);

        // The listener of another instance on the same store took the notification.
        PostgresTaskStore other = new PostgresTaskStore();
        other.setDataSource(db.getPostgresDatabase());
        other.setInstanceId("studio-b");
        other.start();
        assertEquals(io.github.jimengfetcher.store.TaskStore.Notified.MOVED, other.notified(io.github.jimengfetcher.task.TaskId.of(id)));

        await().atMost(WAIT).until(() -> api.fetchesOf(id).size() == 2);
        assertEquals(1, rows("task ? 'notifiedAt'"), "when it was notified, kept in the shared store");
    }

    @Test
    void aStoppedInstanceHandsItsLeasesBackAtOnce() throws Exception {
        try (StorageHost storage = new StorageHost()) {
            String id = "cgt-stopped-mid-download";
            api.answer(id, Answer.json(FakeGateway.success(id, storage.video("slow.mp4", Videos.mp4(6_000_000, 33), Behaviour.SLOW))));
            Map<String, String> settings = shared();
            settings.put("jimeng.store.lease-time", "30s");
            settings.put("camel.main.shutdown-timeout", "1");
            startApp(settings);
            app.drop("ids.txt", id + "\n");
            await().atMost(WAIT).until(() -> storage.bytesServed("slow.mp4") > 0);
            assertEquals(1, rows("lease_owner = 'studio-a'"), "held while it downloads");
            app.close();
            app = null;
            assertEquals(0, rows("lease_owner IS NOT NULL OR lease_until IS NOT NULL"), "handed back, not left to run out");
            assertEquals(1, rows("NOT finished"), "still pending, for the next instance to take at once");
        }
    }

    @Test
    void aStopCutsOffItsDownloadsBeforeHandingBackTheirLeasesWithinTheShutdownTimeout() throws Exception {
        int downloads = 40;
        byte[] video = Videos.mp4(4_000_000, 34);
        try (StorageHost storage = new StorageHost()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < downloads; i++) {
                String id = "cgt-cut-off-" + i;
                ids.add(id);
                api.answer(id, Answer.json(FakeGateway.success(id, storage.video(id + ".mp4", video, Behaviour.CRAWL))));
            }
            Map<String, String> settings = shared();
            settings.put("jimeng.store.lease-time", "30s");
            startApp(settings);
            app.drop("ids.txt", String.join("\n", ids) + "\n");
            Path parts = app.work().resolve("studio-a").resolve("downloads");
            await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> partSize(parts, id) > 0));
            assertEquals(downloads, rows("lease_owner = 'studio-a' AND phase = 'DOWNLOAD'"), "all in flight");

            RunningApp stopping = app;
            app = null;
            long began = System.nanoTime();
            Thread stop = new Thread(() -> {
                try {
                    stopping.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            stop.start();
            // Each part as it is the moment its task's lease is seen handed back: nobody may write it after that.
            Map<String, Long> atRelease = new HashMap<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
                for (String id : handedBack()) {
                    atRelease.computeIfAbsent(id, released -> partSize(parts, released));
                }
                return atRelease.size() == downloads;
            });
            stop.join(WAIT.toMillis());
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            assertFalse(stop.isAlive());
            assertTrue(tookMs < 10_000, "stopped " + tookMs + " ms after the stop began (camel.main.shutdown-timeout: 10 s)");
            for (String id : ids) {
                assertEquals(atRelease.get(id), partSize(parts, id), id + ": written after its lease was handed back");
                assertTrue(partSize(parts, id) > 0, id + ": its part stays to resume");
            }
            assertEquals(downloads, rows("NOT finished AND lease_owner IS NULL AND COALESCE((task->>'downloadAttempts')::int, 0) = 0"),
                    "handed back pending, no attempt used up");
        }
    }

    @Test
    void aSecondProcessWithALiveInstanceIdOnAnotherWorkFolderExitsWith2NamingTheSetting() throws Exception {
        startApp(shared());
        // a temporary file of the running instance in the shared output: the second process must not clean it up
        Path ownTemporary = Files.createDirectories(app.output("results")).resolve(".cgt-in-flight@studio-a.json.tmp");
        Files.writeString(ownTemporary, "{");

        Map<String, String> env = new HashMap<>(io.github.jimengfetcher.support.AppProcess.env(root));
        env.put("JIMENG_API_BASE_URL", api.baseUrl());
        env.put("JIMENG_API_KEY", FakeGateway.KEY);
        env.put("JIMENG_HTTP_ENABLED", "false");
        env.put("JIMENG_WORK_FOLDER", root.resolve("other-work").toString());
        env.put("JIMENG_STORE_URL", shared().get("jimeng.store.url"));
        env.put("JIMENG_STORE_USER", "postgres");
        env.put("JIMENG_STORE_PASSWORD", PASSWORD);
        env.put("JIMENG_STORE_INSTANCE_ID", "studio-a");
        env.put("JIMENG_STORE_LEASE_TIME", "3s");
        Path log = root.resolve("same-id.log");
        Process second = io.github.jimengfetcher.support.AppProcess.startOnClassPath(log, env);
        try {
            assertTrue(second.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "exits by itself");
            String output = Files.readString(log);
            assertEquals(2, second.exitValue(), output);
            assertTrue(output.contains("jimeng-fetcher cannot start: another jimeng-fetcher") && output.contains("jimeng.store.instance-id studio-a"), output);
            assertFalse(output.contains(PASSWORD), "the password is never logged");
        } finally {
            second.destroyForcibly();
        }
        assertTrue(Files.exists(ownTemporary), "the running instance's temporary file is left alone");
        assertEquals(1, instanceRows("instance_id = 'studio-a' AND process LIKE '" + ProcessHandle.current().pid() + "@%'"),
                "the running instance keeps its id");
    }

    @Test
    void anIdLeftByAKilledProcessIsTakenOnceItsHeartbeatIsOneLeaseTimeOldAndACleanStopFreesItAtOnce() throws Exception {
        startApp(shared());
        app.close();
        app = null;
        assertEquals(0, instanceRows("true"), "a clean stop removes its heartbeat");
        // What a process killed just after its heartbeat leaves behind.
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO jimeng_instances (instance_id, token, process, taken_at, beat_at) VALUES ('studio-a', 'killed', "
                    + "'4711@elsewhere', (extract(epoch FROM clock_timestamp()) * 1000)::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)");
        }
        long beatAt = instanceLong("beat_at");
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(shared());
            assertEquals(1, log.count("waiting up to jimeng.store.lease-time"), log.all());
        }
        long waited = instanceLong("taken_at") - beatAt;
        assertTrue(waited >= 3_000 && waited <= 3_000 + 1_000, "taken " + waited + " ms after the killed process's last heartbeat (lease time 3 s)");

        app.close();
        app = null;
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(shared());
            assertEquals(0, log.count("waiting up to jimeng.store.lease-time"), "a clean restart starts at once: " + log.all());
        }
        assertEquals(1, instanceRows("instance_id = 'studio-a'"));
    }

    private long instanceRows(String where) throws Exception {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM jimeng_instances WHERE " + where)) {
            r.next();
            return r.getLong(1);
        }
    }

    private long instanceLong(String column) throws Exception {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT " + column + " FROM jimeng_instances WHERE instance_id = 'studio-a'")) {
            assertTrue(r.next(), "a heartbeat row for studio-a");
            return r.getLong(1);
        }
    }

    private List<String> handedBack() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id FROM jimeng_tasks WHERE lease_owner IS NULL")) {
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

    private boolean fetchedBetween(String id, long from, long to) {
        return api.fetchesOf(id).stream().map(r -> r.at()).anyMatch(t -> t >= from && t < to);
    }
}
