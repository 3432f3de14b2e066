package io.github.jimengfetcher.store.postgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.store.TaskStoreContract;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderConflict;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;

import static io.github.jimengfetcher.support.Ids.task;
import static io.github.jimengfetcher.support.Ids.tasks;
import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task store contract against a real PostgreSQL server (started from Maven's binaries, no
 * install), one fresh database per test; and what only a shared store must do: two instances
 * claiming at once never get the same task, a pause is every instance's.
 */
class PostgresTaskStoreTest extends TaskStoreContract {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    /** Leases kept after fetches, as an instance keeps them: the contract holds with them. */
    private static final int KEPT = 1_000;
    private static EmbeddedPostgres server;
    private DataSource database;

    @BeforeAll
    static void startServer() throws IOException {
        server = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
    }

    @Override
    protected TaskStore startStore(Path folder, OutputFolders outputs) throws Exception {
        if (database == null) {
            String name = "contract_" + DATABASES.incrementAndGet();
            sql(server.getPostgresDatabase(), "CREATE DATABASE " + name);
            database = server.getDatabase("postgres", name);
        }
        return store(owner(), outputs);
    }

    private PostgresTaskStore store(String instance, OutputFolders outputs) {
        return store(database, instance, outputs);
    }

    private static PostgresTaskStore store(DataSource database, String instance, OutputFolders outputs) {
        return store(database, instance, outputs, StoreSchema.keyHash("sk-test"), Map.of());
    }

    /** @param keyHashes each provider's key here (a hash); a provider not named has the default key */
    private static PostgresTaskStore store(DataSource database, String instance, OutputFolders outputs, String keyHash,
            Map<ProviderName, String> keyHashes) {
        PostgresTaskStore store = new PostgresTaskStore();
        store.setDataSource(database);
        store.setOutputs(outputs);
        store.setInstanceId(instance);
        store.setLeaseTime(java.time.Duration.ofMillis(LEASE_TIME));
        store.setKeyHash(keyHash);
        store.setKeyHashes(keyHashes);
        store.setKeptLeases(KEPT);
        store.start();
        return store;
    }

    @Override
    protected void stopStore(TaskStore store) {
        // Nothing held: every call takes a connection and gives it back. A restart here stands for a process
        // that ended without a stop a lease time ago: its heartbeat is stale, so the id is free again.
        sql(database, "UPDATE jimeng_instances SET beat_at = beat_at - " + LEASE_TIME);
    }

    /** The database's clock cannot be moved: every stored time moves back instead. */
    @Override
    protected void passTime(long millis) {
        sql(database, "UPDATE jimeng_tasks SET next_at = next_at - " + millis + ", lease_until = lease_until - " + millis);
        sql(database, "UPDATE jimeng_pauses SET until_at = until_at - " + millis);
        sql(database, "UPDATE jimeng_instances SET beat_at = beat_at - " + millis);
        if (store instanceof PostgresTaskStore shared) {
            shared.timesMovedBack(millis);
        }
    }

    @Override
    protected String owner() {
        return "studio-2";
    }

    /** A store that sends a batch only once this many releases wait (or after 5 s): rows written together, or the test waits. */
    @Override
    protected void releasesGoTogether(int rows) {
        stopStore(store);
        store = batching(database, owner(), java.time.Duration.ofSeconds(5), rows);
    }

    private PostgresTaskStore batching(DataSource database, String instance, java.time.Duration time, int rows) {
        PostgresTaskStore batching = new PostgresTaskStore();
        batching.setDataSource(database);
        batching.setOutputs(outputs);
        batching.setInstanceId(instance);
        batching.setLeaseTime(java.time.Duration.ofMillis(LEASE_TIME));
        batching.setKeyHash(StoreSchema.keyHash("sk-test"));
        batching.setWriteBatches(time, rows);
        batching.setKeptLeases(KEPT);
        batching.start();
        return batching;
    }

