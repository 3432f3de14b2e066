package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.ArkShape;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.fake.Step;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider with a list query (Ark's shipped file) asks its due tasks in groups, against the fake
 * gateway in Ark's shape: far fewer requests than tasks, each task ending as its own fetches would
 * have it; a task the group's answer leaves out, or every task of a group whose request fails, is
 * asked alone before anything is concluded; no request names more ids than the list's limit.
 */
class ListQueryTest extends AppTestSupport {

    private static final String TASK_PATH = "/api/v3/contents/generations/tasks/";

    @Test
    void manyTasksFinishWithFarFewerRequestsThanTasksEachAsWithItsOwnFetches() throws Exception {
        byte[] video = Videos.mp4(20_000, 41);
        String url = api.video("grouped.mp4", video);
        List<String> ids = ids("cgt-grouped-", 40);
        ids.forEach(id -> api.ark().task(id, Step.queued(), Step.running(50), Step.succeeded(url)));
        api.ark().task("cgt-grouped-failed", Step.running(10), Step.failed("OutputVideoSensitiveContentDetected", "sensitive output"));
        startWithArk(null);

        app.drop("ids.txt", String.join("\n", ids) + "\ncgt-grouped-failed\n");

        for (String id : ids) {
            JsonNode result = awaitResult(id);
            assertArrayEquals(video, Files.readAllBytes(app.video(id)));
            assertEquals("succeeded", result.path("answer").path("status").asText(), result.toString());
            assertEquals(id, result.path("answer").path("id").asText(), "each task keeps its own item of the answer");
            assertEquals(url, result.path("answer").path("content").path("video_url").asText());
        }
        JsonNode failed = awaitFailure("cgt-grouped-failed");
        assertEquals("api_failure", failed.path("reason_class").asText(), failed.toString());
        assertTrue(failed.path("reason").asText().contains("sensitive output"), failed.toString());

        List<Request> lists = api.requestsTo(ArkShape.LIST);
        long singles = api.ark().requests(ArkShape.TASK);
        assertTrue(lists.size() * 4 <= ids.size(), lists.size() + " list queries for " + ids.size() + " tasks of 3 fetches each");
        assertEquals(0, singles, "no task was asked alone");
        assertTrue(lists.stream().allMatch(r -> ("Bearer " + FakeGateway.KEY).equals(r.authorization())), "the list query carries the key");
        for (Request list : lists) {
            assertEquals(List.of(String.valueOf(named(list).size())), list.parameter("page_size"), list.url());
        }
        awaitEveryClaimGivenBack();
    }

    @Test
    void aTaskMissingFromTheGroupsAnswerIsAskedAloneAndFinishes() throws Exception {
        byte[] video = Videos.mp4(20_000, 42);
        String url = api.video("alone.mp4", video);
        String id = "cgt-left-out";
        // its first answer is no plain 200, so the list leaves it out; asked alone, it has succeeded
        api.ark().answers(id, Answer.status(503), api.ark().answerAt(id, Step.succeeded(url)));
        api.ark().task("cgt-listed", Step.queued(), Step.succeeded(url));
        String unknown = "cgt-20250101000000-nobody";
        startWithArk(null);

        app.drop("ids.txt", id + "\ncgt-listed\n" + unknown + "\n");

        awaitResult(id);
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        assertTrue(api.requestsTo(ArkShape.LIST).stream().anyMatch(r -> named(r).contains(id)), "asked in a group first");
        assertEquals(1, api.requestsTo(TASK_PATH + id).size(), "then alone, once");
        awaitResult("cgt-listed");
        JsonNode failure = awaitFailure(unknown);
        assertEquals("not_found", failure.path("reason_class").asText(), "ended by the single fetch's rule: " + failure);
        assertTrue(api.requestsTo(ArkShape.LIST).stream().anyMatch(r -> named(r).contains(unknown)));
        assertFalse(api.requestsTo(TASK_PATH + unknown).isEmpty(), "not found only once asked alone");
    }

    @Test
    void aFailingGroupRequestFallsBackToSingleFetchesAndNothingIsLost() throws Exception {
        byte[] video = Videos.mp4(20_000, 43);
        String url = api.video("fallback.mp4", video);
        List<String> ids = ids("cgt-fallback-", 12);
        ids.forEach(id -> api.ark().task(id, Step.running(20), Step.succeeded(url)));
        api.ark().listAnswers(Answer.status(500).header("Content-Type", "application/json")
                .body("{\"error\":{\"code\":\"InternalServiceError\",\"message\":\"try again\"}}"));
        startWithArk(null);

        app.drop("ids.txt", String.join("\n", ids) + "\n");

        for (String id : ids) {
            awaitResult(id);
            assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        }
        Request failed = api.requestsTo(ArkShape.LIST).get(0);
        assertTrue(failed.answer().contains("InternalServiceError"), failed.toString());
        assertTrue(ids.stream().anyMatch(id -> !api.requestsTo(TASK_PATH + id).isEmpty()), "the failed group's tasks were asked alone");
        assertTrue(store().pendingTasks().isEmpty(), "every task finished");
        awaitEveryClaimGivenBack();
    }

    @Test
    void noListQueryNamesMoreTasksThanTheListsLimit() throws Exception {
        List<String> ids = succeedingOnTheSecondFetch("cgt-limit-", 11, 44);
        startWithArk(arkFile().replace("limit: 500", "limit: 3"));

        app.drop("ids.txt", String.join("\n", ids) + "\n");

        ids.forEach(id -> await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id))));
        List<Request> lists = api.requestsTo(ArkShape.LIST);
        assertTrue(lists.size() >= 4, "11 tasks in groups of at most 3: " + lists.size() + " list queries");
        assertTrue(lists.stream().allMatch(r -> named(r).size() <= 3), lists.stream().map(r -> named(r).size()).toList().toString());
        assertEquals(0, api.ark().requests(ArkShape.TASK));
    }

    @Test
    void aProviderWithoutListQueryAsksEachTaskAlone() throws Exception {
        List<String> ids = succeedingOnTheSecondFetch("cgt-single-", 5, 45);
        String file = arkFile();
        startWithArk(file.substring(0, file.indexOf("\nlist:") + 1));

        app.drop("ids.txt", String.join("\n", ids) + "\n");

        for (String id : ids) {
            awaitResult(id);
            assertTrue(api.requestsTo(TASK_PATH + id).size() >= 2);
        }
        assertTrue(api.requestsTo(ArkShape.LIST).isEmpty());
    }

    /** Every task's lease and every group's fetch slot come back once the tasks' exchanges have ended. */
    private void awaitEveryClaimGivenBack() {
        DueWork dueWork = app.context().getRegistry().lookupByNameAndType("dueWork", DueWork.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> dueWork.fetchSlots().inUse() == 0 && dueWork.heldCount() == 0);
    }

    /** The app on Ark's provider, from the shipped file or from this one. */
    private void startWithArk(String ownFile) throws Exception {
        Path folder = Files.createDirectories(root.resolve("providers"));
        if (ownFile != null) {
            Files.writeString(folder.resolve("ark.yaml"), ownFile);
        }
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.provider", "ark");
        settings.put("jimeng.providers.ark.base-url", api.baseUrl());
        settings.put("jimeng.providers.ark.api-key", FakeGateway.KEY);
        settings.put("jimeng.provider-files", folder.toString());
        settings.put("jimeng.api.base-url", "http://127.0.0.1:" + Http.freePort());
        settings.put("jimeng.api.key", "sk-not-this-provider-0000");
        startApp(settings);
    }

    private static String arkFile() throws Exception {
        return Files.readString(Path.of("src/main/resources/providers/ark.yaml"));
    }

    /** Ark tasks queued at their first fetch and done at their second, sharing one video; their ids. */
    private List<String> succeedingOnTheSecondFetch(String prefix, int count, int seed) {
        String url = api.video(prefix + "video.mp4", Videos.mp4(20_000, seed));
        List<String> ids = ids(prefix, count);
        ids.forEach(id -> api.ark().task(id, Step.queued(), Step.succeeded(url)));
        return ids;
    }

    private static List<String> ids(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    /** The task ids a list query named. */
    private static List<String> named(Request list) {
        return list.parameter("filter.task_ids");
    }
}
