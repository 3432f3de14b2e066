package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every task store must do, whatever it keeps its tasks in: registration of new and known
 * ids, handing out due work within the slots, every state change, the rules of the task policy,
 * and what survives a restart. A store implementation runs this suite by extending it.
 */
abstract class TaskStoreContract {

    @TempDir
    Path root;

    protected TaskStore store;
    protected OutputFolders outputs;

    /** A started store over this folder; called again by {@link #restart()} on the same folder. */
    protected abstract TaskStore startStore(Path folder, OutputFolders outputs, TaskPolicy policy, int fetchSlots, int downloadSlots)
            throws Exception;

    protected abstract void stopStore(TaskStore store) throws Exception;

    protected TaskPolicy policy() {
        TaskPolicy policy = new TaskPolicy();
        policy.setPollInterval("300ms");
        policy.setTaskTimeout("1h");
        policy.setRetryInitialDelay("200ms");
        policy.setRetryMaxDelay("1s");
        policy.setMaxUrlRefreshes(2);
        policy.setMaxDownloadAttempts(3);
        policy.setTimeoutRechecks("1h,6h");
        return policy;
    }

    @BeforeEach
    void start() throws Exception {
        outputs = new OutputFolders();
        outputs.setRoot(root.resolve("output").toString());
        outputs.start();
        store = startStore(root.resolve("work"), outputs, policy(), 2, 1);
    }

    @AfterEach
    void stop() throws Exception {
        stopStore(store);
    }

    protected void restart() throws Exception {
        stopStore(store);
        store = startStore(root.resolve("work"), outputs, policy(), 2, 1);
    }

    private static FetchAnswer success(String url) {
        return new FetchAnswer("SUCCESS", StatusFamily.SUCCEEDED, "100%", "", "", url, null, "{\"status\":\"SUCCESS\"}");
    }

    private List<String> claimAllDueFetches() throws Exception {
        List<String> all = new ArrayList<>();
        List<String> batch;
        while (!(batch = store.claimDueFetches()).isEmpty()) {
            all.addAll(batch);
        }
        return all;
    }

    @Test
    void newIdsAreRegisteredAndKnownOnesCounted() throws Exception {
        assertEquals(new TaskStore.Registration(2, 0, 0), store.register(List.of("cgt-a", "cgt-b")));
        Files.writeString(outputs.resultFile("cgt-done"), "{}");
        assertEquals(new TaskStore.Registration(1, 1, 1), store.register(List.of("cgt-a", "cgt-done", "cgt-c")));
        assertEquals(3, store.pendingCount());
    }

    @Test
    void dueTasksAreHandedOutOnceAndNeverBeyondTheirSlots() throws Exception {
        store.register(List.of("cgt-1", "cgt-2", "cgt-3", "cgt-4", "cgt-5"));
        // twice the fetch slots may be in flight (two handed to the fetch threads, two queued)
        List<String> first = store.claimDueFetches();
        assertEquals(4, first.size(), first.toString());
        assertTrue(store.claimDueFetches().isEmpty(), "no slot is free: nothing more, after waiting one tick at most");
        store.scheduleNextFetch(first.get(0));
        assertEquals(List.of("cgt-5"), store.claimDueFetches());
    }

    @Test
    void anAnswerThatIsNotFinalMakesTheTaskDueOnePollIntervalLater() throws Exception {
        store.register(List.of("cgt-wait"));
        assertEquals(List.of("cgt-wait"), store.claimDueFetches());
        store.recordAnswer("cgt-wait", new FetchAnswer("IN_PROGRESS", StatusFamily.WAITING, "10%", "", "", null, null, "{}"));
        long before = System.currentTimeMillis();
        store.scheduleNextFetch("cgt-wait");
        assertTrue(store.find("cgt-wait").orElseThrow().nextAt >= before + 250);
        assertEquals(1, store.find("cgt-wait").orElseThrow().fetches);
        assertTrue(claimAllDueFetches().isEmpty(), "not due yet");
    }

    @Test
    void faultsBackOffAndAPauseHoldsEveryFetch() throws Exception {
        store.register(List.of("cgt-fault", "cgt-other"));
        List<String> claimed = store.claimDueFetches();
        assertEquals(2, claimed.size());
        store.retryLater("cgt-fault", "HTTP 503 from the API");
        Task task = store.find("cgt-fault").orElseThrow();
        assertEquals(1, task.faultStreak);
        assertEquals("HTTP 503 from the API", task.lastError);
        assertTrue(task.nextAt > System.currentTimeMillis() + 50, "backs off");

        store.pauseFetches(60_000, "cgt-other", "rate limited");
        assertTrue(store.fetchesPausedUntil() > System.currentTimeMillis() + 50_000);
        assertTrue(claimAllDueFetches().isEmpty(), "paused: nothing is handed out though cgt-other is due");
        assertTrue(store.find("cgt-other").orElseThrow().nextAt <= System.currentTimeMillis(), "the task itself stays due");
    }

