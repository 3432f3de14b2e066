package io.github.jimengfetcher.life;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.api.FetchAnswer;
import io.github.jimengfetcher.api.StatusFamily;
import io.github.jimengfetcher.api.TaskLabels;
import io.github.jimengfetcher.download.DownloadResult;
import io.github.jimengfetcher.store.journal.JournalTaskStore;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.LeaseLostException;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskPolicy;

import static io.github.jimengfetcher.support.Ids.tasks;
import static io.github.jimengfetcher.support.Ids.taskId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of a task's life, applied to leased tasks of a real (journal) store on a clock the test moves. */
class TaskLifeTest {

    private static final long INTERVAL = 300;

    @TempDir
    Path root;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private JournalTaskStore store;
    private TaskLife tasks;
    private TaskPolicy policy;
    private FaultActions faults;

    @BeforeEach
    void start() throws Exception {
        policy = new TaskPolicy();
        policy.setPollInterval(Duration.ofMillis(INTERVAL));
        policy.setTaskTimeout(Duration.ofHours(1));
        policy.setRetryInitialDelay(Duration.ofMillis(200));
        policy.setRetryMaxDelay(Duration.ofSeconds(1));
        policy.setMaxUrlRefreshes(2);
        policy.setMaxDownloadAttempts(3);
        policy.setTimeoutRechecks(List.of(Duration.ofHours(1), Duration.ofHours(6)));
        store = new JournalTaskStore();
        store.setFolder(root.toString());
        store.setLeaseTime(Duration.ofSeconds(30));
        store.setClock(clock::get);
        store.start();
        tasks = new TaskLife();
        tasks.setStore(store);
        tasks.setPolicy(policy);
        faults = new FaultActions(tasks, store, policy, new ApiHealth(), new OutputHealth(), new LocalFaults());
    }

    @AfterEach
    void stop() throws Exception {
        store.stop();
    }

    private Lease claim(String id, Task.Phase phase) {
        if (store.find(taskId(id)).isEmpty()) {
            store.register(tasks(id));
        }
        clock.addAndGet(10_000); // past any backoff
        List<Lease> leases = store.claimDue(phase, 1, INTERVAL);
        assertEquals(1, leases.size(), id + " is due");
        return leases.get(0);
    }

    private static FetchAnswer answer(String status, String progress) {
        return new FetchAnswer(status, StatusFamily.WAITING, progress, "", "", null, null, "{}");
    }

    private static FetchAnswer success(String url) {
        return new FetchAnswer("SUCCESS", StatusFamily.SUCCEEDED, "100%", "", "", url, null, "{\"status\":\"SUCCESS\"}");
    }

    @Test
    void anAnswerIsRecordedAndTheNextFetchIsOneIntervalAfterIt() {
        Lease lease = claim("cgt-wait", Task.Phase.FETCH);
        assertTrue(tasks.recordAnswer(lease, answer("IN_PROGRESS", "10%")));
        assertFalse(tasks.recordAnswer(lease, answer("IN_PROGRESS", "10%")), "nothing changed");
        long answeredAt = clock.get();
        tasks.scheduleNextFetch(lease);
        Task task = store.find(taskId("cgt-wait")).orElseThrow();
        assertEquals(answeredAt + INTERVAL, task.nextAt);
        assertEquals(2, task.fetches);
        assertEquals("IN_PROGRESS", task.status);
        assertTrue(lease.ended(), "given back");
    }

