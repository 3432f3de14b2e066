package io.github.jimengfetcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.OutputTree;
import io.github.jimengfetcher.support.fake.StorageHost.Behaviour;
import io.github.jimengfetcher.support.fake.StorageHost;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three packaged instances on one real PostgreSQL store, with one inbox and one output folder
 * between them; one is killed with SIGKILL while it holds leases and downloads. Every task still
 * ends exactly once, its work in flight taken over within a lease time and a poll interval (a task it kept
 * for its next fetch: none left overdue by more than that), no two fetches of a
 * task across the cluster are closer than the learned schedule's shortest gap, and an inbox file read by two
 * instances at once is registered and its rejections recorded once.
 */
class ClusterIT {

    private static final long LEASE_MS = 3_000;
    private static final long POLL_MS = 1_000;
    /**
     * The learned schedule's shortest gap (jimeng.fetch.min-interval): the cluster learns from the tasks it
     * finishes, so once it has, a task may be fetched again this soon, and never sooner.
     */
    private static final long POLL_MIN_MS = 500;
    private static final int FILES = 30;
    private static final int PER_FILE = 10;
    private static final int TASKS = FILES * PER_FILE;
    private static final String PASSWORD = "cluster-pw-never-logged";

    @TempDir
    Path root;

    /** The instances' logs, kept after the run under target/ (the temporary folder is not). */
    private final Path logs = Path.of("target", "cluster-it");

    private EmbeddedPostgres db;

    @Test
    void threeInstancesShareTheWorkAndTakeOverAKilledOnesLeases() throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(logs);
        for (String instance : List.of("a", "b", "c")) {
            Files.deleteIfExists(logs.resolve(instance + ".log"));
        }
        db = EmbeddedPostgres.builder().setPort(Http.freePort()).start();
        try (FakeGateway api = new FakeGateway(); StorageHost storage = new StorageHost()) {
            Map<String, byte[]> videos = new HashMap<>();
            Set<String> failing = new HashSet<>();
            Set<String> expiring = new HashSet<>();
            Set<String> heldWhenKilled = new HashSet<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                String kind = switch (i % 10) {
                    case 6, 7 -> "fail";
                    case 8 -> "exp";
                    case 9 -> "slow";
                    default -> "ok";
                };
                String id = "cgt-cluster-" + kind + "-" + i;
                ids.add(id);
                List<String> answers = new ArrayList<>();
                for (int k = 0; k < i % 3; k++) {
                    answers.add(FakeGateway.status(id, "IN_PROGRESS", (k * 30) + "%"));
                }
                switch (kind) {
                    case "fail" -> {
                        failing.add(id);
                        answers.add(FakeGateway.failure(id, "upstream error " + i));
                    }
                    case "exp" -> {
                        // The first URL has expired (403): a fetch for a fresh one gets the second.
                        expiring.add(id);
                        byte[] video = Videos.mp4(30_000 + i * 100, i);
                        videos.put(id, video);
                        answers.add(FakeGateway.success(id, storage.video(id + "-old.mp4", video, Behaviour.FORBIDDEN)));
                        answers.add(FakeGateway.success(id, storage.video(id + ".mp4", video)));
                    }
                    case "slow" -> {
                        byte[] video = Videos.mp4(1_500_000 + i * 100, i);
                        videos.put(id, video);
                        answers.add(FakeGateway.success(id, storage.video(id + ".mp4", video, Behaviour.SLOW)));
                    }
                    default -> {
                        byte[] video = Videos.mp4(20_000 + i * 100, i);
                        videos.put(id, video);
                        answers.add(FakeGateway.success(id, storage.video(id + ".mp4", video)));
                    }
                }
                api.statuses(id, answers.toArray(String[]::new));
            }

            Path inbox = Files.createDirectories(root.resolve("inbox"));
            Path stage = Files.createDirectories(root.resolve("stage"));
            for (int f = 0; f < FILES; f++) {
                StringBuilder lines = new StringBuilder();
                for (int k = 0; k < PER_FILE; k++) {
                    lines.append(ids.get(f * PER_FILE + k)).append('\n');
                    if (k == PER_FILE / 2) {
                        lines.append("not a task id ").append(f).append('\n');
                    }
                }
                Files.writeString(stage.resolve("batch-" + f + ".txt"), lines);
            }

