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
import io.github.jimengfetcher.support.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.StorageHost.Behaviour;
import io.github.jimengfetcher.support.StorageHost;
import io.github.jimengfetcher.support.Videos;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
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
        settings.put("jimeng.instance-id", "studio-a");
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
        api.answer(good, okJson(FakeGateway.success(good, api.video("good.mp4", video))));
        api.answer(bad, okJson(FakeGateway.failure(bad, "content policy")));
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
            api.answer(id, okJson(FakeGateway.status(id, "IN_PROGRESS", "50%")));
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
        api.answer(id, okJson(FakeGateway.success(id, api.video("outage.mp4", video))));
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
            api.answer(id, okJson(FakeGateway.status(id, "IN_PROGRESS", "10%")));
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
        other.pauseFetches(other.now() + 4_000);

        await().atMost(WAIT).until(() -> System.currentTimeMillis() > recorded + 4_500
                && ids.stream().anyMatch(id -> fetchedBetween(id, recorded + 4_000, Long.MAX_VALUE)));
        for (String id : ids) {
            assertFalse(fetchedBetween(id, recorded + 1_000, recorded + 3_900), id + " was fetched during the pause");
        }
    }

    @Test
    void aStoppedInstanceHandsItsLeasesBackAtOnce() throws Exception {
        try (StorageHost storage = new StorageHost()) {
            String id = "cgt-stopped-mid-download";
            api.answer(id, okJson(FakeGateway.success(id, storage.video("slow.mp4", Videos.mp4(6_000_000, 33), Behaviour.SLOW))));
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

    private boolean fetchedBetween(String id, long from, long to) {
        return api.fetchesOf(id).stream().map(r -> r.getLoggedDate().getTime()).anyMatch(t -> t >= from && t < to);
    }
}