    private static void sql(DataSource dataSource, String statement) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement, e);
        }
    }

    @Test
    void rowsWrittenBeforeTasksNamedAProviderAreJimengGatewaysOnceTheSchemaIsMigrated() {
        String name = "before_providers_" + DATABASES.incrementAndGet();
        sql(server.getPostgresDatabase(), "CREATE DATABASE " + name);
        DataSource before = server.getDatabase("postgres", name);
        Flyway.configure().dataSource(before).locations("classpath:db/migration").table("jimeng_schema_history")
                .target("4").load().migrate();
        // rows as the store wrote them then: one pending, one finished
        sql(before, "INSERT INTO jimeng_tasks (id, next_at, task) VALUES ('cgt-old-pending', 0, "
                + "'{\"id\":\"cgt-old-pending\",\"registeredAt\":1,\"activeAt\":0}')");
        sql(before, "INSERT INTO jimeng_tasks (id, finished, outcome, next_at, task) VALUES ('cgt-old-done', true, 'SUCCEEDED', 0, "
                + "'{\"id\":\"cgt-old-done\"}')");

        PostgresTaskStore migrated = store(before, "studio-9", outputs);
        assertEquals(ProviderName.JIMENG_GATEWAY, migrated.find(taskId("cgt-old-pending")).orElseThrow().provider);
        assertEquals(Optional.of(ProviderName.JIMENG_GATEWAY), migrated.providerOf(taskId("cgt-old-done")));
        TaskStore.Registration again = migrated.register(List.of(task("jimeng-gateway", "cgt-old-pending"), task("ark", "cgt-old-done")));
        assertEquals(1, again.alreadyPending());
        assertEquals(List.of(new ProviderConflict(taskId("cgt-old-done"), new ProviderName("ark"), ProviderName.JIMENG_GATEWAY)), again.conflicts());
        Lease lease = migrated.claimDue(Task.Phase.FETCH, 1, GAP).get(0);
        assertEquals(ProviderName.JIMENG_GATEWAY, lease.task().provider, "a claim reads it from the column");
        migrated.stop();
    }

    @Test
    void aStopWritesTheReleasesStillWaitingForTheirBatchBeforeItHandsTheLeasesBack() {
        PostgresTaskStore stopping = batching(database, "studio-4", Duration.ofSeconds(60), 200);
        store.register(tasks("cgt-flushed"));
        Lease lease = stopping.claimDue(Task.Phase.FETCH, 1, GAP).get(0);
        lease.task().status = "IN_PROGRESS";
        lease.task().fetches = 1;
        long due = stopping.now() + 6 * GAP;
        lease.task().nextAt = due;
        CompletableFuture<Void> released = CompletableFuture.runAsync(() -> stopping.release(lease));
        await().atMost(Duration.ofSeconds(10)).until(() -> stopping.releasesWaiting() == 1);

        long began = System.nanoTime();
        stopping.stop();
        assertTrue(released.isDone() && !released.isCompletedExceptionally(), "written by the stop, not left to lapse");
        assertTrue(System.nanoTime() - began < 10_000_000_000L, "at once, not after the batch time");
        Task written = store.find(taskId("cgt-flushed")).orElseThrow();
        assertEquals(null, written.leaseOwner);
        assertEquals("IN_PROGRESS", written.status);
        assertEquals(1, written.fetches);
        assertAbout(due, written.nextAt);
    }

    @Test
    void aClaimCarriesTheReleasesWaitingForTheirBatchInItsOwnStatementAndAStaleOneStaysLost() throws Exception {
        PostgresTaskStore carrying = batching(database, "studio-6", Duration.ofSeconds(60), 200);
        store.register(tasks("cgt-carried", "cgt-stale"));
        List<Lease> first = carrying.claimDue(Task.Phase.FETCH, 2, GAP);
        Lease done = first.stream().filter(l -> l.taskId().value().equals("cgt-carried")).findFirst().orElseThrow();
        Lease stale = first.stream().filter(l -> l.taskId().value().equals("cgt-stale")).findFirst().orElseThrow();
        passTime(LEASE_TIME / 2);
        carrying.renew(done);
        passTime(LEASE_TIME / 2 + 1);
        Lease takeover = store.claimDue(Task.Phase.FETCH, 1, GAP).get(0);
        assertEquals("cgt-stale", takeover.taskId().value());
        store.register(tasks("cgt-next"));
        done.task().fetches = 1;
        long due = carrying.now() + 6 * GAP;
        done.task().nextAt = due;
        stale.task().fetches = 7;
        CompletableFuture<Void> released = CompletableFuture.runAsync(() -> carrying.release(done));
        CompletableFuture<Void> lost = CompletableFuture.runAsync(() -> carrying.release(stale));
        await().atMost(Duration.ofSeconds(10)).until(() -> carrying.releasesWaiting() == 2);

        List<Lease> next = carrying.claimDue(Task.Phase.FETCH, 5, GAP);
        assertEquals(List.of("cgt-next"), next.stream().map(l -> l.taskId().value()).toList());
        released.get(5, java.util.concurrent.TimeUnit.SECONDS); // with the claim, not after the batch time
        java.util.concurrent.ExecutionException lostAnswer = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> lost.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(lostAnswer.getCause() instanceof io.github.jimengfetcher.task.LeaseLostException, String.valueOf(lostAnswer.getCause()));
        assertEquals(0, carrying.releasesWaiting());
        Task written = store.find(taskId("cgt-carried")).orElseThrow();
        assertEquals(null, written.leaseOwner);
        assertEquals(1, written.fetches);
        assertAbout(due, written.nextAt);
        Task taken = store.find(taskId("cgt-stale")).orElseThrow();
        assertEquals(takeover.epoch(), taken.epoch);
        assertEquals(0, taken.fetches, "the stale holder's answer is not kept");
        carrying.stop();
    }

    @Test
    void aReleaseThatNeverReachedTheDatabaseLeavesItsTaskToATakeoverAndNoStaleAnswerIsKept() {
        // an instance whose batch waits: its process dies before the statement goes out
        PostgresTaskStore dying = batching(database, "studio-5", Duration.ofSeconds(60), 200);
        store.register(tasks("cgt-unwritten"));
        Lease lease = dying.claimDue(Task.Phase.FETCH, 1, GAP).get(0);
        lease.task().status = "IN_PROGRESS";
        lease.task().progress = "90%";
        lease.task().fetches = 1;
        lease.task().nextAt = dying.now() + 60 * GAP;
        CompletableFuture<Void> late = CompletableFuture.runAsync(() -> dying.release(lease));
        await().atMost(Duration.ofSeconds(10)).until(() -> dying.releasesWaiting() == 1);

        assertTrue(store.claimDue(Task.Phase.FETCH, 1, GAP).isEmpty(), "still held until its lease runs out");
        passTime(LEASE_TIME + 1);
        Lease takeover = store.claimDue(Task.Phase.FETCH, 1, GAP).get(0);
        assertEquals("cgt-unwritten", takeover.taskId().value(), "fetched again, not lost");
        assertTrue(takeover.epoch() > lease.epoch());
        assertEquals(0, takeover.task().fetches, "as last written: the unwritten answer is not there");
        assertEquals(null, takeover.task().status);
        takeover.task().status = "SUCCESS";
        takeover.task().fetches = 1;
        takeover.task().nextAt = store.now();
        store.release(takeover);

        // were the dead instance's write to reach the database after all, it would change nothing
        dying.stop();
        java.util.concurrent.CompletionException lost = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.CompletionException.class, late::join);
        assertTrue(lost.getCause() instanceof io.github.jimengfetcher.task.LeaseLostException, String.valueOf(lost.getCause()));
        Task now = store.find(taskId("cgt-unwritten")).orElseThrow();
        assertEquals("SUCCESS", now.status, "the holder's answer after the takeover stands");
        assertTrue(now.nextAt <= store.now());
    }

    @Test
    void anInstanceClaimsOnlyTasksOfTheProvidersConfiguredThereAndLeavesTheRestToOthers() {
        store.register(List.of(task("ark", "cgt-only-ark"), task("jimeng-gateway", "cgt-only-gateway")));
        PostgresTaskStore gatewayOnly = new PostgresTaskStore();
        gatewayOnly.setDataSource(database);
        gatewayOnly.setOutputs(outputs);
        gatewayOnly.setInstanceId("studio-gateway-only");
        gatewayOnly.setLeaseTime(java.time.Duration.ofMillis(LEASE_TIME));
        gatewayOnly.setKeyHash(StoreSchema.keyHash("sk-test"));
        gatewayOnly.setProviders(List.of(ProviderName.JIMENG_GATEWAY));
        gatewayOnly.start();
        try {
            List<Lease> mine = gatewayOnly.claimDue(Task.Phase.FETCH, 10, GAP);
            assertEquals(List.of("cgt-only-gateway"), mine.stream().map(l -> l.taskId().value()).toList());
            assertEquals(List.of(), gatewayOnly.claimDue(Task.Phase.FETCH, 10, GAP), "the ark task is not this instance's");
            List<Lease> others = store.claimDue(Task.Phase.FETCH, 10, GAP);
            assertEquals(List.of("cgt-only-ark"), others.stream().map(l -> l.taskId().value()).toList(), "an instance told of no providers claims any");
        } finally {
            gatewayOnly.stop();
        }
    }

    /** The test database, counting the connections taken, and refusing them while away is set. */
    private DataSource watched(AtomicInteger connections, java.util.concurrent.atomic.AtomicBoolean away) {
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                        if (away.get()) {
                            throw new SQLException("Connection refused", "08001");
                        }
                    }
                    try {
                        return method.invoke(database, arguments);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aDatabaseFaultFailsEveryReleaseOfItsBatchAsItWouldOneWriteAndWritesNothing() {
        java.util.concurrent.atomic.AtomicBoolean away = new java.util.concurrent.atomic.AtomicBoolean();
        PostgresTaskStore cut = new PostgresTaskStore();
        cut.setDataSource(watched(new AtomicInteger(), away));
        cut.setOutputs(outputs);
        cut.setInstanceId("studio-7");
        cut.setLeaseTime(java.time.Duration.ofMillis(LEASE_TIME));
        cut.setKeyHash(StoreSchema.keyHash("sk-test"));
        cut.setWriteBatches(Duration.ofSeconds(5), 2);
        cut.start();
        store.register(tasks("cgt-cut-a", "cgt-cut-b"));
        List<Lease> leases = cut.claimDue(Task.Phase.FETCH, 2, GAP);
        assertEquals(2, leases.size());
        away.set(true);
        List<CompletableFuture<Void>> releases = new ArrayList<>();
        for (Lease lease : leases) {
            lease.task().fetches = 1;
            releases.add(CompletableFuture.runAsync(() -> cut.release(lease)));
        }
        for (CompletableFuture<Void> release : releases) {
            java.util.concurrent.CompletionException fault = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.CompletionException.class, release::join);
            assertTrue(fault.getCause() instanceof io.github.jimengfetcher.store.StoreUnavailableException, String.valueOf(fault.getCause()));
        }
        away.set(false);
        for (String id : List.of("cgt-cut-a", "cgt-cut-b")) {
            Task row = store.find(taskId(id)).orElseThrow();
            assertEquals("studio-7", row.leaseOwner, id + ": still held, its lease runs out by itself");
            assertEquals(0, row.fetches, id);
        }
        cut.stop();
    }

    @Test
    void aClaimThatLeavesOutEveryProviderConfiguredHereSendsNoStatement() {
        AtomicInteger statements = new AtomicInteger(); // every statement takes its connection from the pool
        DataSource counted = watched(statements, new java.util.concurrent.atomic.AtomicBoolean());
        PostgresTaskStore gatewayOnly = new PostgresTaskStore();
        gatewayOnly.setDataSource(counted);
        gatewayOnly.setOutputs(outputs);
        gatewayOnly.setInstanceId("studio-gateway-paced");
        gatewayOnly.setLeaseTime(java.time.Duration.ofMillis(LEASE_TIME));
        gatewayOnly.setKeyHash(StoreSchema.keyHash("sk-test"));
        gatewayOnly.setProviders(List.of(ProviderName.JIMENG_GATEWAY));
        gatewayOnly.start();
        try {
            store.register(tasks("cgt-none-left"));
            int before = statements.get();
            assertEquals(List.of(), gatewayOnly.claimDue(Task.Phase.FETCH, 5, GAP,
                    io.github.jimengfetcher.store.ProviderChoice.allBut(Set.of(ProviderName.JIMENG_GATEWAY))));
            assertEquals(before, statements.get(), "the rest of a claim whose only provider took its share alone: nothing to ask");
            assertEquals(1, gatewayOnly.claimDue(Task.Phase.FETCH, 5, GAP).size(), "its own provider's task is claimed as ever");
        } finally {
            gatewayOnly.stop();
        }
    }

    @Test
    void everyInstanceLearnsTaskDurationsIntoTheSameRows() throws Exception {
        PostgresTaskStore other = store("studio-3", outputs);
        io.github.jimengfetcher.schedule.LearnedDurations here = new io.github.jimengfetcher.schedule.LearnedDurations(
                ((PostgresTaskStore) store).durations());
        io.github.jimengfetcher.schedule.LearnedDurations there = new io.github.jimengfetcher.schedule.LearnedDurations(other.durations());
        CompletableFuture<?> a = CompletableFuture.runAsync(() -> { for (int i = 0; i < 40; i++) { here.learn("jimeng-videos", 60_000); } });
        CompletableFuture<?> b = CompletableFuture.runAsync(() -> { for (int i = 0; i < 40; i++) { there.learn("jimeng-videos", 62_000); } });
        CompletableFuture.allOf(a, b).get();
        here.keep();
        there.keep();

        // A third instance starting now reads what both learned: no lesson lost to the other's write.
        var stored = new io.github.jimengfetcher.schedule.LearnedDurations(store("studio-4", outputs).durations());
        var histogram = stored.forKind("jimeng-videos");
        assertTrue(histogram != null, "80 lessons: trusted");
        assertEquals(80 * (1 - 80 / 2.0 / io.github.jimengfetcher.schedule.DurationHistogram.CAP), histogram.count(), 1.0);
        assertEquals(histogram.count(), stored.all().get(io.github.jimengfetcher.schedule.LearnedDurations.ANY).count(), 1e-9);
        assertTrue(histogram.quantile(0.5) > 58 && histogram.quantile(0.5) < 64, "median " + histogram.quantile(0.5));
    }

    @Test
    void durationsPastTheBoundOnTheSharedStoreAreDroppedFromItAtStart() throws Exception {
        PostgresTaskStore shared = (PostgresTaskStore) store;
        // A row as an earlier version kept it: 60 tasks of about 40 s, 66 whose submit_time was 1 (years).
        StringBuilder weights = new StringBuilder();
        // The earlier layout: eight buckets a doubling up to 36 h, 138 in all; bucket 45 holds 40 s.
        for (int b = 0; b < 138; b++) {
            weights.append(b == 0 ? "" : ",").append(b == 45 ? 60 : b == 137 ? 66 : 0);
        }
        sql(database, "INSERT INTO jimeng_fetch_durations (kind, weights) VALUES ('any', '{" + weights + "}'), ('jimeng-videos', '{" + weights + "}')");

        var durations = new io.github.jimengfetcher.schedule.LearnedDurations(shared.durations());
        var histogram = durations.forKind("jimeng-videos");
        assertTrue(histogram != null && histogram.beyondBound() == 0, "nothing past the bound is scheduled by");
        assertEquals(60, histogram.count(), 1e-6);

        // The rows themselves: another instance starting now reads them cleaned.
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rows = s.executeQuery("SELECT kind, weights FROM jimeng_fetch_durations ORDER BY kind")) {
            int n = 0;
            while (rows.next()) {
                Object[] stored = (Object[]) rows.getArray(2).getArray();
                assertEquals(146, stored.length, "up to 72.8 h now: " + rows.getString(1));
                assertEquals(0.0, ((Number) stored[stored.length - 1]).doubleValue(), rows.getString(1));
                assertEquals(60.0, ((Number) stored[45]).doubleValue(), 1e-6, rows.getString(1));
                n++;
            }
            assertEquals(2, n);
        }
    }

    @Test
    void twoInstancesClaimingAtOnceNeverGetTheSameTask() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add("cgt-shared-" + i);
        }
        store.register(tasks(ids));
        PostgresTaskStore other = store("studio-3", outputs);
        Set<TaskId> claimed = Collections.synchronizedSet(new HashSet<>());
        AtomicInteger twice = new AtomicInteger();
        AtomicInteger claimer = new AtomicInteger();
        Runnable claimAll = () -> {
            TaskStore mine = claimer.incrementAndGet() % 2 == 0 ? store : other;
            List<Lease> batch;
            while (!(batch = mine.claimDue(Task.Phase.FETCH, 7, GAP)).isEmpty()) {
                for (Lease lease : batch) {
                    if (!claimed.add(lease.taskId())) {
                        twice.incrementAndGet();
                    }
                }
            }
        };
        CompletableFuture<?>[] claimers = new CompletableFuture<?>[6];
        for (int i = 0; i < claimers.length; i++) {
            claimers[i] = CompletableFuture.runAsync(claimAll);
        }
        CompletableFuture.allOf(claimers).get();
        assertEquals(300, claimed.size());
        assertEquals(0, twice.get());
    }

    @Test
    void aPauseOneInstanceRecordsHoldsEveryInstanceOnTheSameKey() {
        PostgresTaskStore other = store("studio-3", outputs);
        store.register(tasks("cgt-paused"));
        other.pauseFetches(ProviderName.JIMENG_GATEWAY, other.now() + 60_000);
        assertTrue(store.fetchesPausedUntil(ProviderName.JIMENG_GATEWAY) > store.now() + 50_000);
        assertTrue(store.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty());

        PostgresTaskStore otherKey = store(database, "studio-4", outputs, StoreSchema.keyHash("sk-another-key"), Map.of());
        assertEquals(1, otherKey.claimDue(Task.Phase.FETCH, 5, GAP).size(), "another key's pause is not this one's");
    }

    @Test
    void aPauseIsPerProviderAndKeyForEveryInstanceOnTheSharedStore() {
        ProviderName ark = new ProviderName("ark");
        Map<ProviderName, String> keys = Map.of(ark, StoreSchema.keyHash("ark sk-ark"), ProviderName.JIMENG_GATEWAY, StoreSchema.keyHash("gw sk-gw"));
        PostgresTaskStore one = store(database, "studio-5", outputs, StoreSchema.keyHash("sk-test"), keys);
        PostgresTaskStore two = store(database, "studio-6", outputs, StoreSchema.keyHash("sk-test"), keys);
        one.register(List.of(task("ark", "cgt-keyed-ark-1"), task("ark", "cgt-keyed-ark-2"), task("jimeng-gateway", "cgt-keyed-gw")));

        // one instance's ark key is refused (or rate limited): the pause is ark's, on that key
        one.pauseFetches(ark, one.now() + 60_000);

        assertEquals(Set.of(ark), two.fetchPauses().keySet(), "every instance on the key sees it, naming the provider");
        assertEquals(0, two.fetchesPausedUntil(ProviderName.JIMENG_GATEWAY));
        assertEquals(List.of("cgt-keyed-gw"), two.claimDue(Task.Phase.FETCH, 5, GAP).stream().map(l -> l.taskId().value()).toList(),
                "the other provider's tasks are claimed, the paused provider's are not");
        PostgresTaskStore otherArkKey = store(database, "studio-7", outputs, StoreSchema.keyHash("sk-test"),
                Map.of(ark, StoreSchema.keyHash("ark sk-ark-other")));
        assertEquals(2, otherArkKey.claimDue(Task.Phase.FETCH, 5, GAP).size(), "ark on another key is not held");
        assertTrue(otherArkKey.fetchPauses().isEmpty());
    }

    @Test
    void theTimeoutClockRunsAndStandsStillWhileThisInstanceIsInAnOutage() {
        store.register(tasks("cgt-clock"));
        Task task = store.find(taskId("cgt-clock")).orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.waitedMillis(task) >= 300);
        store.outageBegan("api");
        long during = store.waitedMillis(task);
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
                .until(() -> {
                    store.claimDue(Task.Phase.DOWNLOAD, 1, 0); // ticks the shared clock now and then
                    return store.waitedMillis(task) == during;
                });
        store.outageEnded("api");
        await().atMost(Duration.ofSeconds(5)).until(() -> store.waitedMillis(task) > during + 300);
    }
}
