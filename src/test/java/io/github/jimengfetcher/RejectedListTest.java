package io.github.jimengfetcher;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.Http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /rejected on the real app: the records of output/rejected/, newest first, a page at a time. */
class RejectedListTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private int port;

    private void startWithHttp(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>(extra);
        port = Http.enable(settings);
        startApp(settings);
    }

    private JsonNode rejected(String query) throws Exception {
        HttpResponse<String> answer = Http.get(port, "/rejected" + query);
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return JSON.readTree(answer.body());
    }

    @Test
    void aBadFileAndABadPostAreListedNewestFirstWithWhereFromWhyAndHowMany() throws Exception {
        startWithHttp(Map.of());
        app.drop("monday.txt", "cgt-rej-good-1\nnot an id!\ncgt-rej-good-2\n");
        await().atMost(WAIT).until(() -> rejected("").path("total").asInt() == 1);
        HttpResponse<String> posted = Http.post(port, "/tasks", "text/plain", "bad id one\nbad id two\nbad id three\nbad id four\n");
        assertEquals(200, posted.statusCode(), posted.body());
        await().atMost(WAIT).until(() -> rejected("").path("total").asInt() == 2);
        // The POST is recorded later than the file: it comes first, whatever the clock's grain.
        Path postRecord;
        try (var files = Files.list(app.output("rejected"))) {
            postRecord = files.filter(f -> f.getFileName().toString().startsWith("http-post-tasks.")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(postRecord, FileTime.from(Instant.now().plusSeconds(5)));

        JsonNode page = rejected("");
        assertEquals(2, page.path("total").asInt(), page.toString());
        assertEquals(0, page.path("offset").asInt());
        assertEquals(50, page.path("limit").asInt(), "jimeng.http.rejected-shown, 50 by default");
        JsonNode post = page.path("rejected").get(0);
        assertEquals("post", post.path("from").asText(), post.toString());
        assertEquals("POST /tasks", post.path("source").asText());
        assertEquals(4, post.path("rejected_count").asInt());
        assertEquals(0, post.path("accepted_ids").asInt());
        assertEquals(3, post.path("first_rejections").size(), "the first three reasons: " + post);
        assertEquals("bad id one", post.path("first_rejections").get(0).path("text").asText());

        JsonNode file = page.path("rejected").get(1);
        assertEquals("file", file.path("from").asText(), file.toString());
        assertEquals("monday.txt", file.path("source").asText());
        assertTrue(file.path("record").asText().matches("monday\\.txt\\.\\d{8}-\\d{9}\\.json"), file.toString());
        assertEquals(1, file.path("rejected_count").asInt());
        assertEquals(2, file.path("accepted_ids").asInt());
        JsonNode first = file.path("first_rejections").get(0);
        assertEquals(2, first.path("line").asInt());
        assertEquals("not an id!", first.path("text").asText());
        assertTrue(first.path("reason").asText().contains("space"), first.toString());
        assertTrue(Instant.parse(file.path("rejected_at").asText()).isAfter(Instant.now().minusSeconds(60)));

        // Read from the folder: after a restart they are all still there.
        app.close();
        app = null;
        startWithHttp(Map.of());
        assertEquals(page.path("rejected"), rejected("").path("rejected"));
    }

    /**
     * 130 records of every source (written as the app writes them, with times a minute apart) and
     * one that cannot be read: pages of them newest first, the default page set by jimeng.http.rejected-shown.
     */
    @Test
    void pagesThroughManyRecordsNewestFirstAndListsAnUnreadableOne() throws Exception {
        Path folder = Files.createDirectories(root.resolve("output/rejected"));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<String> newestFirst = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            String source = i % 3 == 0 ? "kafka" : i % 3 == 1 ? "http-post-tasks" : "batch-" + i + ".txt";
            String name = (source.equals("kafka") ? "kafka-ids-0-" + i : source) + ".2026010" + (i % 9 + 1) + "-000000" + String.format("%03d", i) + ".json";
            String record = "{\"source\":\"" + source + "\"" + (source.equals("kafka") ? ",\"topic\":\"ids\",\"partition\":0,\"offset\":" + i : "")
                    + ",\"rejected_at\":\"" + start.plusSeconds(60L * i) + "\",\"accepted_ids\":1,\"rejected_count\":" + (i + 1)
                    + ",\"rejected\":[{\"line\":1,\"text\":\"bad " + i + "\",\"reason\":\"not an id\"}]}";
            Path file = Files.writeString(folder.resolve(name), record);
            Files.setLastModifiedTime(file, FileTime.from(start.plusSeconds(60L * i)));
            newestFirst.add(0, name);
        }
        Path broken = Files.writeString(folder.resolve("broken.json"), "{\"source\": \"cut");
        Files.setLastModifiedTime(broken, FileTime.from(start.minusSeconds(60)));
        Files.writeString(folder.resolve(".batch.txt.20260101-000000000@a.json.tmp"), "{}"); // being written: not listed
        startWithHttp(Map.of("jimeng.http.rejected-shown", "20"));

        JsonNode first = rejected("");
        assertEquals(131, first.path("total").asInt());
        assertEquals(20, first.path("limit").asInt(), "jimeng.http.rejected-shown");
        assertEquals(20, first.path("rejected").size());
        assertEquals(newestFirst.subList(0, 20), records(first));
        JsonNode kafka = first.path("rejected").get(0); // the 130th record
        assertEquals("kafka", kafka.path("from").asText(), kafka.toString());
        assertEquals("Kafka ids partition 0 offset 129", kafka.path("source").asText());
        assertEquals(130, kafka.path("rejected_count").asInt());
        assertEquals("batch-128.txt", first.path("rejected").get(1).path("source").asText());
        assertEquals("POST /tasks", first.path("rejected").get(2).path("source").asText());

        JsonNode second = rejected("?offset=100&limit=50");
        assertEquals(31, second.path("rejected").size(), "130 records and the broken one, from the 101st on");
        assertEquals(newestFirst.subList(100, 130), records(second).subList(0, 30));
        JsonNode last = second.path("rejected").get(30);
        assertEquals("broken.json", last.path("record").asText(), "the oldest");
        assertTrue(last.path("first_rejections").get(0).path("reason").asText().startsWith("the record cannot be read"), last.toString());
        assertEquals("broken.json", last.path("source").asText());

        assertEquals(0, rejected("?offset=131").path("rejected").size());
        assertEquals(newestFirst.subList(5, 6), records(rejected("?offset=5&limit=1")));
    }

    @Test
    void badQueriesAreRefusedWithTheReasonAsForTasks() throws Exception {
        startWithHttp(Map.of());
        Map<String, String> refused = Map.of(
                "?limit=0", "limit must be a whole number from 1 to 1000",
                "?limit=1001", "limit must be a whole number from 1 to 1000",
                "?limit=ten", "limit must be",
                "?offset=-1", "offset must be a whole number from 0",
                "?offset=99999999999", "offset must be");
        for (Map.Entry<String, String> query : refused.entrySet()) {
            HttpResponse<String> answer = Http.get(port, "/rejected" + query.getKey());
            assertEquals(400, answer.statusCode(), query.getKey());
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertTrue(JSON.readTree(answer.body()).path("error").asText().startsWith(query.getValue()), query.getKey() + ": " + answer.body());
        }
        JsonNode none = rejected("?limit=1000");
        assertEquals(1000, none.path("limit").asInt());
        assertEquals(0, none.path("total").asInt(), "nothing rejected yet");
    }

    @Test
    void boundBeyondLoopbackTheListNeedsTheTokenAsTasksDoes() throws Exception {
        String token = "tok-" + "9b2c4e6f8a0d1c3e5f7a";
        startWithHttp(Map.of("jimeng.http.host", "0.0.0.0", "jimeng.http.token", token));
        HttpResponse<String> without = Http.get(port, "/rejected");
        assertEquals(401, without.statusCode(), without.body());
        assertEquals(401, Http.get(port, "/rejected", "Authorization", "Bearer " + token + "x").statusCode());
        assertEquals(401, Http.get(port, "/problems").statusCode(), "the banner's reasons too");
        HttpResponse<String> with = Http.get(port, "/rejected", "Authorization", "Bearer " + token);
        assertEquals(200, with.statusCode(), with.body());
        assertEquals(0, JSON.readTree(with.body()).path("total").asInt());
        assertEquals(200, Http.get(port, "/problems", "Authorization", "Bearer " + token).statusCode());
    }

    private static List<String> records(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("rejected").forEach(r -> names.add(r.path("record").asText()));
        return names;
    }
}