            Map<String, AppProcess> apps = new LinkedHashMap<>();
            try {
                for (String instance : List.of("a", "b", "c")) {
                    apps.put(instance, AppProcess.start(logs.resolve(instance + ".log"), env(instance, api.baseUrl())));
                }
                for (AppProcess app : apps.values()) {
                    app.awaitLog("Routes startup", Duration.ofSeconds(60));
                }
                // All files at once: the three instances poll the same inbox.
                for (int f = 0; f < FILES; f++) {
                    Files.move(stage.resolve("batch-" + f + ".txt"), inbox.resolve("batch-" + f + ".txt"));
                }

                // Instance a is killed while it holds leases, slow downloads among them, once every file was read
                // (a kill between registering a file and saying so would leave its count unsaid).
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> rows("lease_owner = 'a' AND phase = 'DOWNLOAD' AND id LIKE 'cgt-cluster-slow-%'") >= 2
                                && inboxRead(inbox));
                apps.get("a").kill();
                long killedAt = System.nanoTime();
                long heldByA = rows("lease_owner = 'a' AND NOT finished");
                heldWhenKilled.addAll(ids("lease_owner = 'a' AND NOT finished"));
                assertTrue(heldByA >= 2, "a held " + heldByA + " leases when it was killed");
                // Its work in flight is taken over within a lease time and a poll interval; a task it kept for its next
                // fetch (KeptLeases) once that is due and the kept lease has run out: none overdue by more than that.
                long bound = LEASE_MS + POLL_MS + 1_000;
                AtomicLong overdue = new AtomicLong();
                AtomicLong inFlightTakenMs = new AtomicLong(-1);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    overdue.accumulateAndGet(rows("lease_owner = 'a' AND kept AND NOT finished AND next_at < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - "
                            + bound), Math::max);
                    if (inFlightTakenMs.get() < 0 && rows("lease_owner = 'a' AND NOT finished AND NOT kept") == 0) {
                        inFlightTakenMs.set((System.nanoTime() - killedAt) / 1_000_000);
                    }
                    return rows("lease_owner = 'a' AND NOT finished") == 0;
                });
                long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
                assertTrue(inFlightTakenMs.get() <= bound,
                        "the tasks a had in flight were taken over " + inFlightTakenMs.get() + " ms after the kill");
                assertEquals(0, overdue.get(), "tasks a kept were left overdue by more than a lease time and a poll interval");

                await().atMost(Duration.ofSeconds(90)).until(() -> finishedIds().size() == TASKS);
                // Nothing goes on once all is done: no loop of faults, no second record.
                AtomicLong lines = new AtomicLong(-1);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                        .until(() -> lines.getAndSet(logLines(apps.keySet())) == lines.get());
                for (String instance : List.of("b", "c")) {
                    apps.get(instance).terminate(Duration.ofSeconds(15));
                }
                System.out.printf("ClusterIT: a held %d leases when killed, those in flight taken over after %d ms, all after %d ms%n",
                        heldByA, inFlightTakenMs.get(), takeoverMs);
            } finally {
                for (AppProcess app : apps.values()) {
                    app.close();
                }
            }

            String allLogs = logText(List.of("a", "b", "c"));
            for (String id : ids) {
                boolean result = Files.exists(root.resolve("output/results/" + id + ".json"));
                boolean failed = Files.exists(root.resolve("output/failed/" + id + ".json"));
                assertTrue(result ^ failed, id + " ends in exactly one of results/ and failed/");
                if (failing.contains(id)) {
                    assertTrue(failed, id);
                    assertOnce(allLogs, id, " FAILED:", heldWhenKilled.contains(id));
                } else {
                    assertTrue(result, id + " " + (failed ? Files.readString(root.resolve("output/failed/" + id + ".json")) : ""));
                    assertArrayEquals(videos.get(id), Files.readAllBytes(root.resolve("output/videos/" + id + ".mp4")), id + " byte-exact");
                    assertOnce(allLogs, id, " DONE:", heldWhenKilled.contains(id));
                }
            }
            for (String id : expiring) {
                // twice only when the killed instance held it: its 403 may not have reached the store
                int allowed = heldWhenKilled.contains(id) ? 2 : 1;
                assertTrue(storage.requestsFor(id + "-old.mp4").size() <= allowed, id + ": the expired URL was tried at most " + allowed + " time(s)");
            }
            assertEquals(TASKS, sum(allLogs, Pattern.compile("inbox batch-\\d+\\.txt: (\\d+) new tasks")), "every id registered once");
            assertEquals(0, count(allLogs, PASSWORD), "the database password is never logged");

            assertFetchesSpaced(api);
            assertInboxReadOnce(allLogs);
        } finally {
            db.close();
            System.out.printf("ClusterIT: %d s%n", (System.nanoTime() - started) / 1_000_000_000);
        }
    }

    private static boolean inboxRead(Path inbox) throws IOException {
        try (var files = Files.list(inbox)) {
            return files.noneMatch(file -> file.getFileName().toString().startsWith("batch-"));
        }
    }

    /**
     * One line across the cluster says how the task ended. For a task the killed instance held, the
     * end may be said twice: DONE is logged once the record is written and before the store is told,
     * so a kill in between leaves the instance taking over to say it found the record (RECORDED);
     * FAILED is logged before the record is written, so a kill in between has it failed again.
     */
    private static void assertOnce(String allLogs, String id, String word, boolean heldByKilled) {
        int said = count(allLogs, id + word);
        int found = count(allLogs, id + " RECORDED before a stop");
        boolean once = said + found == 1;
        boolean killedInBetween = heldByKilled && said == 1 && found == 1 || heldByKilled && word.contains("FAILED") && said == 2 && found == 0;
        assertTrue(once || killedInBetween,
                id + word + " " + said + " time(s), RECORDED " + found + " time(s), held by the killed instance: " + heldByKilled);
    }

    /**
     * Across the cluster, no two fetches of one task closer than 0.9 x jimeng.fetch.min-interval (the
     * shortest gap the learned schedule plans, and what a claim moves a task's due time by), but for a
     * fresh video URL.
     */
    private static void assertFetchesSpaced(FakeGateway api) {
        Map<String, List<Request>> byTask = new HashMap<>();
        for (Request fetch : api.requests()) {
            if (fetch.path().startsWith("/jimeng/fetch/")) {
                byTask.computeIfAbsent(fetch.path().substring("/jimeng/fetch/".length()), k -> new ArrayList<>()).add(fetch);
            }
        }
        int gaps = 0;
        for (Map.Entry<String, List<Request>> task : byTask.entrySet()) {
            List<Request> fetches = new ArrayList<>(task.getValue());
            fetches.sort(Comparator.comparingLong(Request::at));
            for (int i = 1; i < fetches.size(); i++) {
                Request before = fetches.get(i - 1);
                if (before.answer().contains("-old.mp4")) {
                    continue; // that URL had expired: the next fetch is for a fresh one, at once
                }
                long gap = fetches.get(i).at() - before.at();
                assertTrue(gap >= POLL_MIN_MS * 9 / 10, task.getKey() + " fetched twice within " + gap + " ms");
                gaps++;
            }
        }
        assertTrue(gaps > TASKS / 2, "gaps checked: " + gaps);
    }

    /** Each inbox file (each holds a bad line) was moved to .done once, and its rejections recorded once. */
    private void assertInboxReadOnce(String allLogs) throws Exception {
        try (Stream<Path> left = Files.list(root.resolve("inbox"))) {
            assertEquals(List.of(), left.filter(f -> !f.getFileName().toString().startsWith(".")).toList(), "every inbox file was taken");
        }
        try (Stream<Path> done = Files.list(root.resolve("inbox/.done"))) {
            List<String> names = done.map(f -> f.getFileName().toString()).toList();
            assertEquals(FILES, names.size(), "each inbox file moved to .done once: " + names);
            // Under its instance's own name: a move by another instance can never replace it.
            assertTrue(names.stream().allMatch(n -> n.matches("\\d{8}-\\d{9}-[abc]-batch-\\d+\\.txt")), names.toString());
        }
        Map<String, Integer> records = new HashMap<>();
        try (Stream<Path> rejected = Files.list(root.resolve("output/rejected"))) {
            for (Path record : rejected.toList()) {
                String name = record.getFileName().toString();
                if (name.startsWith(".") && name.endsWith("@a.json.tmp")) {
                    continue; // the killed instance's record cut off mid-write: its own next start removes it
                }
                assertTrue(!name.startsWith("."), "a temporary record left: " + name);
                records.merge(name.substring(0, name.indexOf(".txt") + 4), 1, Integer::sum);
                assertTrue(Files.readString(record).contains("not a task id"), name);
            }
        }
        for (int f = 0; f < FILES; f++) {
            assertEquals(1, records.getOrDefault("batch-" + f + ".txt", 0), "rejections of batch-" + f + ".txt recorded once: " + records);
        }
    }

    private Map<String, String> env(String instance, String baseUrl) throws Exception {
        Map<String, String> env = AppProcess.sharedStoreEnv(root, instance, baseUrl, db.getPort(), PASSWORD);
        env.put("JIMENG_STORE_LEASE_TIME", LEASE_MS + "ms");
        env.put("JIMENG_FETCH_INTERVAL", POLL_MS + "ms");
        env.put("JIMENG_FETCH_MIN_INTERVAL", POLL_MIN_MS + "ms");
        env.put("JIMENG_FETCH_SCHEDULER_TICK", "100ms");
        return env;
    }

    private Set<String> ids(String where) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id FROM jimeng_tasks WHERE " + where)) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    private long rows(String where) throws Exception {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM jimeng_tasks WHERE " + where)) {
            r.next();
            return r.getLong(1);
        }
    }

    private Set<String> finishedIds() throws Exception {
        return OutputTree.finishedIds(root.resolve("output"));
    }

    private String logText(Iterable<String> instances) throws Exception {
        StringBuilder all = new StringBuilder();
        for (String instance : instances) {
            Path log = logs.resolve(instance + ".log");
            if (Files.exists(log)) {
                all.append(Files.readString(log));
            }
        }
        return all.toString();
    }

    private long logLines(Iterable<String> instances) throws Exception {
        return logText(instances).lines().count();
    }

    /** Occurrences of text that stand alone on the left (so "ok-1 DONE" does not count "ok-11 DONE"). */
    private static int count(String text, String what) {
        Matcher m = Pattern.compile("(?<![A-Za-z0-9._-])" + Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static int sum(String text, Pattern number) {
        Matcher m = number.matcher(text);
        int n = 0;
        while (m.find()) {
            n += Integer.parseInt(m.group(1));
        }
        return n;
    }
}
