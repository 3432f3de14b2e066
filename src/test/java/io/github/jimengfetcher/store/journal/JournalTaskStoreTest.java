package io.github.jimengfetcher.store.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.store.FinishedRecords;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.store.TaskStoreContract;
import io.github.jimengfetcher.task.ProviderConflict;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskState;

import static io.github.jimengfetcher.support.Ids.task;
import static io.github.jimengfetcher.support.Ids.tasks;
import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task store contract, against the local journal, on a clock the test moves; and what is the journal's own. */
class JournalTaskStoreTest extends TaskStoreContract {

    private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());

    @Override
    protected TaskStore startStore(Path folder, OutputFolders outputs) throws Exception {
        JournalTaskStore journal = new JournalTaskStore();
        journal.setFolder(folder.toString());
        journal.setOutputs(outputs);
        journal.setInstanceId(owner());
        journal.setLeaseTime(java.time.Duration.ofMillis(LEASE_TIME));
        journal.setClock(clock::get);
        journal.start();
        return journal;
    }

    @Override
    protected void stopStore(TaskStore store) throws Exception {
        ((JournalTaskStore) store).stop();
    }

    @Override
    protected void passTime(long millis) {
        clock.addAndGet(millis);
    }

    @Override
    protected String owner() {
        return "studio-1";
    }

    @Test
    void tasksOfAJournalWrittenBeforeTasksNamedAProviderAreJimengGateways() throws Exception {
        ((JournalTaskStore) store).stop();
        Path journal = root.resolve("work/tasks.journal");
        // lines as the store wrote them before: no provider in a put, none in a finished line
        Files.writeString(journal, "{\"op\":\"put\",\"task\":{\"id\":\"cgt-old-pending\",\"phase\":\"FETCH\",\"registeredAt\":1,\"activeAt\":0}}\n"
                + "{\"op\":\"put\",\"task\":{\"id\":\"cgt-old-done\",\"phase\":\"FETCH\",\"registeredAt\":1}}\n"
                + "{\"op\":\"finished\",\"id\":\"cgt-old-done\",\"outcome\":\"SUCCEEDED\"}\n");
        store = startStore(root.resolve("work"), outputs);
        assertEquals(ProviderName.JIMENG_GATEWAY, store.find(taskId("cgt-old-pending")).orElseThrow().provider);
        assertEquals(java.util.Optional.of(ProviderName.JIMENG_GATEWAY), store.providerOf(taskId("cgt-old-done")));
        TaskStore.Registration again = store.register(List.of(task("jimeng-gateway", "cgt-old-pending"), task("ark", "cgt-old-done")));
        assertEquals(1, again.alreadyPending());
        assertEquals(List.of(new ProviderConflict(taskId("cgt-old-done"), new ProviderName("ark"), ProviderName.JIMENG_GATEWAY)), again.conflicts());
        restart(); // the compacted journal names them
        assertTrue(Files.readString(journal).contains("\"provider\":\"jimeng-gateway\""), Files.readString(journal));
        assertEquals(java.util.Optional.of(ProviderName.JIMENG_GATEWAY), store.providerOf(taskId("cgt-old-done")));
    }

    @Test
    void finishedIdsOutliveACompactionAndAJournalOfAnEarlierVersionIsRead() throws Exception {
        store.register(tasks("cgt-done"));
        store.finish(store.claimDue(Task.Phase.FETCH, 1, GAP).get(0), TaskState.SUCCEEDED);
        ((JournalTaskStore) store).stop();
        Path journal = root.resolve("work/tasks.journal");
        // an earlier version wrote "remove" for a finished task
        Files.writeString(journal, Files.readString(journal) + "{\"op\":\"put\",\"task\":{\"id\":\"cgt-old\",\"phase\":\"FETCH\",\"registeredAt\":1}}\n"
                + "{\"op\":\"remove\",\"id\":\"cgt-old\"}\n");
        store = startStore(root.resolve("work"), outputs); // start compacts the journal
        restart();
        assertTrue(store.isFinished(taskId("cgt-done")));
        assertTrue(store.isFinished(taskId("cgt-old")));
        assertEquals(new TaskStore.Registration(0, 0, 2), store.register(tasks("cgt-done", "cgt-old")));
        assertEquals(0, store.pendingCount());
    }

    @Test
    void aHandEditedLineWhoseIdBreaksTheRulesIsQuarantinedWithTheRulesReason() throws Exception {
        ((JournalTaskStore) store).stop();
        Path journal = root.resolve("work/tasks.journal");
        Files.writeString(journal, String.join("\n",
                "{\"op\":\"put\",\"task\":{\"id\":\"../x\",\"phase\":\"FETCH\",\"registeredAt\":1}}",
                "{\"op\":\"finished\",\"id\":\"..\\\\x\",\"outcome\":\"FAILED\"}",
                "{\"op\":\"put\",\"task\":{\"phase\":\"FETCH\",\"registeredAt\":1}}",
                "{\"op\":\"put\",\"task\":{\"id\":\"cgt-kept\",\"phase\":\"FETCH\",\"registeredAt\":1}}") + "\n");
        store = startStore(root.resolve("work"), outputs);

        assertEquals(1, store.pendingCount());
        assertTrue(store.find(taskId("cgt-kept")).isPresent());
        List<String> quarantined = Files.readAllLines(root.resolve("work/quarantine/journal-entries.jsonl"));
        assertEquals(3, quarantined.size(), quarantined.toString());
        assertTrue(quarantined.get(0).contains("journal line 1: task id contains '/'; only letters"), quarantined.get(0));
        assertTrue(quarantined.get(1).contains("journal line 2: task id contains '\\\\'"), quarantined.get(1));
        assertTrue(quarantined.get(2).contains("journal line 3: empty task id"), quarantined.get(2));
    }

    @Test
    void aLargeRegistrationLetsOtherWorkThroughBetweenItsSlices() throws Exception {
        List<String> many = IntStream.range(0, 200_000).mapToObj(i -> "cgt-many-" + i).toList();
        CompletableFuture<TaskStore.Registration> large =
                CompletableFuture.supplyAsync(() -> store.register(tasks(many)));
        await().atMost(Duration.ofSeconds(30)).until(() -> store.pendingCount() > 0);

        // Held for the whole registration, the lock would keep this waiting until every id was in.
        assertEquals(new TaskStore.Registration(1, 0, 0), store.register(tasks("cgt-meanwhile")));
        assertTrue(store.pendingCount() < many.size(), "registered while the large registration was still going on");

        assertEquals(new TaskStore.Registration(many.size(), 0, 0), large.get());
        assertEquals(many.size() + 1, store.pendingCount());
    }

    @Test
    void newFetchesWaitWhileIdsRegisterAndAMomentAfterManyForASecondAtMostThenRunForASecond() throws Exception {
        AtomicReference<CountDownLatch> looking = new AtomicReference<>(new CountDownLatch(1));
        AtomicReference<CountDownLatch> goOn = new AtomicReference<>(new CountDownLatch(1));
        JournalTaskStore journal = new JournalTaskStore();
        journal.setFolder(root.resolve("work-held").toString());
        journal.setOutputs(new FinishedRecords() {
            @Override
            public boolean hasResult(TaskId id) {
                return false;
            }

            @Override
            public boolean isFinished(TaskId id) {
                if (id.value().startsWith("cgt-slow")) { // the registration goes on until the test says
                    looking.get().countDown();
                    awaitQuietly(goOn.get());
                }
                return false;
            }
        });
        journal.setClock(clock::get);
        journal.start();
        try {
            journal.register(tasks("cgt-due-1", "cgt-due-2", "cgt-due-3"));
            CompletableFuture<TaskStore.Registration> slow = CompletableFuture.supplyAsync(() -> journal.register(tasks("cgt-slow-1")));
            assertTrue(looking.get().await(10, TimeUnit.SECONDS));

            assertEquals(List.of(), journal.claimDue(Task.Phase.FETCH, 1, GAP), "held while the ids register");
            assertFalse(journal.awaitDue(Task.Phase.FETCH, clock.get()), "a due task does not end the wait while held");
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> awaitDue(journal, clock.get() + 60_000));
            goOn.get().countDown();
            assertEquals(new TaskStore.Registration(1, 0, 0), slow.get(10, TimeUnit.SECONDS));
            assertTrue(waiting.get(10, TimeUnit.SECONDS), "woken when the registration ends");
            assertEquals(1, journal.claimDue(Task.Phase.FETCH, 1, GAP).size());

            List<String> bulk = IntStream.range(0, RegistrationFirst.BULK_IDS).mapToObj(i -> "cgt-bulk-" + i).toList();
            journal.register(tasks(bulk));
            assertEquals(List.of(), journal.claimDue(Task.Phase.FETCH, 1, GAP), "held a moment after many ids, more may follow");
            passTime(RegistrationFirst.GRACE_MILLIS);
            assertEquals(1, journal.claimDue(Task.Phase.FETCH, 1, GAP).size());

            looking.set(new CountDownLatch(1));
            goOn.set(new CountDownLatch(1));
            CompletableFuture<TaskStore.Registration> longOne = CompletableFuture.supplyAsync(() -> journal.register(tasks("cgt-slow-2")));
            assertTrue(looking.get().await(10, TimeUnit.SECONDS));
            assertEquals(List.of(), journal.claimDue(Task.Phase.FETCH, 1, GAP), "held while the ids register");
            passTime(RegistrationFirst.MAX_HOLD_MILLIS);
            assertEquals(1, journal.claimDue(Task.Phase.FETCH, 1, GAP).size(), "a hold lasts a second at most");
            passTime(RegistrationFirst.FREE_MILLIS - 1);
            assertEquals(1, journal.claimDue(Task.Phase.FETCH, 1, GAP).size(), "then fetches run, the registration still going on");
            passTime(1);
            assertEquals(List.of(), journal.claimDue(Task.Phase.FETCH, 1, GAP), "and the next hold begins");
            goOn.get().countDown();
            assertEquals(new TaskStore.Registration(1, 0, 0), longOne.get(10, TimeUnit.SECONDS));
        } finally {
            journal.stop();
        }
    }

    private static boolean awaitDue(JournalTaskStore journal, long deadline) {
        try {
            return journal.awaitDue(Task.Phase.FETCH, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theTimeoutClockStopsWhileAnyOutageLasts() {
        store.register(tasks("cgt-clock"));
        Task task = store.find(taskId("cgt-clock")).orElseThrow();
        passTime(1_000);
        assertEquals(1_000, store.waitedMillis(task));
        store.outageBegan("api");
        passTime(5_000);
        store.outageBegan("output");
        store.outageEnded("api");
        passTime(5_000);
        assertEquals(1_000, store.waitedMillis(task), "stopped while any outage lasts");
        store.outageEnded("output");
        passTime(2_000);
        assertEquals(3_000, store.waitedMillis(task));
    }
}