    @Test
    void faultsBackOffExponentiallyAndAnAnswerResetsTheStreak() {
        Lease lease = claim("cgt-fault", Task.Phase.FETCH);
        faults.retryLater(lease, "HTTP 503 from the API");
        Task task = store.find(taskId("cgt-fault")).orElseThrow();
        assertEquals(1, task.faultStreak);
        assertEquals("HTTP 503 from the API", task.lastError);
        assertTrue(task.nextAt >= clock.get() + 100 && task.nextAt <= clock.get() + 200, "half to all of the first delay");
        lease = claim("cgt-fault", Task.Phase.FETCH);
        faults.retryLater(lease, "HTTP 503 from the API");
        assertTrue(store.find(taskId("cgt-fault")).orElseThrow().nextAt >= clock.get() + 200, "doubled");
        lease = claim("cgt-fault", Task.Phase.FETCH);
        tasks.recordAnswer(lease, answer("QUEUED", ""));
        tasks.scheduleNextFetch(lease);
        assertEquals(0, store.find(taskId("cgt-fault")).orElseThrow().faultStreak);
        assertNull(store.find(taskId("cgt-fault")).orElseThrow().lastError);
    }

    @Test
    void aRetryAfterTheTaskWasGivenBackChangesNothing() {
        Lease lease = claim("cgt-done", Task.Phase.FETCH);
        tasks.finish(lease);
        faults.retryLater(lease, "a fault in a step after the finish");
        assertTrue(store.isFinished(taskId("cgt-done")));
    }

    @Test
    void aPauseIsTheStoresAndTheTaskStaysDue() {
        Lease lease = claim("cgt-limited", Task.Phase.FETCH);
        faults.pauseFetches(lease, 60_000, "rate limited by the API (HTTP 429)");
        assertEquals(clock.get() + 60_000, store.fetchesPausedUntil(ProviderName.JIMENG_GATEWAY));
        Task task = store.find(taskId("cgt-limited")).orElseThrow();
        assertTrue(task.nextAt <= clock.get(), "due the moment the pause ends");
        assertEquals("rate limited by the API (HTTP 429)", task.lastError);
    }

    @Test
    void taskNotExistIsBelievedTheSecondTime() {
        Lease lease = claim("cgt-missing", Task.Phase.FETCH);
        assertFalse(faults.notFoundConfirmed(lease));
        assertTrue(faults.notFoundConfirmed(lease));
    }

    @Test
    void refusalsAreCountedUntilAReadableAnswer() {
        Lease lease = claim("cgt-403", Task.Phase.FETCH);
        assertEquals(1, faults.refusedAnswer(lease, "forbidden"));
        assertEquals(2, faults.refusedAnswer(lease, "forbidden"));
        tasks.recordAnswer(lease, answer("IN_PROGRESS", ""));
        assertEquals(1, faults.refusedAnswer(lease, "forbidden"));
    }

    @Test
    void aSuccessMovesTheTaskToItsDownloadAndUrlRefreshesAndAttemptsAreBounded() {
        AfterDownload after = new AfterDownload(policy);
        DownloadResult refused = new DownloadResult(DownloadResult.Outcome.URL_REFUSED, taskId("cgt-url"), null, 0, null, "HTTP 403");
        DownloadResult cut = new DownloadResult(DownloadResult.Outcome.RETRY, taskId("cgt-url"), null, 0, null, "cut short");
        Lease lease = claim("cgt-url", Task.Phase.FETCH);
        tasks.startDownload(lease, success("https://storage.example.com/a.mp4"));
        assertTrue(store.claimDue(Task.Phase.FETCH, 1, INTERVAL).isEmpty());
        lease = claim("cgt-url", Task.Phase.DOWNLOAD);
        assertEquals("https://storage.example.com/a.mp4", lease.videoUrl());
        assertEquals(DownloadDecision.REFRESH_URL, after.decide(lease, refused));
        tasks.refreshVideoUrl(lease, "HTTP 403");
        assertEquals(Task.Phase.FETCH, store.find(taskId("cgt-url")).orElseThrow().phase);
        for (String url : List.of("b", "c")) {
            tasks.startDownload(claim("cgt-url", Task.Phase.FETCH), success("https://storage.example.com/" + url + ".mp4"));
            lease = claim("cgt-url", Task.Phase.DOWNLOAD);
            if (url.equals("b")) {
                assertEquals(DownloadDecision.REFRESH_URL, after.decide(lease, refused));
                tasks.refreshVideoUrl(lease, "HTTP 403");
            }
        }
        assertEquals(DownloadDecision.FAIL, after.decide(lease, refused), "two refreshes, then no more");

        assertEquals(DownloadDecision.RETRY_LATER, after.decide(lease, cut));
        tasks.retryDownloadLater(lease, "cut short");
        lease = claim("cgt-url", Task.Phase.DOWNLOAD);
        assertEquals(DownloadDecision.RETRY_LATER, after.decide(lease, cut));
        tasks.retryDownloadLater(lease, "cut short");
        lease = claim("cgt-url", Task.Phase.DOWNLOAD);
        assertEquals(DownloadDecision.FAIL, after.decide(lease, cut), "three attempts in all");
        tasks.hold(lease);
    }

