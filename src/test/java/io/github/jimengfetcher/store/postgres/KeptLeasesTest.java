package io.github.jimengfetcher.store.postgres;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.LeaseLostException;
import io.github.jimengfetcher.task.Task;

import static io.github.jimengfetcher.support.Ids.taskId;
import static io.github.jimengfetcher.support.Ids.tasks;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leases kept on the shared store after fetches that found their tasks in progress: the next fetch here
 * sends no statement, and the row still fences every other instance, a notification, a stop and a restart.
 */
class KeptLeasesTest {

    private static final long LEASE_TIME = 30_000;
    private static final long GAP = 10_000;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    @TempDir
    Path root;
    private DataSource database;
    private OutputFolders outputs;
    private final List<PostgresTaskStore> started = new ArrayList<>();

    @BeforeAll
    static void startServer() throws IOException {
        server = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
    }

    @BeforeEach
    void freshDatabase() throws IOException {
        String name = "kept_" + DATABASES.incrementAndGet();
        sql(server.getPostgresDatabase(), "CREATE DATABASE " + name);
        database = server.getDatabase("postgres", name);
        outputs = new OutputFolders();
        outputs.setRoot(root.resolve("output").toString());
        outputs.start();
    }

    @AfterEach
    void stopStores() {
        started.forEach(PostgresTaskStore::stop);
        started.clear();
    }

    private PostgresTaskStore store(String instance, int kept) {
        return store(instance, kept, Duration.ofMillis(5));
    }

    private PostgresTaskStore store(String instance, int kept, Duration batchTime) {
        return store(instance, kept, batchTime, new AtomicBoolean());
    }

