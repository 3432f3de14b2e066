package io.github.jimengfetcher.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.LeaseLostException;
import io.github.jimengfetcher.task.ProviderConflict;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskState;

import static io.github.jimengfetcher.support.Ids.task;
import static io.github.jimengfetcher.support.Ids.tasks;
import static io.github.jimengfetcher.support.Ids.taskId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every task store must do, whatever it keeps its tasks in: registration of new and known
 * ids, reopening, claims as leases with an owner, an epoch and an expiry, lease loss, renewal,
 * expiry and takeover, the fetch pause, every state change, and what survives a restart. A store
 * implementation runs this suite by extending it. Time passes by {@link #passTime}, never by sleeping.
 */
public abstract class TaskStoreContract {

    protected static final long LEASE_TIME = 30_000;
    protected static final long GAP = 10_000;
    protected static final ProviderName GATEWAY = ProviderName.JIMENG_GATEWAY;
    protected static final ProviderName ARK = new ProviderName("ark");

    @TempDir
    protected Path root;

    protected TaskStore store;
    protected OutputFolders outputs;

    /** A started store over this folder, with a lease time of {@link #LEASE_TIME}; called again by {@link #restart()}. */
    protected abstract TaskStore startStore(Path folder, OutputFolders outputs) throws Exception;

    protected abstract void stopStore(TaskStore store) throws Exception;

    /** The store's clock moves this much (a store on a real clock moves its stored times back instead). */
    protected abstract void passTime(long millis);

    /** The instance id this suite's store claims as. */
    protected abstract String owner();

    /**
     * From now on the store writes releases together where it gathers them: a batch of this many rows (the
     * shared store: one statement for the batch, sent once this many wait). Nothing for a store that does not batch.
     */
    protected void releasesGoTogether(int rows) throws Exception {
    }

    @BeforeEach
    protected void start() throws Exception {
        outputs = new OutputFolders();
        outputs.setRoot(root.resolve("output").toString());
        outputs.start();
        store = startStore(root.resolve("work"), outputs);
    }

    @AfterEach
    protected void stop() throws Exception {
        stopStore(store);
    }

    protected void restart() throws Exception {
        stopStore(store);
        store = startStore(root.resolve("work"), outputs);
    }

    private Lease claimOne(Task.Phase phase) {
        List<Lease> leases = store.claimDue(phase, 1, GAP);
        assertEquals(1, leases.size(), "one task due");
        return leases.get(0);
    }

    /** Every state change, each under the given lease. */
    private static List<Consumer<Lease>> changes(TaskStore store) {
        return List.of(store::renew, store::update, store::release, lease -> store.finish(lease, TaskState.SUCCEEDED));
    }

    @Test
    public void newIdsAreRegisteredAndKnownOnesCounted() throws Exception {
        assertEquals(new TaskStore.Registration(2, 0, 0), store.register(tasks("cgt-a", "cgt-b")));
        Files.writeString(outputs.resultFile("cgt-done"), "{}");
        assertEquals(new TaskStore.Registration(1, 1, 1), store.register(tasks("cgt-a", "cgt-done", "cgt-c")));
        assertEquals(3, store.pendingCount());
    }

    @Test
    public void aFinishedIdStaysKnownAndComesBackOnlyWhenReopened() {
        store.register(tasks("cgt-once"));
        store.finish(claimOne(Task.Phase.FETCH), TaskState.FAILED);
        assertTrue(store.isFinished(taskId("cgt-once")));
        assertEquals(new TaskStore.Registration(0, 0, 1), store.register(tasks("cgt-once")), "finished in the store, no file needed");
        assertTrue(store.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty());

        assertTrue(store.reopen(taskId("cgt-once")));
        assertFalse(store.isFinished(taskId("cgt-once")));
        assertFalse(store.reopen(taskId("cgt-once")), "pending already: nothing to reopen");
        Lease again = claimOne(Task.Phase.FETCH);
        assertEquals("cgt-once", again.taskId().value());
        assertEquals(0, again.task().fetches, "a fresh start");
    }

    @Test
    public void aTaskKeepsItsProviderWhilePendingOnceFinishedAndAcrossARestart() throws Exception {
        assertEquals(new TaskStore.Registration(1, 0, 0), store.register(List.of(task("ark", "cgt-ark"))));
        passTime(10);
        assertEquals(new TaskStore.Registration(1, 0, 0), store.register(List.of(task("jimeng-gateway", "cgt-gw"))));
        assertEquals(new ProviderName("ark"), store.find(taskId("cgt-ark")).orElseThrow().provider);
        Lease lease = claimOne(Task.Phase.FETCH);
        assertEquals("cgt-ark", lease.taskId().value(), "registered first, due first");
        assertEquals(new ProviderName("ark"), lease.task().provider, "a claim hands the task out with its provider");
        store.finish(lease, TaskState.SUCCEEDED);

        restart();
        assertEquals(java.util.Optional.of(new ProviderName("ark")), store.providerOf(taskId("cgt-ark")), "finished, and remembered");
        assertEquals(java.util.Optional.of(ProviderName.JIMENG_GATEWAY), store.providerOf(taskId("cgt-gw")));
        assertEquals(java.util.Optional.empty(), store.providerOf(taskId("cgt-never")));
        List<TaskStore.ListedTask> listed = store.page(null, "cgt-", 0, 10).tasks();
        assertEquals(List.of("ark", "jimeng-gateway"), listed.stream().map(t -> t.provider().value()).toList(), "the list names them, finished or pending");
    }

    @Test
    public void theSameIdForAnotherProviderIsRefusedWhetherPendingOrFinished() {
        store.register(List.of(task("ark", "cgt-pending"), task("ark", "cgt-finished")));
        Lease lease = claimOne(Task.Phase.FETCH);
        store.finish(lease, TaskState.FAILED);
        String finishedId = lease.taskId().value();
        String pendingId = finishedId.equals("cgt-pending") ? "cgt-finished" : "cgt-pending";

        TaskStore.Registration again = store.register(List.of(task("new-api", pendingId), task("jimeng-gateway", finishedId),
                task("ark", pendingId), task("ark", finishedId), task("openai-videos", "cgt-new")));
        assertEquals(1, again.registered(), "only the new id");
        assertEquals(1, again.alreadyPending());
        assertEquals(1, again.alreadyFinished());
        assertEquals(List.of(new ProviderConflict(taskId(pendingId), new ProviderName("new-api"), new ProviderName("ark")),
                new ProviderConflict(taskId(finishedId), ProviderName.JIMENG_GATEWAY, new ProviderName("ark"))), again.conflicts());
        assertTrue(again.conflicts().get(0).reason().contains("registered for provider ark, not new-api"), again.conflicts().get(0).reason());
        assertEquals(new ProviderName("ark"), store.find(taskId(pendingId)).orElseThrow().provider, "nothing changed for it");
        assertTrue(store.isFinished(taskId(finishedId)));
        assertEquals(java.util.Optional.of(new ProviderName("ark")), store.providerOf(taskId(finishedId)));
    }

    @Test
    public void anIdListedForTwoProvidersInOneRegistrationIsTakenForTheFirst() {
        TaskStore.Registration registration = store.register(List.of(task("ark", "cgt-twice"), task("new-api", "cgt-twice")));
        assertEquals(1, registration.registered());
        assertEquals(List.of(new ProviderConflict(taskId("cgt-twice"), new ProviderName("new-api"), new ProviderName("ark"))),
                registration.conflicts());
        assertEquals(new ProviderName("ark"), store.find(taskId("cgt-twice")).orElseThrow().provider);
    }

    @Test
    public void aReopenedTaskKeepsItsProvider() {
        store.register(List.of(task("ark", "cgt-again")));
        store.finish(claimOne(Task.Phase.FETCH), TaskState.FAILED);
        assertTrue(store.reopen(taskId("cgt-again")));
        assertEquals(new ProviderName("ark"), claimOne(Task.Phase.FETCH).task().provider);
    }

    @Test
    public void aTaskLookedAtLateAfterItsTimeoutCanBeReopenedUnlessItIsHeldRightNow() {
        store.register(tasks("cgt-timed-out"));
        Lease lease = claimOne(Task.Phase.FETCH);
        lease.task().timedOutAt = store.now();
        lease.task().fetches = 40;
        lease.task().nextAt = store.now();
        store.release(lease);
        Lease looking = claimOne(Task.Phase.FETCH);
        assertFalse(store.reopen(taskId("cgt-timed-out")), "held right now");
        looking.task().nextAt = store.now() + 3_600_000L;
        store.release(looking);
        assertTrue(store.reopen(taskId("cgt-timed-out")));
        Task fresh = store.find(taskId("cgt-timed-out")).orElseThrow();
        assertEquals(null, fresh.timedOutAt);
        assertEquals(0, fresh.fetches);
        assertEquals("cgt-timed-out", claimOne(Task.Phase.FETCH).taskId().value(), "due at once");
    }

    @Test
    public void dueTasksAreLeasedEarliestFirstUpToTheAskedNumberAndNeverTwice() {
        store.register(tasks("cgt-1"));
        passTime(10);
        store.register(tasks("cgt-2", "cgt-3"));
        assertTrue(store.claimDue(Task.Phase.FETCH, 0, GAP).isEmpty());
        List<Lease> first = store.claimDue(Task.Phase.FETCH, 2, GAP);
        assertEquals("cgt-1", first.get(0).taskId().value());
        assertEquals(2, first.size());
        List<Lease> rest = store.claimDue(Task.Phase.FETCH, 5, GAP);
        assertEquals(1, rest.size());
        assertTrue(store.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "every task is leased");
        assertTrue(store.claimDue(Task.Phase.DOWNLOAD, 5, GAP).isEmpty(), "no task is in its download");
    }

    @Test
    public void aClaimNamesTheOwnerGrowsTheEpochAndMovesTheDueTimeOneGapOn() {
        store.register(tasks("cgt-epoch"));
        long claimedAt = store.now();
        Lease first = claimOne(Task.Phase.FETCH);
        assertEquals(owner(), first.owner());
        assertAbout(claimedAt + LEASE_TIME, first.expiresAt());
        Task held = store.find(taskId("cgt-epoch")).orElseThrow();
        assertEquals(owner(), held.leaseOwner);
        assertAbout(claimedAt + GAP, held.nextAt); // a holder that dies leaves the task due no earlier than its next turn

        first.task().nextAt = store.now() + GAP;
        store.release(first);
        assertTrue(first.ended());
        assertEquals(null, store.find(taskId("cgt-epoch")).orElseThrow().leaseOwner, "waiting for its turn, held by nobody");
        passTime(GAP + LEASE_TIME); // past any lease a store keeps for its holder's next turn
        Lease second = claimOne(Task.Phase.FETCH);
        assertTrue(second.epoch() > first.epoch());
    }

    @Test
    public void anExpiredLeaseIsTakenOverAndTheOldHolderChangesNothing() {
        store.register(tasks("cgt-stalled"));
        Lease stalled = claimOne(Task.Phase.FETCH);
        passTime(GAP / 2);
        assertTrue(store.claimDue(Task.Phase.FETCH, 1, GAP).isEmpty(), "not due before its gap");
        passTime(LEASE_TIME / 2);
        assertTrue(store.claimDue(Task.Phase.FETCH, 1, GAP).isEmpty(), "due, but still held");
        passTime(LEASE_TIME / 2);
        Lease takeover = claimOne(Task.Phase.FETCH);
        assertTrue(takeover.epoch() > stalled.epoch());

        stalled.task().fetches = 99;
        stalled.task().lastError = "from the stalled holder";
        for (Consumer<Lease> change : changes(store)) {
            assertThrows(LeaseLostException.class, () -> change.accept(stalled));
        }
        Task now = store.find(taskId("cgt-stalled")).orElseThrow();
        assertEquals(0, now.fetches);
        assertEquals(null, now.lastError);
        assertEquals(takeover.epoch(), now.epoch);

        takeover.task().fetches = 1;
        store.update(takeover);
        assertEquals(1, store.find(taskId("cgt-stalled")).orElseThrow().fetches, "the new holder's changes count");
    }

    @Test
    public void anExpiredLeaseIsLostEvenBeforeAnyoneTakesTheTaskOver() {
        store.register(tasks("cgt-late"));
        Lease late = claimOne(Task.Phase.FETCH);
        passTime(LEASE_TIME + 1);
        for (Consumer<Lease> change : changes(store)) {
            assertThrows(LeaseLostException.class, () -> change.accept(late));
        }
        assertTrue(store.find(taskId("cgt-late")).isPresent(), "still pending, for whoever claims it next");
    }

    @Test
    public void aRenewedLeaseHoldsPastItsFirstExpiry() {
        store.register(tasks("cgt-long"));
        Lease download = claimOne(Task.Phase.FETCH);
        for (int i = 0; i < 5; i++) {
            passTime(LEASE_TIME / 2);
            store.renew(download);
        }
        assertTrue(download.expiresAt() > store.now() + LEASE_TIME / 2);
        assertTrue(store.claimDue(Task.Phase.FETCH, 1, GAP).isEmpty(), "nobody takes over a renewed lease");
        List<Lease> lost = store.renewAll(List.of(download));
        assertTrue(lost.isEmpty());
        store.finish(download, TaskState.SUCCEEDED);
        assertTrue(store.isFinished(taskId("cgt-long")));
    }

    @Test
    public void renewAllReportsTheLeasesThatNoLongerHold() {
        store.register(tasks("cgt-kept", "cgt-lapsed"));
        List<Lease> leases = store.claimDue(Task.Phase.FETCH, 2, GAP);
        Lease kept = leases.get(0).taskId().value().equals("cgt-kept") ? leases.get(0) : leases.get(1);
        Lease lapsed = kept == leases.get(0) ? leases.get(1) : leases.get(0);
        passTime(LEASE_TIME / 2);
        store.renew(kept);
        passTime(LEASE_TIME / 2 + 1);
        assertEquals(List.of(lapsed), store.renewAll(List.of(kept, lapsed)));
        assertTrue(lapsed.ended());
        assertFalse(kept.ended());
    }

    @Test
    public void aLeaseGivenBackCannotBeUsedAgain() {
        store.register(tasks("cgt-back"));
        Lease lease = claimOne(Task.Phase.FETCH);
        lease.task().nextAt = store.now() + 5_000;
        store.release(lease);
        for (Consumer<Lease> change : changes(store)) {
            assertThrows(LeaseLostException.class, () -> change.accept(lease));
        }
        assertTrue(store.claimDue(Task.Phase.FETCH, 1, GAP).isEmpty(), "waits for its due time");
        passTime(5_000);
        assertEquals("cgt-back", claimOne(Task.Phase.FETCH).taskId().value());
    }

    @Test
    public void releasesGivenBackTogetherWriteTheirRowsAndOnlyALeaseTakenOverIsReportedLost() throws Exception {
        releasesGoTogether(3);
        store.register(tasks("cgt-batch-taken"));
        Lease stale = claimOne(Task.Phase.FETCH);
        passTime(LEASE_TIME + 1);
        store.register(tasks("cgt-batch-a", "cgt-batch-b"));
        List<Lease> claimed = store.claimDue(Task.Phase.FETCH, 3, GAP);
        assertEquals(3, claimed.size());
        Lease takeover = claimed.stream().filter(l -> l.taskId().value().equals("cgt-batch-taken")).findFirst().orElseThrow();
        assertTrue(takeover.epoch() > stale.epoch(), "claimed again since: the epoch moved");
        List<Lease> released = new java.util.ArrayList<>(claimed);
        released.remove(takeover);
        released.add(stale);
        long due = store.now() + 5_000;
        for (Lease lease : released) {
            lease.task().status = "IN_PROGRESS";
            lease.task().progress = "40%";
            lease.task().fetches = 1;
            lease.task().nextAt = due;
        }

        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(released.size());
        try {
            long began = System.nanoTime();
            java.util.Map<Lease, java.util.concurrent.Future<?>> answers = new java.util.HashMap<>();
            for (Lease lease : released) {
                answers.put(lease, callers.submit(() -> store.release(lease)));
            }
            for (Lease lease : released) {
                if (lease == stale) {
                    java.util.concurrent.ExecutionException lost = assertThrows(java.util.concurrent.ExecutionException.class,
                            () -> answers.get(lease).get(10, java.util.concurrent.TimeUnit.SECONDS));
                    assertTrue(lost.getCause() instanceof LeaseLostException, "the lease taken over is reported lost: " + lost.getCause());
                } else {
                    answers.get(lease).get(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            assertTrue(System.nanoTime() - began < 3_000_000_000L, "the three went together, as soon as all three waited");
        } finally {
            callers.shutdownNow();
        }

        Task taken = store.find(taskId("cgt-batch-taken")).orElseThrow();
        assertEquals(takeover.epoch(), taken.epoch, "left to its new holder");
        assertEquals(owner(), taken.leaseOwner);
        assertEquals(0, taken.fetches, "nothing of the stale holder's answer");
        assertEquals(null, taken.status);
        for (String id : List.of("cgt-batch-a", "cgt-batch-b")) {
            Task written = store.find(taskId(id)).orElseThrow();
            assertEquals(null, written.leaseOwner, id + " given back");
            assertEquals("IN_PROGRESS", written.status, id);
            assertEquals(1, written.fetches, id);
            assertAbout(due, written.nextAt);
        }
        takeover.task().fetches = 1;
        store.release(takeover);
        assertEquals(1, store.find(taskId("cgt-batch-taken")).orElseThrow().fetches, "the new holder's release counts");
    }

    @Test
    public void anUpdateKeepsTheChangeAndTheLease() {
        store.register(tasks("cgt-upd"));
        Lease lease = claimOne(Task.Phase.FETCH);
        lease.task().status = "IN_PROGRESS";
        lease.task().progress = "40%";
        lease.task().fetches = 3;
        store.update(lease);
        Task stored = store.find(taskId("cgt-upd")).orElseThrow();
        assertEquals("IN_PROGRESS", stored.status);
        assertEquals(3, stored.fetches);
        assertEquals(owner(), stored.leaseOwner);
        store.renew(lease);
    }

    @Test
    public void aTaskInItsDownloadIsClaimedOnlyAsADownload() {
        store.register(tasks("cgt-video"));
        Lease fetch = claimOne(Task.Phase.FETCH);
        fetch.task().phase = Task.Phase.DOWNLOAD;
        fetch.task().videoUrl = "https://storage.example.com/v.mp4";
        fetch.task().nextAt = store.now();
        store.release(fetch);
        assertTrue(store.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty());
        Lease download = claimOne(Task.Phase.DOWNLOAD);
        assertEquals("https://storage.example.com/v.mp4", download.task().videoUrl);
    }

    @Test
    public void dueDownloadsAreClaimedTheUrlThatLapsesFirstFirst() {
        // Come due in this order: a URL that does not say when it lapses, one lapsing in 2 h, in 20 min, in 1 h.
        long now = store.now();
        String[] ids = {"cgt-dl-unknown", "cgt-dl-2h", "cgt-dl-20m", "cgt-dl-1h"};
        Long[] expiries = {null, now + 7_200_000, now + 1_200_000, now + 3_600_000};
        for (int i = 0; i < ids.length; i++) {
            store.register(tasks(ids[i]));
            Lease fetch = claimOne(Task.Phase.FETCH);
            fetch.task().phase = Task.Phase.DOWNLOAD;
            fetch.task().videoUrl = "https://storage.example.com/" + ids[i] + ".mp4";
            fetch.task().videoUrlExpiresAt = expiries[i];
            fetch.task().nextAt = store.now();
            store.release(fetch);
            passTime(10);
        }
        assertEquals("cgt-dl-20m", claimOne(Task.Phase.DOWNLOAD).taskId().value());
        assertEquals(List.of("cgt-dl-1h", "cgt-dl-2h"), store.claimDue(Task.Phase.DOWNLOAD, 2, GAP).stream().map(lease -> lease.taskId().value()).toList());
        Lease last = claimOne(Task.Phase.DOWNLOAD);
        assertEquals("cgt-dl-unknown", last.taskId().value(), "a URL that does not say when it lapses comes after those that do");
        assertEquals(null, last.task().videoUrlExpiresAt);
        // The expiry is kept with the task.
        assertTrue(store.claimDue(Task.Phase.DOWNLOAD, 5, GAP).isEmpty());
    }

    @Test
    public void aDownloadNotDueYetWaitsWhateverItsUrlsExpiry() {
        store.register(tasks("cgt-dl-later", "cgt-dl-now"));
        for (Lease fetch : store.claimDue(Task.Phase.FETCH, 2, GAP)) {
            boolean later = fetch.taskId().value().equals("cgt-dl-later");
            fetch.task().phase = Task.Phase.DOWNLOAD;
            fetch.task().videoUrl = "https://storage.example.com/" + fetch.taskId() + ".mp4";
            fetch.task().videoUrlExpiresAt = store.now() + (later ? 60_000 : 3_600_000);
            fetch.task().nextAt = store.now() + (later ? 5_000 : 0);
            store.release(fetch);
        }
        Lease first = claimOne(Task.Phase.DOWNLOAD);
        assertEquals("cgt-dl-now", first.taskId().value());
        assertEquals(store.now() + 3_600_000, first.task().videoUrlExpiresAt, 1_000);
        assertTrue(store.claimDue(Task.Phase.DOWNLOAD, 5, GAP).isEmpty(), "a retry waits for its time");
        passTime(5_000);
        assertEquals("cgt-dl-later", claimOne(Task.Phase.DOWNLOAD).taskId().value());
    }

    @Test
    public void aNotifiedTaskWaitingForItsTurnIsDueNowOnceAndNothingElseMoves() throws Exception {
        store.register(tasks("cgt-heard", "cgt-ready", "cgt-done"));
        for (Lease lease : store.claimDue(Task.Phase.FETCH, 3, GAP)) {
            lease.task().nextAt = store.now() + 60 * GAP;
            if (lease.taskId().value().equals("cgt-ready")) {
                lease.task().phase = Task.Phase.DOWNLOAD;
            }
            if (lease.taskId().value().equals("cgt-done")) {
                store.finish(lease, TaskState.SUCCEEDED);
            } else {
                store.release(lease);
            }
        }
        assertTrue(store.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "nothing due before the notification");

        long heardAt = store.now();
        assertEquals(TaskStore.Notified.MOVED, store.notified(taskId("cgt-heard")));
        assertEquals(TaskStore.Notified.ALREADY_DUE, store.notified(taskId("cgt-heard")), "due now already: not moved again");
        assertEquals(TaskStore.Notified.FINISHED, store.notified(taskId("cgt-ready")), "in its download: nothing to fetch");
        assertEquals(TaskStore.Notified.FINISHED, store.notified(taskId("cgt-done")));
        assertEquals(TaskStore.Notified.UNKNOWN, store.notified(taskId("cgt-stranger")));
        assertTrue(store.find(taskId("cgt-stranger")).isEmpty(), "an unknown id is not registered by the store");

        Task heard = store.find(taskId("cgt-heard")).orElseThrow();
        assertAbout(heardAt, heard.notifiedAt);
        Lease fetch = claimOne(Task.Phase.FETCH);
        assertEquals("cgt-heard", fetch.taskId().value());
        fetch.task().nextAt = store.now() + 60 * GAP;
        store.release(fetch);
        assertAbout(heardAt, store.find(taskId("cgt-heard")).orElseThrow().notifiedAt);
        assertTrue(store.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "fetched once for the notification: not due again");

        restart();
        assertAbout(heardAt, store.find(taskId("cgt-heard")).orElseThrow().notifiedAt);
        assertEquals(TaskStore.Notified.MOVED, store.notified(taskId("cgt-heard")), "a later notification moves it again");
    }

    @Test
    public void aNotificationDuringAFetchMakesTheNextFetchDueAtOnceOnce() throws Exception {
        store.register(tasks("cgt-mid", "cgt-quiet"));
        List<Lease> fetches = store.claimDue(Task.Phase.FETCH, 2, GAP);
        assertEquals(2, fetches.size());
        Lease mid = fetches.stream().filter(l -> l.taskId().value().equals("cgt-mid")).findFirst().orElseThrow();
        Lease quiet = fetches.stream().filter(l -> l.taskId().value().equals("cgt-quiet")).findFirst().orElseThrow();

        long heardAt = store.now();
        assertEquals(TaskStore.Notified.AFTER_FETCH, store.notified(taskId("cgt-mid")), "being fetched: one more fetch after it");
        assertEquals(TaskStore.Notified.AFTER_FETCH, store.notified(taskId("cgt-mid")), "a second one during the same fetch: still one fetch after it");
        // the holder writes its progress, then its answer (which predates the change) plans the next fetch far off
        mid.task().progress = "40%";
        store.update(mid);
        for (Lease lease : fetches) {
            lease.task().nextAt = store.now() + 60 * GAP;
            store.release(lease);
        }

        Task heard = store.find(taskId("cgt-mid")).orElseThrow();
        assertAbout(heardAt, heard.notifiedAt);
        assertTrue(heard.nextAt <= store.now(), "due at once after the fetch the notification came during");
        Lease again = claimOne(Task.Phase.FETCH);
        assertEquals("cgt-mid", again.taskId().value(), "only the notified task: the other keeps its planned gap");
        again.task().nextAt = store.now() + 60 * GAP;
        store.release(again);
        assertTrue(store.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "once: the fetch after it plans the next as usual");
        assertTrue(quiet.ended());
    }

    @Test
    public void aNotificationWaitsOutThePauseOfItsProvider() {
        store.register(tasks("cgt-paused"));
        Lease lease = claimOne(Task.Phase.FETCH);
        lease.task().nextAt = store.now() + 60 * GAP;
        store.release(lease);
        store.pauseFetches(GATEWAY, store.now() + GAP);

        assertEquals(TaskStore.Notified.MOVED, store.notified(taskId("cgt-paused")));

        assertTrue(store.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "the pause wins over the notification");
    }

    @Test
    public void aPauseHoldsEveryFetchOfItsProviderButNoDownload() {
        store.register(tasks("cgt-fetch", "cgt-dl"));
        Lease dl = store.claimDue(Task.Phase.FETCH, 2, GAP).stream().filter(l -> l.taskId().value().equals("cgt-dl")).findFirst().orElseThrow();
        dl.task().phase = Task.Phase.DOWNLOAD;
        dl.task().videoUrl = "https://storage.example.com/dl.mp4";
        dl.task().nextAt = store.now();
        store.release(dl);
        passTime(GAP);

        store.pauseFetches(GATEWAY, store.now() + 60_000);
        assertTrue(store.fetchesPausedUntil(GATEWAY) >= store.now() + 59_000);
        store.pauseFetches(GATEWAY, store.now() + 1_000);
        assertTrue(store.fetchesPausedUntil(GATEWAY) >= store.now() + 59_000, "a shorter pause does not cut a longer one short");
        assertTrue(store.claimDue(Task.Phase.FETCH, 5, GAP).isEmpty(), "paused, though cgt-fetch is due");
        assertEquals("cgt-dl", claimOne(Task.Phase.DOWNLOAD).taskId().value());
        passTime(60_001);
        assertEquals("cgt-fetch", claimOne(Task.Phase.FETCH).taskId().value());
    }

    @Test
    public void aPauseOfOneProviderHoldsOnlyItsFetchesAndNamesIt() {
        store.register(List.of(task("ark", "cgt-ark-1"), task("ark", "cgt-ark-2"), task("jimeng-gateway", "cgt-gw-1")));
        assertEquals(java.util.Map.of(), store.fetchPauses());
        store.pauseFetches(ARK, store.now() + 60_000);

        assertEquals(java.util.Set.of(ARK), store.fetchPauses().keySet());
        assertTrue(store.fetchPauses().get(ARK) >= store.now() + 59_000);
        assertEquals(0, Math.max(0, store.fetchesPausedUntil(GATEWAY) - store.now()), "the other provider is not paused");
        List<Lease> claimed = store.claimDue(Task.Phase.FETCH, 5, GAP);
        assertEquals(List.of("cgt-gw-1"), claimed.stream().map(l -> l.taskId().value()).toList(), "only the other provider's task");

        passTime(60_001);
        List<String> after = ids(store.claimDue(Task.Phase.FETCH, 5, GAP));
        assertTrue(after.containsAll(List.of("cgt-ark-1", "cgt-ark-2")), "claimed once the pause is over: " + after);
    }

    @Test
    public void aClaimTakesOnlyTheProvidersChosenEarliestDueFirst() {
        store.register(List.of(task("ark", "cgt-choice-ark-1")));
        passTime(10);
        store.register(List.of(task("jimeng-gateway", "cgt-choice-gw")));
        passTime(10);
        store.register(List.of(task("ark", "cgt-choice-ark-2")));
        passTime(10);

        assertEquals(List.of("cgt-choice-gw"), ids(store.claimDue(Task.Phase.FETCH, 5, GAP, ProviderChoice.allBut(java.util.Set.of(ARK)))));
        assertEquals(List.of("cgt-choice-ark-1"), ids(store.claimDue(Task.Phase.FETCH, 1, GAP, ProviderChoice.only(ARK))),
                "up to the count asked, earliest due first");
        assertEquals(List.of("cgt-choice-ark-2"), ids(store.claimDue(Task.Phase.FETCH, 5, GAP, ProviderChoice.ANY)));
    }

    private static List<String> ids(List<Lease> leases) {
        return leases.stream().map(l -> l.taskId().value()).toList();
    }

    @Test
    public void everyStateSurvivesARestart() throws Exception {
        store.register(tasks("cgt-keep", "cgt-dl", "cgt-gone", "cgt-held"));
        List<Lease> leases = store.claimDue(Task.Phase.FETCH, 4, GAP);
        Lease keep = leases.stream().filter(l -> l.taskId().value().equals("cgt-keep")).findFirst().orElseThrow();
        keep.task().lastError = "HTTP 500 from the API";
        keep.task().faultStreak = 2;
        store.release(keep);
        Lease dl = leases.stream().filter(l -> l.taskId().value().equals("cgt-dl")).findFirst().orElseThrow();
        dl.task().phase = Task.Phase.DOWNLOAD;
        dl.task().videoUrl = "https://storage.example.com/dl.mp4";
        store.update(dl);
        store.finish(leases.stream().filter(l -> l.taskId().value().equals("cgt-gone")).findFirst().orElseThrow(), TaskState.SUCCEEDED);
        long registeredAt = store.find(taskId("cgt-keep")).orElseThrow().registeredAt;

        restart();

        assertEquals(3, store.pendingCount());
        Task kept = store.find(taskId("cgt-keep")).orElseThrow();
        assertEquals(registeredAt, kept.registeredAt);
        assertEquals("HTTP 500 from the API", kept.lastError);
        assertEquals(2, kept.faultStreak);
        Task download = store.find(taskId("cgt-dl")).orElseThrow();
        assertEquals(Task.Phase.DOWNLOAD, download.phase);
        assertEquals("https://storage.example.com/dl.mp4", download.videoUrl);
        assertTrue(store.isFinished(taskId("cgt-gone")));
        assertEquals(TaskState.SUCCEEDED, store.page(null, "cgt-gone", 0, 10).tasks().get(0).state(), "the outcome too");
        assertEquals(new TaskStore.Registration(0, 0, 1), store.register(tasks("cgt-gone")));
        passTime(LEASE_TIME + GAP);
        assertEquals("cgt-dl", claimOne(Task.Phase.DOWNLOAD).taskId().value(), "a download cut off by the stop is due again");
        assertTrue(store.claimDue(Task.Phase.FETCH, 5, GAP).stream().anyMatch(l -> l.taskId().value().equals("cgt-held")),
                "a task held at the stop is free again");
    }

    @Test
    public void everyTaskTheStoreKnowsCanBePagedByStateAndIdInIdOrder() {
        store.register(tasks("cgt-p-1", "cgt-p-2", "cgt-dl", "cgt-ok", "cgt-bad", "cgt-late"));
        for (Lease lease : store.claimDue(Task.Phase.FETCH, 6, GAP)) {
            switch (lease.taskId().value()) {
                case "cgt-dl" -> {
                    lease.task().phase = Task.Phase.DOWNLOAD;
                    lease.task().videoUrl = "https://storage.example.com/dl.mp4";
                    store.release(lease);
                }
                case "cgt-ok" -> store.finish(lease, TaskState.SUCCEEDED);
                case "cgt-bad" -> store.finish(lease, TaskState.FAILED);
                case "cgt-late" -> {
                    lease.task().timedOutAt = store.now();
                    store.release(lease);
                }
                default -> store.release(lease);
            }
        }
        TaskStore.TaskPage all = store.page(null, null, 0, 100);
        assertEquals(6, all.total());
        assertEquals(List.of("cgt-bad", "cgt-dl", "cgt-late", "cgt-ok", "cgt-p-1", "cgt-p-2"),
                all.tasks().stream().map(listed -> listed.id().value()).toList());
        assertEquals(List.of("cgt-p-1", "cgt-p-2"), ids(store.page(TaskState.PENDING, null, 0, 100)));
        assertEquals(List.of("cgt-dl"), ids(store.page(TaskState.DOWNLOADING, "", 0, 100)));
        assertEquals(List.of("cgt-ok"), ids(store.page(TaskState.SUCCEEDED, null, 0, 100)));
        assertEquals(List.of("cgt-bad", "cgt-late"), ids(store.page(TaskState.FAILED, null, 0, 100)), "a timed-out task looked at late has failed");
        assertEquals(List.of("cgt-p-2"), ids(store.page(null, "p-2", 0, 100)));
        TaskStore.TaskPage second = store.page(null, "cgt-", 2, 2);
        assertEquals(6, second.total());
        assertEquals(List.of("cgt-late", "cgt-ok"), ids(second));
        assertTrue(store.page(null, null, 10, 5).tasks().isEmpty());
        assertEquals("cgt-dl", store.page(TaskState.DOWNLOADING, null, 0, 1).tasks().get(0).pending().id.value(), "a pending task comes with its copy");
    }

    @Test
    public void anUploadMarkedUnderItsLeaseIsPagedAsUploadingUntilTheLeaseLapsesAndATakeoverDownloadsAgain() {
        store.register(tasks("cgt-up"));
        Lease fetch = claimOne(Task.Phase.FETCH);
        fetch.task().phase = Task.Phase.DOWNLOAD;
        fetch.task().nextAt = store.now();
        store.release(fetch);
        Lease upload = claimOne(Task.Phase.DOWNLOAD);
        upload.task().uploadEpoch = upload.epoch();
        store.update(upload);
        assertEquals(List.of("cgt-up"), ids(store.page(TaskState.UPLOADING, null, 0, 100)));
        assertEquals(0, store.page(TaskState.DOWNLOADING, null, 0, 0).total(), "counted once, as uploading");
        assertEquals(TaskState.UPLOADING, store.page(null, null, 0, 100).tasks().get(0).state());

        passTime(LEASE_TIME + GAP);
        assertEquals(List.of("cgt-up"), ids(store.page(TaskState.DOWNLOADING, null, 0, 100)), "its holder gone, nobody uploads it");
        Lease takeover = claimOne(Task.Phase.DOWNLOAD);
        assertEquals(1, store.page(TaskState.DOWNLOADING, null, 0, 0).total(), "the next holder downloads again");
        assertEquals(0, store.page(TaskState.UPLOADING, null, 0, 0).total());
        assertThrows(LeaseLostException.class, () -> store.update(upload), "the old holder marks nothing");
        takeover.task().uploadEpoch = takeover.epoch();
        store.update(takeover);
        assertEquals(List.of("cgt-up"), ids(store.page(TaskState.UPLOADING, null, 0, 100)));
        store.finish(takeover, TaskState.SUCCEEDED);
        assertEquals(List.of("cgt-up"), ids(store.page(TaskState.SUCCEEDED, null, 0, 100)));
    }

    private static List<String> ids(TaskStore.TaskPage page) {
        return page.tasks().stream().map(listed -> listed.id().value()).toList();
    }

    /** Equal within a second: a store on a real clock has moved on a little between the two readings. */
    protected static void assertAbout(long expected, long actual) {
        assertTrue(Math.abs(expected - actual) < 1_000, "expected about " + expected + " but was " + actual);
    }
}
