package io.github.jimengfetcher.life;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.api.FetchAnswerReader;
import io.github.jimengfetcher.api.FetchPace;
import io.github.jimengfetcher.api.ProviderPaces;
import io.github.jimengfetcher.download.DownloadResult;
import io.github.jimengfetcher.life.FaultDecision.Fate;
import io.github.jimengfetcher.life.FaultDecision.Tally;
import io.github.jimengfetcher.store.journal.JournalTaskStore;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskPolicy;

import static io.github.jimengfetcher.support.Ids.tasks;
import static io.github.jimengfetcher.support.Ids.taskId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each fault means for a leased task, decided by AfterFault (and AfterDownload for the storage
 * host's answers) on a real journal store and clock the test moves; FaultActions applies the
 * decisions where a sequence of faults matters. The app tests (ApiFaultsTest, PollTest,
 * GatewayPaceTest, DownloadTest, LocalFaultsTest) prove the routes act on them.
 */
class AfterFaultTest {

    private static final String FORBIDDEN_BODY = "{\"error\":{\"message\":\"account banned\",\"type\":\"new_api_error\"}}";
    private static final String NOT_FOUND_BODY = "{\"code\":\"task_not_exist\",\"message\":\"task_not_exist\"}";

    @TempDir
    Path root;

    private final AtomicLong clock = new AtomicLong(System.currentTimeMillis() - 3_600_000);
    private final AtomicLong paceClock = new AtomicLong(1_000_000);
    private JournalTaskStore store;
    private TaskPolicy policy;
    private TaskLife tasks;
    private ApiHealth health;
    private FetchPace pace;
    private AfterFault afterFault;
    private FaultActions actions;

    @BeforeEach
    void start() throws Exception {
        policy = new TaskPolicy();
        policy.setPollInterval(Duration.ofMillis(300));
        policy.setTaskTimeout(Duration.ofHours(1));
        policy.setRetryInitialDelay(Duration.ofMillis(200));
        policy.setRetryMaxDelay(Duration.ofSeconds(1));
        policy.setMaxUrlRefreshes(2);
        policy.setMaxDownloadAttempts(3);
        policy.setTimeoutRechecks(List.of());
        store = new JournalTaskStore();
        store.setFolder(root.toString());
        store.setLeaseTime(Duration.ofSeconds(30));
        store.setClock(clock::get);
        store.start();
        tasks = new TaskLife();
        tasks.setStore(store);
        tasks.setPolicy(policy);
        health = new ApiHealth();
        health.setStore(store);
        OutputHealth outputHealth = new OutputHealth();
        outputHealth.setStore(store);
        LocalFaults localFaults = new LocalFaults();
        ProviderPaces paces = new ProviderPaces(4, paceClock::get);
        pace = paces.of(ProviderName.JIMENG_GATEWAY);
        afterFault = new AfterFault();
        afterFault.setStore(store);
        afterFault.setTasks(tasks);
        afterFault.setPolicy(policy);
        afterFault.setHealth(health);
        afterFault.setLocalFaults(localFaults);
        afterFault.setPaces(paces);
        afterFault.setPauses(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(60));
        actions = new FaultActions(tasks, store, policy, health, outputHealth, localFaults);
    }

    @AfterEach
    void stop() throws Exception {
        store.stop();
    }

    @Test
    void a401IsARefusedKeyThatPausesEveryFetchAndFailsNoTask() {
        Lease lease = claim("cgt-401");
        FaultDecision decision = decideAndApply(lease, http(401, "{}", Map.of()));
        assertEquals(Fate.KEY_REFUSED, decision.fate());
        assertEquals(30_000, decision.pause());
        assertEquals("API refused the key (HTTP 401)", decision.detail());
        assertTrue(health.isKeyRefused());
        assertTrue(store.fetchesPausedUntil(ProviderName.JIMENG_GATEWAY) > clock.get());
        assertFalse(store.isFinished(taskId("cgt-401")));
    }

    @Test
    void a403OfOneTaskWhileTheApiAnswersOthersFailsItTheThirdTime() {
        // The store's clock is an hour behind: the API answered after each of this task's refusals.
        store.register(tasks("cgt-403", "cgt-other-1", "cgt-other-2"));
        assertEquals(Fate.RETRY_LATER, decideAndApply(claim("cgt-403"), forbidden()).fate());
        FaultDecision second = decideAndApply(claim("cgt-403"), forbidden());
        assertEquals(Fate.RETRY_LATER, second.fate());
        assertEquals(Tally.REFUSED_ANSWER, second.tally());
        assertTrue(second.detail().contains("HTTP 403") && second.detail().contains("account banned"), second.detail());
        FaultDecision third = decideAndApply(claim("cgt-403"), forbidden());
        assertTrue(third.failsTask());
        assertEquals(FailureClass.FORBIDDEN, third.failure().failureClass());
        assertEquals(FORBIDDEN_BODY, third.failure().lastAnswer());
        assertFalse(health.isKeyRefused());
    }

    @Test
    void a403ForEveryTaskIsARefusedKeyAndFailsNone() {
        // The store's clock is an hour ahead: nothing was answered since these refusals.
        clock.set(System.currentTimeMillis() + 3_600_000);
        store.register(tasks("cgt-a", "cgt-b", "cgt-c"));
        assertEquals(Fate.RETRY_LATER, decideAndApply(claim("cgt-a"), forbidden()).fate());
        assertEquals(Fate.RETRY_LATER, decideAndApply(claim("cgt-b"), forbidden()).fate());
        FaultDecision third = decideAndApply(claim("cgt-c"), forbidden());
        assertEquals(Fate.KEY_REFUSED, third.fate());
        assertEquals("API refused the key (HTTP 403)", third.detail());
        assertTrue(health.isKeyRefused());
        assertEquals(3, store.pendingCount());
    }

    @Test
    void a403ForTheOnlyPendingTaskIsARefusedKeyAtOnce() {
        clock.set(System.currentTimeMillis() + 3_600_000);
        assertEquals(Fate.KEY_REFUSED, decideAndApply(claim("cgt-alone"), forbidden()).fate());
    }

    @Test
    void taskNotExistIsFetchedAgainOnceThenFailsAsNotFound() {
        FaultDecision first = decideAndApply(claim("cgt-missing"), http(404, NOT_FOUND_BODY, Map.of()));
        assertEquals(Fate.FETCH_AGAIN, first.fate());
        assertEquals(Tally.NOT_FOUND_ANSWER, first.tally());
        FaultDecision second = decideAndApply(claim("cgt-missing"), http(400, NOT_FOUND_BODY, Map.of()));
        assertEquals(FailureClass.NOT_FOUND, second.failure().failureClass());
        assertEquals(NOT_FOUND_BODY, second.failure().lastAnswer());
    }

    @Test
    void a404WithoutTaskNotExistIsAPassingFault() {
        FaultDecision decision = afterFault.decide(claim("cgt-404"), http(404, "", Map.of()));
        assertEquals(Fate.RETRY_LATER, decision.fate());
        assertEquals("HTTP 404 from the API", decision.detail());
    }

    @Test
    void a429WithRetryAfterPausesEveryFetchForItWithinTheLimits() {
        clock.set(System.currentTimeMillis());
        FaultDecision decision = decideAndApply(claim("cgt-429"), http(429, "", Map.of("Retry-After", "5")));
        assertEquals(Fate.PAUSE_FETCHES, decision.fate());
        assertEquals(5_000, decision.pause());
        assertEquals(clock.get() + 5_000, store.fetchesPausedUntil(ProviderName.JIMENG_GATEWAY));
        assertTrue(health.rateLimitPauses().containsKey(ProviderName.JIMENG_GATEWAY));
        Lease again = claim("cgt-429");
        assertEquals(60_000, afterFault.decide(again, http(429, "", Map.of("Retry-After", "86400"))).pause(), "capped");
        assertEquals(1_000, afterFault.decide(again, http(429, "", Map.of("Retry-After", "soon"))).pause(), "the default pause");
    }

    @Test
    void a429WithoutRetryAfterFetchesAgainAtItsTurnUntilThePaceIsAtItsSlowest() {
        FaultDecision decision = decideAndApply(claim("cgt-paced"), http(429, "", Map.of()));
        assertEquals(Fate.FETCH_AGAIN_SOON, decision.fate());
        assertEquals(0, store.fetchesPausedUntil(ProviderName.JIMENG_GATEWAY), "nobody pauses");
        for (int i = 0; i < 1_000 && !pace.atSlowestRate(); i++) {
            pace.answered(429, 10);
            paceClock.addAndGet(2_000);
        }
        assertTrue(pace.atSlowestRate());
        FaultDecision slowest = afterFault.decide(claim("cgt-paced"), http(429, "", Map.of()));
        assertEquals(Fate.PAUSE_FETCHES, slowest.fate());
        assertEquals(1_000, slowest.pause());
    }

    @Test
    void serverErrorsAndTimeoutsAreRetriedWithBackoffUntilTheTaskTimeout() {
        FaultDecision serverError = decideAndApply(claim("cgt-5xx"), http(503, "busy", Map.of()));
        assertEquals(Fate.RETRY_LATER, serverError.fate());
        assertEquals(Tally.NONE, serverError.tally());
        assertEquals("HTTP 503 from the API", serverError.detail());
        assertEquals("HTTP 503 from the API", serverError.episode());
        assertEquals(1, store.find(taskId("cgt-5xx")).orElseThrow().faultStreak);

        FaultDecision timeout = decideAndApply(claim("cgt-5xx"), new SocketTimeoutException("Read timed out"));
        assertEquals(Fate.RETRY_LATER, timeout.fate());
        assertEquals("API timed out", timeout.detail());

        store.release(claim("cgt-other"));
        health.answered(ProviderName.JIMENG_GATEWAY); // another task's answer: the API works, this task's clock runs
        clock.addAndGet(2 * 3_600_000L);
        FaultDecision late = afterFault.decide(claim("cgt-5xx"), http(502, "", Map.of()));
        assertEquals(FailureClass.TIMED_OUT, late.failure().failureClass());
    }

    @Test
    void anUnreadableAnswerIsRetriedAndAnErrorAnswerFailsTheThirdTimeAsApiFailure() {
        FaultDecision unreadable = decideAndApply(claim("cgt-odd"), new FetchAnswerReader.MalformedAnswerException("not JSON"));
        assertEquals(Fate.RETRY_LATER, unreadable.fate());
        assertEquals("unreadable answer (not JSON)", unreadable.detail());

        FetchAnswerReader.ErrorAnswerException error = new FetchAnswerReader.ErrorAnswerException("quota exceeded", "{\"error\":\"quota exceeded\"}");
        assertEquals(Fate.RETRY_LATER, decideAndApply(claim("cgt-odd"), error).fate());
        assertEquals(Fate.RETRY_LATER, decideAndApply(claim("cgt-odd"), error).fate());
        FaultDecision third = decideAndApply(claim("cgt-odd"), error);
        assertEquals(FailureClass.API_FAILURE, third.failure().failureClass());
        assertEquals("{\"error\":\"quota exceeded\"}", third.failure().lastAnswer());
    }

    @Test
    void aFaultOfThisMachineWaitsAndABugFailsTheTaskTheThirdTime() {
        FaultDecision disk = decideAndApply(claim("cgt-local"), new IOException("No space left on device"));
        assertEquals(Fate.WAIT_FOR_MACHINE, disk.fate());
        assertTrue(store.find(taskId("cgt-local")).orElseThrow().lastError.contains("No space left"));

        IllegalStateException bug = new IllegalStateException("broken");
        assertEquals(Fate.RETRY_LATER, decideAndApply(claim("cgt-local"), bug).fate());
        assertEquals(Fate.RETRY_LATER, decideAndApply(claim("cgt-local"), bug).fate());
        FaultDecision third = decideAndApply(claim("cgt-local"), bug);
        assertEquals(FailureClass.INTERNAL_ERROR, third.failure().failureClass());
    }

    @Test
    void decidingChangesNothing() {
        store.register(tasks("cgt-still", "cgt-other"));
        Lease lease = claim("cgt-still");
        for (Throwable fault : List.of(forbidden(), http(401, "", Map.of()), http(429, "", Map.of("Retry-After", "5")),
                http(400, NOT_FOUND_BODY, Map.of()), new IllegalStateException("bug"))) {
            afterFault.decide(lease, fault);
        }
        Task task = lease.task();
        assertEquals(0, task.refusedAnswers);
        assertEquals(0, task.notFoundAnswers);
        assertEquals(0, task.fetches);
        assertNull(task.lastError);
        assertEquals(0, store.fetchesPausedUntil(ProviderName.JIMENG_GATEWAY));
        assertFalse(health.isKeyRefused());
        assertEquals(Fate.RETRY_LATER, afterFault.decide(lease, new IllegalStateException("bug")).fate(), "no bug counted");
    }

    @Test
    void aRefusedOrMissingVideoUrlIsRefreshedUntilTheRefreshesAreUsedUp() {
        AfterDownload afterDownload = new AfterDownload(policy);
        for (String status : List.of("403", "404")) {
            String id = "cgt-url-" + status;
            DownloadResult refused = new DownloadResult(DownloadResult.Outcome.URL_REFUSED, taskId(id), null, 0, null,
                    "storage host answered HTTP " + status + " (signed URL expired?)");
            Lease lease = claim(id);
            assertEquals(DownloadDecision.REFRESH_URL, afterDownload.decide(lease, refused));
            assertEquals(0, lease.task().urlRefreshes, "deciding changes nothing");
            lease.task().urlRefreshes = 2;
            assertEquals(DownloadDecision.FAIL, afterDownload.decide(lease, refused));
            assertEquals(FailureClass.VIDEO_UNAVAILABLE, afterDownload.failure(refused).failureClass());
            store.release(lease);
        }
    }

    private FaultDecision decideAndApply(Lease lease, Throwable fault) {
        health.faultOf(lease.task().provider, lease.taskId(), fault);
        FaultDecision decision = afterFault.decide(lease, fault);
        actions.apply(lease, decision, fault);
        if (decision.failsTask()) {
            tasks.finishFailed(lease, decision.failure().failureClass());
        }
        return decision;
    }

    private Lease claim(String id) {
        if (store.find(taskId(id)).isEmpty()) {
            store.register(tasks(id));
        }
        clock.addAndGet(10_000); // past any backoff
        List<Lease> leases = store.claimDue(Task.Phase.FETCH, 10, 300).stream().filter(l -> {
            if (l.taskId().value().equals(id)) {
                return true;
            }
            store.release(l);
            return false;
        }).toList();
        assertEquals(1, leases.size(), id + " is due");
        return leases.get(0);
    }

    private static HttpOperationFailedException forbidden() {
        return http(403, FORBIDDEN_BODY, Map.of());
    }

    private static HttpOperationFailedException http(int status, String body, Map<String, String> headers) {
        return new HttpOperationFailedException("http://127.0.0.1/jimeng/fetch/x", status, "", null, headers, body);
    }
}