    @Test
    void aTimedOutTaskStaysForLateFetchesAndOtherFailuresFinish() {
        Lease other = claim("cgt-api", Task.Phase.FETCH);
        tasks.finishFailed(other, FailureClass.API_FAILURE);
        assertTrue(store.isFinished(taskId("cgt-api")));

        Lease lease = claim("cgt-late", Task.Phase.FETCH);
        tasks.finishFailed(lease, FailureClass.TIMED_OUT);
        Task task = store.find(taskId("cgt-late")).orElseThrow();
        assertEquals(clock.get() + 3_600_000L, task.nextAt, "next look an hour later");
        clock.addAndGet(3_600_000L);
        lease = claim("cgt-late", Task.Phase.FETCH);
        assertTrue(tasks.isRechecking(lease));
        assertFalse(tasks.isPastDeadline(lease), "a task rechecked late has no deadline left to pass");
        tasks.recheckLater(lease);
        assertFalse(store.isFinished(taskId("cgt-late")), "a second late fetch is due later");
        clock.addAndGet(6 * 3_600_000L);
        tasks.recheckLater(claim("cgt-late", Task.Phase.FETCH));
        assertTrue(store.isFinished(taskId("cgt-late")), "let go after the last");
    }

    @Test
    void theDeadlineCountsOnlyWhileAnswersCanBeHad() {
        Lease lease = claim("cgt-clock", Task.Phase.FETCH);
        store.outageBegan("api");
        clock.addAndGet(2 * 3_600_000L);
        assertFalse(tasks.isPastDeadline(lease), "an outage does not count");
        store.outageEnded("api");
        clock.addAndGet(3_600_000L);
        assertThrows(LeaseLostException.class, () -> tasks.hold(lease), "unrenewed for an hour: lost");
        assertTrue(tasks.isPastDeadline(lease));
    }

    // ---- the learned schedule ----

    /** A policy on a 10 s interval that learns from the given durations (seconds), all of kind jimeng-videos. */
    private TaskPolicy learnedPolicy(io.github.jimengfetcher.schedule.LearnedDurations durations) {
        policy = new TaskPolicy();
        policy.setPollInterval(Duration.ofSeconds(10));
        policy.setTaskTimeout(Duration.ofHours(1));
        policy.setRetryInitialDelay(Duration.ofMillis(200));
        policy.setRetryMaxDelay(Duration.ofSeconds(1));
        policy.setMaxUrlRefreshes(2);
        policy.setMaxDownloadAttempts(3);
        policy.setTimeoutRechecks(List.of());
        policy.setAdaptive(true);
        policy.setDurations(durations);
        tasks.setPolicy(policy);
        return policy;
    }

    private static FetchAnswer timed(String status, StatusFamily family, Long submitted, Long finished) {
        return new FetchAnswer(status, family, "", "", "", family == StatusFamily.SUCCEEDED ? "https://v.example/x.mp4" : null, null,
                "{}", "jimeng-videos", submitted, finished, TaskLabels.NONE);
    }

