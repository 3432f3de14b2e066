package io.github.jimengfetcher;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.task.ProviderName;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ids that name their provider ({@code ark:cgt-...}, or a JSON provider field), through the real
 * app: the inbox, POST /tasks and GET /tasks; an unknown provider and an id already taken for
 * another provider rejected with the reason; the records name the provider.
 */
class ProviderIdsTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ProviderName ARK = new ProviderName("ark");
    private int port;

    @Override
    protected RunningApp startApp(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>();
        port = Http.enable(settings);
        settings.putAll(extra);
        return super.startApp(settings);
    }

    private void pendingForever(String... ids) {
        for (String id : ids) {
            api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "1%")));
        }
    }

    private List<JsonNode> rejectionRecords(String prefix) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        Path folder = app.output("rejected");
        if (!Files.isDirectory(folder)) {
            return records;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                records.add(JSON.readTree(file.toFile()));
            }
        }
        return records;
    }

    private Optional<ProviderName> providerOf(String id) {
        return store().providerOf(taskId(id));
    }

    /** The /tasks items whose id contains the text, by id: each item's provider. */
    private Map<String, String> listedProviders(String idPart) throws Exception {
        HttpResponse<String> list = Http.get(port, "/tasks?q=" + idPart);
        assertEquals(200, list.statusCode(), list.body());
        Map<String, String> providers = new HashMap<>();
        for (JsonNode task : JSON.readTree(list.body()).path("tasks")) {
            providers.put(task.path("id").asText(), task.path("provider").asText(null));
        }
        return providers;
    }

    @Test
    void anInboxFileOfMixedLinesRegistersEachIdForItsProviderAndRejectsAnUnknownProviderWithTheReason() throws Exception {
        pendingForever("cgt-mixed-ark", "cgt-mixed-plain");
        startApp(Map.of());

        app.drop("mixed.txt", "ark:cgt-mixed-ark\ncgt-mixed-plain\nnosuch:cgt-mixed-nosuch\nArk:cgt-mixed-upper\n");

        await().atMost(WAIT).until(() -> rejectionRecords("mixed.txt.").size() == 1);
        assertEquals(Optional.of(ARK), providerOf("cgt-mixed-ark"));
        assertEquals(Optional.of(ProviderName.JIMENG_GATEWAY), providerOf("cgt-mixed-plain"), "an id without a prefix is the default provider's");
        assertEquals(Optional.empty(), providerOf("cgt-mixed-nosuch"), "nothing registered for an unknown provider");
        assertEquals(Optional.empty(), providerOf("cgt-mixed-upper"));

        JsonNode record = rejectionRecords("mixed.txt.").get(0);
        assertEquals(2, record.path("accepted_ids").asInt(), record.toString());
        assertEquals(2, record.path("rejected_count").asInt(), record.toString());
        JsonNode unknown = record.path("rejected").get(0);
        assertEquals(3, unknown.path("line").asInt(), record.toString());
        assertEquals("nosuch:cgt-mixed-nosuch", unknown.path("text").asText());
        assertTrue(unknown.path("reason").asText().contains("unknown provider 'nosuch'"), record.toString());
        assertTrue(record.path("rejected").get(1).path("reason").asText().contains("lower-case"), record.toString());

        assertEquals(Map.of("cgt-mixed-ark", "ark", "cgt-mixed-plain", "jimeng-gateway"), listedProviders("cgt-mixed"));
    }

    @Test
    void postedIdsNameTheirProviderByAPrefixOrAJsonFieldBesideTheId() throws Exception {
        pendingForever("cgt-post-ark", "cgt-post-json", "cgt-post-list-1", "cgt-post-list-2");
        startApp(Map.of());

        HttpResponse<String> lines = Http.post(port, "/tasks", "text/plain", "ark:cgt-post-ark\nnosuch:cgt-post-nosuch\n");
        assertEquals(200, lines.statusCode(), lines.body());
        JsonNode answer = JSON.readTree(lines.body());
        assertEquals(JSON.readTree("[\"cgt-post-ark\"]"), answer.path("registered"), answer.toString());
        assertEquals("nosuch:cgt-post-nosuch", answer.path("rejected").get(0).path("text").asText(), answer.toString());
        assertTrue(answer.path("rejected").get(0).path("reason").asText().contains("unknown provider 'nosuch'"), answer.toString());

        HttpResponse<String> submitted = Http.post(port, "/tasks", "application/json",
                "{\"code\": \"success\", \"data\": {\"task_id\": \"cgt-post-json\", \"provider\": \"new-api\"}}\n"
                        + "{\"provider\": \"openai-videos\", \"task_ids\": [\"cgt-post-list-1\", \"cgt-post-list-2\"]}\n"
                        + "{\"task_id\": \"cgt-post-json-nosuch\", \"provider\": \"nosuch\"}\n");
        assertEquals(200, submitted.statusCode(), submitted.body());
        JsonNode json = JSON.readTree(submitted.body());
        assertEquals(JSON.readTree("[\"cgt-post-json\", \"cgt-post-list-1\", \"cgt-post-list-2\"]"), json.path("registered"), json.toString());
        assertEquals(1, json.path("rejected_count").asInt(), json.toString());
        assertTrue(json.path("rejected").get(0).path("reason").asText().contains("unknown provider 'nosuch'"), json.toString());

        assertEquals(Optional.of(ARK), providerOf("cgt-post-ark"));
        assertEquals(Optional.of(new ProviderName("new-api")), providerOf("cgt-post-json"));
        assertEquals(Optional.of(new ProviderName("openai-videos")), providerOf("cgt-post-list-2"));
        assertEquals(Optional.empty(), providerOf("cgt-post-nosuch"));
        assertEquals(Optional.empty(), providerOf("cgt-post-json-nosuch"));
        assertEquals("new-api", listedProviders("cgt-post-json").get("cgt-post-json"));
    }

    @Test
    void theSameIdForASecondProviderIsRejectedWithTheReasonWhetherPendingOrFinished() throws Exception {
        String done = "cgt-second-done";
        pendingForever("cgt-second-pending");
        api.answer(done, Answer.json(FakeGateway.success(done, api.video("second.mp4", Videos.mp4(20_000, 3)))));
        startApp(Map.of());
        app.drop("first.txt", "ark:cgt-second-pending\n" + done + "\n");
        JsonNode result = awaitResult(done);
        assertEquals("jimeng-gateway", result.path("provider").asText(), "the result record names the provider");

        HttpResponse<String> posted = Http.post(port, "/tasks", "text/plain", "new-api:cgt-second-pending\n");
        assertEquals(200, posted.statusCode(), posted.body());
        JsonNode answer = JSON.readTree(posted.body());
        assertEquals(0, answer.path("registered").size(), answer.toString());
        assertEquals(0, answer.path("known").size(), "refused, not known: " + answer);
        assertEquals("task cgt-second-pending is registered for provider ark, not new-api",
                answer.path("rejected").get(0).path("reason").asText(), answer.toString());
        assertEquals(Optional.of(ARK), providerOf("cgt-second-pending"), "nothing changed for it");

        try (CapturedLog log = CapturedLog.capture()) {
            app.drop("again.txt", "ark:" + done + "\n" + done + "\n");
            await().atMost(WAIT).until(() -> rejectionRecords("again.txt.").size() == 1);
            JsonNode record = rejectionRecords("again.txt.").get(0);
            assertEquals(1, record.path("rejected_count").asInt(), record.toString());
            assertEquals("ark:" + done, record.path("rejected").get(0).path("text").asText(), record.toString());
            assertEquals("task " + done + " is registered for provider jimeng-gateway, not ark",
                    record.path("rejected").get(0).path("reason").asText(), record.toString());
            await().atMost(WAIT).until(() -> log.count("inbox again.txt: 0 new tasks, 1 already known, 1 rejected") == 1);
        }
        assertEquals(1, api.fetchesOf(done).size(), "the finished task is not fetched again");
        assertEquals(Optional.of(ProviderName.JIMENG_GATEWAY), providerOf(done));
        assertEquals(Map.of(done, "jimeng-gateway"), listedProviders(done));
    }

    @Test
    void aRetryLineNamingAnotherProviderThanTheTasksIsNotRetriedAndSaysWhy() throws Exception {
        String id = "cgt-provider-retry";
        api.answer(id, Answer.json(FakeGateway.failure(id, "content policy")));
        startApp(Map.of());
        app.drop("ids.txt", id + "\n");
        awaitFailure(id);

        app.drop("wrong.retry", "ark:" + id + "\n");
        await().atMost(WAIT).until(() -> rejectionRecords("wrong.retry.").size() == 1);
        JsonNode record = rejectionRecords("wrong.retry.").get(0);
        assertEquals("task " + id + " is registered for provider jimeng-gateway, not ark",
                record.path("rejected").get(0).path("reason").asText(), record.toString());
        assertTrue(Files.exists(app.failure(id)), "not retried: its failure record stays");
        assertEquals(1, api.fetchesOf(id).size());

        app.drop("right.retry", "jimeng-gateway:" + id + "\n");
        await().atMost(WAIT).until(() -> api.fetchesOf(id).size() == 2);
    }

    @Test
    void aFailureRecordNamesTheProvider() throws Exception {
        String id = "cgt-provider-failed";
        api.answer(id, Answer.json(FakeGateway.failure(id, "content policy")));
        startApp(Map.of());
        app.drop("ids.txt", "jimeng-gateway:" + id + "\n");
        assertEquals("jimeng-gateway", awaitFailure(id).path("provider").asText());
        assertFalse(Files.exists(app.result(id)));
    }

    @Test
    void aTaskOfAProviderWithNoBaseUrlOrKeyHereFailsSayingWhichSettingsToSet() throws Exception {
        String id = "cgt-provider-unset";
        startApp(Map.of());
        app.drop("ids.txt", "ark:" + id + "\n");
        JsonNode record = awaitFailure(id);
        assertEquals("provider_not_configured", record.path("reason_class").asText(), record.toString());
        assertEquals("ark", record.path("provider").asText());
        String reason = record.path("reason").asText();
        assertTrue(reason.contains("jimeng.providers.ark.api-key") && reason.contains("JIMENG_PROVIDERS_ARK_API_KEY"), reason);
        assertTrue(api.requests().stream().noneMatch(r -> r.toString().contains(id)), "nothing asked of any host for it");
    }
}
