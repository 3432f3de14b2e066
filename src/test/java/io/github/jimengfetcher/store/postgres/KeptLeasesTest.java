package io.github.jimengfetcher.store.postgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * writes no claim, and the row still fences every other instance, a notification, a stop and a restart.
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
        PostgresTaskStore store = new PostgresTaskStore();
        store.setDataSource(database);
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
        Lease lease = leases.get(0);
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
        second.task().fetches++;
        second.task().nextAt = store.now() + GAP;
        store.release(second);
        assertEquals("studio-1 true 2", row("lease_owner || ' ' || kept || ' ' || (task->>'fetches')"));
    }

    @Test
    void servingKeptLeasesCarriesTheReleasesWaitingForTheirBatch() {
        PostgresTaskStore store = store("studio-1", 100, Duration.ofSeconds(60));
        store.register(tasks("cgt-kept", "cgt-other"));
        List<Lease> leases = store.claimDue(Task.Phase.FETCH, 2, GAP);
        Lease keep = leases.get(0).taskId().value().equals("cgt-kept") ? leases.get(0) : leases.get(1);
        Lease other = keep == leases.get(0) ? leases.get(1) : leases.get(0);
        keep.task().nextAt = store.now();
        CompletableFuture<Void> kept = CompletableFuture.runAsync(() -> store.release(keep));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.releasesWaiting() == 1);
        assertTrue(store.claimDue(Task.Phase.FETCH, 1, GAP).isEmpty(), "nothing due yet: the claim carries the release");
        kept.join();

        other.task().nextAt = store.now() + GAP;
        CompletableFuture<Void> released = CompletableFuture.runAsync(() -> store.release(other));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.releasesWaiting() == 1);
        List<Lease> served = store.claimDue(Task.Phase.FETCH, 1, GAP);
        assertEquals("cgt-kept", served.get(0).taskId().value());
        await().atMost(Duration.ofSeconds(10)).until(released::isDone);
        assertEquals("studio-1 true", scalar("SELECT lease_owner || ' ' || kept FROM jimeng_tasks WHERE id = 'cgt-other'"),
                "written with the serving statement, not after the batch time");
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
    void aNotificationFreesAKeptTaskForAnotherInstanceAtOnceAndItsKeeperFindsItSo() {
        PostgresTaskStore keeper = store("studio-1", 100);
        PostgresTaskStore other = store("studio-2", 100);
        keeper.register(tasks("cgt-kept"));
        long due = keeper.now() + 1_500;
        Lease kept = fetchOnce(keeper, due);

        assertEquals(TaskStore.Notified.MOVED, other.notified(taskId("cgt-kept")));
        List<Lease> taken = other.claimDue(Task.Phase.FETCH, 5, GAP);
        assertEquals(1, taken.size(), "due now, for any instance");
        assertTrue(taken.get(0).epoch() > kept.epoch());

        // the keeper's plan comes due: the row, read again, is no longer its own
        await().atMost(Duration.ofSeconds(10)).until(() -> keeper.now() > due);
        assertTrue(keeper.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "a kept lease claimed elsewhere is not served");
        assertEquals("studio-2 false", row("lease_owner || ' ' || kept"));
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
