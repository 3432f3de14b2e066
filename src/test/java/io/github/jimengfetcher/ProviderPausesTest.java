package io.github.jimengfetcher;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.fake.Step;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two task APIs on one app, the default jimeng-gateway and new-api (its own base URL and key on the
 * same fake): a refused key or a rate limit of one provider pauses its own fetches only, the other's
 * tasks are fetched on time and finish, and health, the status page's banner and /tasks name the
 * provider held up.
 */
class ProviderPausesTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String WRONG_KEY = "sk-wrong-new-api-key-5678";
    private final CapturedLog log = CapturedLog.capture();
    private int port;

    @AfterEach
    void stopLog() {
        log.close();
    }

    /** The default provider at this base URL; new-api on the fake with this key. */
    private RunningApp startWithNewApi(String gatewayUrl, String newApiKey, Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>();
        port = Http.enable(settings);
        settings.put("jimeng.api.base-url", gatewayUrl);
        settings.put("jimeng.providers.new-api.base-url", api.baseUrl());
        settings.put("jimeng.providers.new-api.api-key", newApiKey);
        settings.put("jimeng.provider-files", root.resolve("providers").toString());
        settings.putAll(extra);
        return startApp(settings);
    }

    /** A jimeng-gateway task that answers IN_PROGRESS this many times, then SUCCESS with a video. */
    private byte[] gatewayTaskFinishingAfter(String id, int inProgress) {
        byte[] video = Videos.mp4(20_000, id.hashCode());
        String[] answers = new String[inProgress + 1];
        java.util.Arrays.fill(answers, FakeGateway.status(id, "IN_PROGRESS", "30%"));
        answers[inProgress] = FakeGateway.success(id, api.video(id + ".mp4", video));
        api.statuses(id, answers);
        return video;
    }

    @Test
    void aRefusedKeyOfOneProviderHoldsOnlyItsTasksAndHealthNamesItAndItsKeySetting() throws Exception {
        List<String> refused = List.of("task_refused_1", "task_refused_2");
        refused.forEach(id -> api.newApi().task(id, Step.running(10)));
        List<String> others = List.of("cgt-other-key-1", "cgt-other-key-2");
        others.forEach(id -> gatewayTaskFinishingAfter(id, 6));
        // A pause longer than the test: were it every provider's, the other tasks would not finish.
        startWithNewApi(api.baseUrl(), WRONG_KEY, Map.of("jimeng.fetch.key-refused-pause", "60s"));

        app.drop("ids.txt", "new-api:task_refused_1\nnew-api:task_refused_2\ncgt-other-key-1\ncgt-other-key-2\n");

        await().atMost(WAIT).until(() -> others.stream().allMatch(id -> Files.exists(app.result(id))));
        for (String id : others) {
            List<Request> fetches = api.fetchesOf(id);
            assertTrue(fetches.size() >= 7, id + " fetched until its video was there: " + fetches.size());
            for (int i = 1; i < fetches.size(); i++) {
                long gap = fetches.get(i).at() - fetches.get(i - 1).at();
                assertTrue(gap < 2_000, id + " fetched on time: " + gap + " ms between two fetches");
            }
        }
        // The first refusal pauses the provider: a task claimed after it is held, not asked.
        assertTrue(refused.stream().anyMatch(id -> !api.requestsTo("/v1/video/generations/" + id).isEmpty()), "the refused provider was asked");
        assertEquals(0, app.filesIn("failed"), "a refused key writes no task off");
        assertEquals(2, store().pendingCount(), "the refused provider's tasks stay pending");

        String health = Http.get(port, "/observe/health").body();
        assertTrue(health.contains("provider new-api: the API refuses the key"), health);
        assertTrue(health.contains("jimeng.providers.new-api.api-key (environment variable JIMENG_PROVIDERS_NEW_API_API_KEY)"), health);
        assertFalse(health.contains("provider jimeng-gateway"), "the other provider is well: " + health);
        String banner = Http.get(port, "/problems").body();
        assertTrue(banner.contains("provider new-api: the API refuses the key"), banner);
        JsonNode board = JSON.readTree(Http.get(port, "/tasks").body());
        assertEquals("[\"new-api\"]", board.path("key_refused_providers").toString(), board.toString());
        assertEquals("new-api", board.path("fetching_paused").path(0).path("provider").asText(), board.toString());
        assertEquals(1, board.path("fetching_paused").size(), board.toString());

        List<String> said = log.containing("refused the key");
        assertEquals(1, said.size(), log.all());
        assertTrue(said.get(0).contains("of provider new-api") && said.get(0).contains("jimeng.providers.new-api.api-key")
                && said.get(0).contains("JIMENG_PROVIDERS_NEW_API_API_KEY"), said.get(0));
        assertFalse(log.all().contains(WRONG_KEY), "the key is never logged");
        assertFalse(log.all().contains(FakeGateway.KEY), "the key is never logged");
    }

    @Test
    void aRateLimitOfOneProviderPausesOnlyItsFetchesAndSlowsOnlyItsPace() throws Exception {
        String limited = "cgt-limited-provider";
        byte[] limitedVideo = Videos.mp4(20_000, 429);
        api.answers(limited, Answer.status(429), Answer.status(429).header("Retry-After", "4"),
                Answer.json(FakeGateway.success(limited, api.video("limited.mp4", limitedVideo))));
        String other = "task_other_provider";
        String otherUrl = api.video("other.mp4", Videos.mp4(20_000, 430));
        Step[] steps = new Step[40];
        java.util.Arrays.fill(steps, Step.running(40));
        steps[39] = Step.succeeded(otherUrl);
        api.newApi().task(other, steps);
        // "Retry-After" as HTTP/1.1 gateways spell it.
        startWithNewApi(api.plainApiUrl(), FakeGateway.KEY, Map.of("jimeng.fetch.rate-limit-max-pause", "10s"));

        app.drop("ids.txt", limited + "\nnew-api:" + other + "\n");

        await().atMost(WAIT).until(() -> api.fetchesOf(limited).size() >= 2);
        long pausedAt = api.fetchesOf(limited).get(1).at();
        String reason = await().atMost(WAIT).until(() -> Http.get(port, "/observe/health").body(),
                body -> body.contains("fetching paused by the API's rate limit"));
        assertTrue(reason.contains("provider jimeng-gateway: fetching paused by the API's rate limit until"), reason);
        assertFalse(reason.contains("provider new-api"), reason);
        JsonNode board = JSON.readTree(Http.get(port, "/tasks").body());
        assertTrue(board.path("fetching_paused_reason").asText().contains("provider jimeng-gateway: rate limited by the API (HTTP 429)"),
                board.toString());

        await().atMost(WAIT).until(() -> Files.exists(app.result(limited)));
        List<Request> limitedFetches = api.fetchesOf(limited);
        assertTrue(limitedFetches.get(2).at() - pausedAt >= 3_500, "the limited provider waited for Retry-After");
        long duringPause = api.requestsTo("/v1/video/generations/" + other).stream()
                .filter(r -> r.at() > pausedAt + 500 && r.at() < pausedAt + 3_500).count();
        assertTrue(duringPause >= 5, "the other provider's task was fetched on time during the pause: " + duringPause + " fetches");

        MeterRegistry meters = app.context().getRegistry().findSingleByType(MeterRegistry.class);
        assertTrue(meters.get("jimeng.fetch.pace.rate").tag("provider", "jimeng-gateway").gauge().value() > 0,
                "the 429 without Retry-After bounded the limited provider's rate");
        assertEquals(0, meters.get("jimeng.fetch.pace.rate").tag("provider", "new-api").gauge().value(),
                "the other provider's rate is not bounded");
    }
}