    @Test
    void aTaskFinishedWithItsVideoTeachesItsDurationByTheGatewaysClock() {
        var durations = new io.github.jimengfetcher.schedule.LearnedDurations(io.github.jimengfetcher.schedule.DurationKeeper.IN_MEMORY);
        learnedPolicy(durations);
        Lease lease = claim("cgt-learn", Task.Phase.FETCH);
        long submitted = clock.get() - 5_000;
        tasks.recordAnswer(lease, timed("SUCCESS", StatusFamily.SUCCEEDED, submitted, submitted + 58_000));
        tasks.startDownload(lease, timed("SUCCESS", StatusFamily.SUCCEEDED, submitted, submitted + 58_000));
        Lease download = claim("cgt-learn", Task.Phase.DOWNLOAD);
        tasks.finish(download);

        var learned = durations.all().get("jimeng-videos");
        assertEquals(1, learned.count(), 1e-9);
        assertEquals(58, learned.quantile(0.5), 58 * 0.1, "58 s, within its bucket");
        assertEquals(1, durations.all().get(io.github.jimengfetcher.schedule.LearnedDurations.ANY).count(), 1e-9);
    }

    @Test
    void withoutTheGatewaysTimesTheTaskWasReadyHalfwayBetweenTheLastTwoFetches() {
        var durations = new io.github.jimengfetcher.schedule.LearnedDurations(io.github.jimengfetcher.schedule.DurationKeeper.IN_MEMORY);
        learnedPolicy(durations);
        Lease lease = claim("cgt-halfway", Task.Phase.FETCH);
        long registered = store.find(taskId("cgt-halfway")).orElseThrow().registeredAt;
        tasks.recordAnswer(lease, timed("IN_PROGRESS", StatusFamily.WAITING, null, null));
        long first = clock.get();
        tasks.scheduleNextFetch(lease);
        clock.addAndGet(40_000);
        Lease again = store.claimDue(Task.Phase.FETCH, 1, 0).get(0);
        tasks.recordAnswer(again, timed("SUCCESS", StatusFamily.SUCCEEDED, null, null));
        long second = clock.get();
        tasks.startDownload(again, timed("SUCCESS", StatusFamily.SUCCEEDED, null, null));
        tasks.finish(claim("cgt-halfway", Task.Phase.DOWNLOAD));

        double expected = ((first + second) / 2 - registered) / 1000.0;
        assertEquals(expected, durations.all().get("jimeng-videos").quantile(0.5), expected * 0.1);
    }

    @Test
    void aLearnedScheduleSetsTheGapAndAClaimMovesTheDueTimeByTheShortestGap() {
        var durations = new io.github.jimengfetcher.schedule.LearnedDurations(io.github.jimengfetcher.schedule.DurationKeeper.IN_MEMORY);
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 200; i++) {
            durations.learn("jimeng-videos", Math.round(60_000 * Math.exp(0.3 * random.nextGaussian())));
        }
        TaskPolicy policy = learnedPolicy(durations);
        assertEquals(2_000, policy.claimGap(), "the derived minimum, interval / 5");

        Lease lease = claim("cgt-young", Task.Phase.FETCH);
        tasks.recordAnswer(lease, timed("IN_PROGRESS", StatusFamily.WAITING, clock.get(), null));
        tasks.scheduleNextFetch(lease);
        Task young = store.find(taskId("cgt-young")).orElseThrow();
        assertTrue(young.plannedGap > 10_000, "a task just submitted is left alone longer than the interval: " + young.plannedGap);
        assertEquals(young.lastFetchAt + young.plannedGap, young.nextAt);

        Lease near = claim("cgt-near-median", Task.Phase.FETCH);
        tasks.recordAnswer(near, timed("IN_PROGRESS", StatusFamily.WAITING, clock.get() - 60_000, null));
        tasks.scheduleNextFetch(near);
        Task nearMedian = store.find(taskId("cgt-near-median")).orElseThrow();
        assertTrue(nearMedian.plannedGap < 10_000 && nearMedian.plannedGap >= 2_000, "close where tasks finish: " + nearMedian.plannedGap);

        Long estimate = policy.estimatedReadyAt(young, young.lastFetchAt);
        assertTrue(estimate != null && Math.abs(estimate - (young.submittedAt + 60_000)) < 5_000, "the median from its submission: " + estimate);
    }
}