    @Test
    void taskNotExistIsBelievedTheSecondTime() throws Exception {
        store.register(List.of("cgt-missing"));
        store.claimDueFetches();
        assertFalse(store.notFoundConfirmed("cgt-missing"));
        assertTrue(store.notFoundConfirmed("cgt-missing"));
    }

    @Test
    void aSuccessMovesTheTaskToItsDownloadWithinTheDownloadSlots() throws Exception {
        store.register(List.of("cgt-v1", "cgt-v2"));
        store.claimDueFetches();
        assertTrue(store.startDownload("cgt-v1", success("https://storage.example.com/v1.mp4")), "a download slot was free");
        assertFalse(store.startDownload("cgt-v2", success("https://storage.example.com/v2.mp4")), "the only slot is taken");
        assertEquals(Task.Phase.DOWNLOAD, store.find("cgt-v2").orElseThrow().phase);
        assertTrue(store.claimDueDownloads().isEmpty());
        store.finish("cgt-v1");
        assertEquals(List.of("cgt-v2"), store.claimDueDownloads());
    }

    @Test
    void urlRefreshesAndDownloadAttemptsAreBoundedByThePolicy() throws Exception {
        store.register(List.of("cgt-url"));
        store.claimDueFetches();
        store.startDownload("cgt-url", success("https://storage.example.com/a.mp4"));
        assertTrue(store.refreshVideoUrl("cgt-url", "HTTP 403"));
        assertEquals(Task.Phase.FETCH, store.find("cgt-url").orElseThrow().phase);
        claimAllDueFetches();
        store.startDownload("cgt-url", success("https://storage.example.com/b.mp4"));
        assertTrue(store.refreshVideoUrl("cgt-url", "HTTP 403"));
        claimAllDueFetches();
        store.startDownload("cgt-url", success("https://storage.example.com/c.mp4"));
        assertFalse(store.refreshVideoUrl("cgt-url", "HTTP 403"), "two refreshes, then no more");

        assertTrue(store.retryDownloadLater("cgt-url", "cut short"));
        assertTrue(store.retryDownloadLater("cgt-url", "cut short"));
        assertFalse(store.retryDownloadLater("cgt-url", "cut short"), "three attempts in all");
    }

    @Test
    void aFinishedTaskLeavesAndATimedOutOneStaysForLateFetches() throws Exception {
        store.register(List.of("cgt-fin", "cgt-late"));
        store.claimDueFetches();
        store.finish("cgt-fin");
        assertFalse(store.find("cgt-fin").isPresent());
        store.finishFailed("cgt-late", FailureClass.TIMED_OUT);
        assertTrue(store.isRechecking("cgt-late"));
        assertTrue(store.find("cgt-late").orElseThrow().nextAt > System.currentTimeMillis() + 3_500_000L, "next look an hour later");
        store.recheckLater("cgt-late");
        assertTrue(store.isRechecking("cgt-late"), "a second late fetch is due later");
        store.recheckLater("cgt-late");
        assertFalse(store.find("cgt-late").isPresent(), "let go after the last");
    }

    @Test
    void otherFailuresLeaveTheStore() throws Exception {
        store.register(List.of("cgt-api"));
        store.claimDueFetches();
        store.finishFailed("cgt-api", FailureClass.API_FAILURE);
        assertFalse(store.find("cgt-api").isPresent());
    }

    @Test
    void everyStateSurvivesARestart() throws Exception {
        store.register(List.of("cgt-keep", "cgt-dl", "cgt-gone", "cgt-late"));
        store.claimDueFetches();
        store.retryLater("cgt-keep", "HTTP 500 from the API");
        store.startDownload("cgt-dl", success("https://storage.example.com/dl.mp4"));
        store.finish("cgt-gone");
        store.finishFailed("cgt-late", FailureClass.TIMED_OUT);
        Task keep = store.find("cgt-keep").orElseThrow();

        restart();

        assertEquals(3, store.pendingCount());
        assertEquals(keep.registeredAt, store.find("cgt-keep").orElseThrow().registeredAt);
        assertEquals("HTTP 500 from the API", store.find("cgt-keep").orElseThrow().lastError);
        Task download = store.find("cgt-dl").orElseThrow();
        assertEquals(Task.Phase.DOWNLOAD, download.phase);
        assertEquals("https://storage.example.com/dl.mp4", download.videoUrl);
        assertFalse(store.find("cgt-gone").isPresent());
        assertTrue(store.isRechecking("cgt-late"));
        assertEquals(List.of("cgt-dl"), store.claimDueDownloads(), "a download cut off by the stop is due again");
    }

    @Test
    void theTimeoutCountsOnlyWhileAnswersCanBeHad() throws Exception {
        store.register(List.of("cgt-clock"));
        long waitedBefore = store.waitedMillis("cgt-clock");
        store.outageBegan("api");
        long during = store.waitedMillis("cgt-clock");
        assertTrue(during - waitedBefore < 1_000);
        store.outageBegan("output");
        store.outageEnded("api");
        long stillStopped = store.waitedMillis("cgt-clock");
        assertEquals(during, stillStopped, "stopped while any outage lasts");
        store.outageEnded("output");
        assertFalse(store.isPastDeadline("cgt-clock"));
    }
}