    /** @param refusing while set, the store is given no connection (the database away) */
    private PostgresTaskStore store(String instance, int kept, Duration batchTime, AtomicBoolean refusing) {
        DataSource pool = database;
        DataSource refusable = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, arguments) -> {
                    if (refusing.get() && method.getName().equals("getConnection")) {
                        throw new SQLException("connection refused (the test's database away)", "08001");
                    }
                    try {
                        return method.invoke(pool, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        PostgresTaskStore store = new PostgresTaskStore();
        store.setDataSource(refusable);
        store.setOutputs(outputs);
        store.setInstanceId(instance);
        store.setLeaseTime(Duration.ofMillis(LEASE_TIME));
        store.setKeyHash(StoreSchema.keyHash("sk-test"));
        store.setWriteBatches(batchTime, 200);
        store.setKeptLeases(kept);
        store.start();
        started.add(store);
        return store;
    }

    /** The database's clock cannot be moved: the stored times move back, and the plans of the stores with them. */
    private void passTime(long millis) {
        sql(database, "UPDATE jimeng_tasks SET next_at = next_at - " + millis + ", lease_until = lease_until - " + millis);
        sql(database, "UPDATE jimeng_instances SET beat_at = beat_at - " + millis);
        started.forEach(store -> store.timesMovedBack(millis));
    }

    /** A fetch of one task, found still in progress, due again at nextAt: its lease released (kept, where the store keeps it). */
    private static Lease fetchOnce(TaskStore store, long nextAt) {
        List<Lease> leases = store.claimDue(Task.Phase.FETCH, 1, GAP);
        assertEquals(1, leases.size(), "one task due");
        return releasedInProgress(store, leases.get(0), nextAt);
    }

    /** The lease's fetch found its task still in progress, due again at nextAt: released (kept, where the store keeps it). */
    private static Lease releasedInProgress(TaskStore store, Lease lease, long nextAt) {
        lease.task().status = "IN_PROGRESS";
        lease.task().fetches++;
        lease.task().nextAt = nextAt;
        store.release(lease);
        return lease;
    }

    @Test
    void aSecondFetchOfAKeptTaskIsServedWithoutItsRowWritten() {
        PostgresTaskStore store = store("studio-1", 100);
        store.register(tasks("cgt-kept"));
        Lease first = fetchOnce(store, store.now());
        assertEquals("studio-1 true", row("lease_owner || ' ' || kept"), "kept by its holder");
        String written = row("xmin::text || ctid::text");

        List<Lease> again = store.claimDue(Task.Phase.FETCH, 5, GAP);
        assertEquals(1, again.size());
        Lease second = again.get(0);
        assertEquals(first.epoch(), second.epoch(), "the same lease, served again");
        assertEquals(1, second.task().fetches, "with the row's document");
        assertEquals(written, row("xmin::text || ctid::text"), "no claim written");
        assertThrows(LeaseLostException.class, () -> store.update(first), "the lease given back is not used again");
        releasedInProgress(store, second, store.now() + GAP);
        assertEquals("studio-1 true 2", row("lease_owner || ' ' || kept || ' ' || (task->>'fetches')"));
    }

    @Test
    void aKeptLeaseIsServedFromThePlanWithNoStatementSoEvenWithTheDatabaseAway() {
        AtomicBoolean refusing = new AtomicBoolean();
        PostgresTaskStore store = store("studio-1", 100, Duration.ofMillis(5), refusing);
        store.register(tasks("cgt-kept"));
        Lease first = fetchOnce(store, store.now());
        fetchOnce(store, store.now());

        refusing.set(true);
        List<Lease> served = store.claimDue(Task.Phase.FETCH, 1, GAP);
        assertEquals(1, served.size(), "served while no connection can be had");
        Lease third = served.get(0);
        assertEquals(first.epoch(), third.epoch(), "under the epoch the row was kept with");
        assertEquals(2, third.task().fetches, "with the task as its release wrote it");
        assertEquals("IN_PROGRESS", third.task().status);

        refusing.set(false);
        releasedInProgress(store, third, store.now() + GAP);
        assertEquals("studio-1 true 3", row("lease_owner || ' ' || kept || ' ' || (task->>'fetches')"));
    }

    @Test
    void aBatchLeftToAClaimThatNeverAsksTheDatabaseStillGoesWithinTwiceItsBatchTime() {
        PostgresTaskStore store = store("studio-1", 100, Duration.ofMillis(300));
        store.register(tasks("cgt-kept"));
        Lease lease = store.claimDue(Task.Phase.FETCH, 1, GAP).get(0);
        lease.task().status = "IN_PROGRESS";
        lease.task().nextAt = store.now() + GAP;
        long queued = System.nanoTime();
        CompletableFuture<Void> released = CompletableFuture.runAsync(() -> store.release(lease));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.releasesWaiting() == 1);
        assertEquals(300, store.claimGatherMillis(), "a claim gathers its slots: the batch waits for it");

        await().atMost(Duration.ofSeconds(10)).until(released::isDone);
        long waitedMillis = (System.nanoTime() - queued) / 1_000_000;
        assertTrue(waitedMillis >= 300 && waitedMillis < 2 * 300 + 1_000, "written alone, in time: " + waitedMillis + " ms");
        assertEquals("studio-1 true", row("lease_owner || ' ' || kept"));
    }

    @Test
    void aClaimOfARowFreedMeanwhileDropsTheKeepersPlanSoItIsNeverFetchedTwiceAtOnce() {
        PostgresTaskStore keeper = store("studio-1", 100);
        PostgresTaskStore other = store("studio-2", 100);
        keeper.register(tasks("cgt-kept"));
        long due = keeper.now() + 1_500;
        Lease kept = fetchOnce(keeper, due);
        assertEquals(TaskStore.Notified.MOVED, other.notified(taskId("cgt-kept")), "freed by a notification the keeper never saw");

        List<Lease> claimed = keeper.claimDue(Task.Phase.FETCH, 5, GAP);
        assertEquals(1, claimed.size(), "due now, claimed anew");
        assertTrue(claimed.get(0).epoch() > kept.epoch());
        await().atMost(Duration.ofSeconds(10)).until(() -> keeper.now() > due);
        assertTrue(keeper.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "the old plan is not served beside the new lease");
        keeper.renew(claimed.get(0));
    }

    @Test
    void aNotificationReceivedByTheKeeperDropsItsPlan() {
        PostgresTaskStore keeper = store("studio-1", 100);
        keeper.register(tasks("cgt-kept"));
        long due = keeper.now() + 1_500;
        fetchOnce(keeper, due);
        assertEquals(TaskStore.Notified.MOVED, keeper.notified(taskId("cgt-kept")));
        sql(database, "UPDATE jimeng_tasks SET next_at = next_at + " + GAP);

        await().atMost(Duration.ofSeconds(10)).until(() -> keeper.now() > due);
        assertTrue(keeper.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "nothing served from the plan, nothing due in the row");
    }

    @Test
    void anotherInstanceCannotClaimAKeptTaskBeforeItsLeaseLapses() {
        PostgresTaskStore keeper = store("studio-1", 100);
        PostgresTaskStore other = store("studio-2", 100);
        keeper.register(tasks("cgt-kept"));
        Lease kept = fetchOnce(keeper, keeper.now() + GAP);
        passTime(GAP + 1_000);
        assertTrue(other.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "due, but its keeper fetches it");

        passTime(LEASE_TIME);
        List<Lease> taken = other.claimDue(Task.Phase.FETCH, 5, GAP);
        assertEquals(1, taken.size(), "once its lease has lapsed, any instance may claim it");
        assertTrue(taken.get(0).epoch() > kept.epoch());
        assertTrue(keeper.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "the keeper's plan is dropped");
    }

    @Test
    void aNotificationFreesAKeptTaskForAnotherInstanceAtOnceAndItsKeepersLateFetchIsRefused() {
        PostgresTaskStore keeper = store("studio-1", 100);
        PostgresTaskStore other = store("studio-2", 100);
        keeper.register(tasks("cgt-kept"));
        long due = keeper.now() + 1_500;
        Lease kept = fetchOnce(keeper, due);

        assertEquals(TaskStore.Notified.MOVED, other.notified(taskId("cgt-kept")));
        List<Lease> taken = other.claimDue(Task.Phase.FETCH, 5, GAP);
        assertEquals(1, taken.size(), "due now, for any instance");
        assertTrue(taken.get(0).epoch() > kept.epoch());

        // the keeper's plan comes due: it cannot know, fetches once more, and its write is refused
        await().atMost(Duration.ofSeconds(10)).until(() -> keeper.now() > due);
        List<Lease> late = keeper.claimDue(Task.Phase.FETCH, 5, GAP);
        assertEquals(1, late.size(), "served from the plan");
        late.get(0).task().status = "SUCCESS";
        late.get(0).task().nextAt = keeper.now() + GAP;
        assertThrows(LeaseLostException.class, () -> keeper.release(late.get(0)));
        assertEquals("studio-2 false 1", row("lease_owner || ' ' || kept || ' ' || (task->>'fetches')"), "the row is the other's, unchanged");
        other.renew(taken.get(0));
    }

    @Test
    void aNotificationForAKeptTaskDueNowMarksItForOneMoreFetchAfterThisOne() {
        PostgresTaskStore keeper = store("studio-1", 100);
        keeper.register(tasks("cgt-kept"));
        fetchOnce(keeper, keeper.now());
        Lease fetching = keeper.claimDue(Task.Phase.FETCH, 1, GAP).get(0);
        assertEquals(TaskStore.Notified.AFTER_FETCH, keeper.notified(taskId("cgt-kept")), "being fetched by its keeper");
        fetching.task().nextAt = keeper.now() + GAP;
        keeper.release(fetching);
        assertEquals("false", row("coalesce(lease_owner, '') || kept"), "given back, due at once");
        assertTrue(Long.parseLong(row("next_at")) <= keeper.now());
    }

    @Test
    void aStopGivesTheKeptLeasesBack() {
        PostgresTaskStore keeper = store("studio-1", 100);
        keeper.register(tasks("cgt-kept"));
        fetchOnce(keeper, keeper.now() + GAP);
        keeper.stop();
        assertEquals("false", row("coalesce(lease_owner, '') || coalesce(lease_until::text, '') || kept"));
        PostgresTaskStore other = store("studio-2", 100);
        passTime(GAP);
        assertEquals(1, other.claimDue(Task.Phase.FETCH, 5, GAP).size(), "due, for any instance");
    }

    @Test
    void anInstanceRestartedUnderTheSameIdTakesItsKeptTasksAtOnce() {
        PostgresTaskStore killed = store("studio-1", 100);
        killed.register(tasks("cgt-kept"));
        Lease kept = fetchOnce(killed, killed.now());
        // killed without a stop: its heartbeat goes stale
        sql(database, "UPDATE jimeng_instances SET beat_at = beat_at - " + LEASE_TIME);

        PostgresTaskStore restarted = store("studio-1", 100);
        List<Lease> taken = restarted.claimDue(Task.Phase.FETCH, 5, GAP);
        assertEquals(1, taken.size(), "not a lease time later");
        assertTrue(taken.get(0).epoch() > kept.epoch());
    }

    @Test
    void beyondItsBoundAnInstanceGivesLeasesBackAsBefore() {
        PostgresTaskStore keeper = store("studio-1", 1);
        keeper.register(tasks("cgt-a", "cgt-b"));
        fetchOnce(keeper, keeper.now() + GAP);
        fetchOnce(keeper, keeper.now() + GAP);
        assertEquals("1", scalar("SELECT count(*) FROM jimeng_tasks WHERE kept"));
        assertEquals("1", scalar("SELECT count(*) FROM jimeng_tasks WHERE lease_owner IS NULL AND NOT kept"));
    }

    private String row(String expression) {
        return scalar("SELECT " + expression + " FROM jimeng_tasks WHERE id = 'cgt-kept'");
    }

    private String scalar(String select) {
        try (Connection c = database.getConnection(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(select)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(select, e);
        }
    }

    private static void sql(DataSource dataSource, String statement) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement, e);
        }
    }
}
