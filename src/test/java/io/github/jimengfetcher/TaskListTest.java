package io.github.jimengfetcher;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.store.journal.JournalTaskStore;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskState;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /tasks on the real app: a page at a time over every task the store knows, finished ones included. */
class TaskListTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private int port;

    private void startWithHttp() throws Exception {
        Map<String, String> settings = new HashMap<>();
        port = Http.enable(settings);
        startApp(settings);
    }

    private JsonNode tasks(String query) throws Exception {
        HttpResponse<String> answer = Http.get(port, "/tasks" + query);
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }

    static byte[] sampleVideo() throws Exception {
        try (InputStream in = TaskListTest.class.getResourceAsStream("/demo/sample.mp4")) {
            return in.readAllBytes();
        }
    }

    @Test
    void finishedTasksShowTheirVideoSizeAndDurationOrTheirReason() throws Exception {
        String done = "cgt-list-done";
        String failed = "cgt-list-failed";
        byte[] video = sampleVideo();
        api.answer(done, Answer.json(FakeGateway.success(done, api.video("list.mp4", video))));
        api.answer(failed, Answer.json(FakeGateway.failure(failed, "content policy")));
        startWithHttp();

        app.drop("ids.txt", done + "\n" + failed + "\n");
        await().atMost(WAIT).until(() -> Files.exists(app.result(done)) && Files.exists(app.failure(failed)));

        JsonNode board = tasks("");
        assertEquals(2, board.path("total").asInt(), board.toString());
        assertEquals(0, board.path("offset").asInt());
        assertEquals(100, board.path("limit").asInt(), "100 by default");
        JsonNode d = board.path("tasks").get(0);
        assertEquals(done, d.path("id").asText(), "in id order");
        assertEquals("succeeded", d.path("state").asText());
        assertEquals("/videos/" + done + ".mp4", d.path("video_url").asText());
        assertEquals(video.length, d.path("video_bytes").asLong());
        assertEquals(4.0, d.path("video_seconds").asDouble(), 0.001, "the sample's mvhd says 4 s");
        JsonNode f = board.path("tasks").get(1);
        assertEquals(failed, f.path("id").asText());
        assertEquals("failed", f.path("state").asText());
        assertEquals("content policy", f.path("reason").asText());
        assertEquals("api_failure", f.path("reason_class").asText());
        assertEquals(1, board.path("counts").path("succeeded").asInt());
        assertEquals(1, board.path("counts").path("failed").asInt());

        // The video goes away (archived by the user): the list says so at once.
        Files.delete(app.video(done));
        assertTrue(tasks("?state=succeeded").path("tasks").get(0).path("video_url").isNull());
    }

    /** A still saved beside a video ({id}.last-frame.png, else {id}.cover.jpg) is its poster; without one, none. */
    @Test
    void aFinishedVideoHasThePosterSavedBesideItOrNone() throws Exception {
        String framed = "cgt-poster-frame";
        String covered = "cgt-poster-cover";
        String bare = "cgt-poster-none";
        byte[] video = sampleVideo();
        for (String id : List.of(framed, covered, bare)) {
            api.answer(id, Answer.json(FakeGateway.success(id, api.video(id + ".mp4", video))));
        }
        startWithHttp();
        app.drop("ids.txt", framed + "\n" + covered + "\n" + bare + "\n");
        await().atMost(WAIT).until(() -> Files.exists(app.result(framed)) && Files.exists(app.result(covered)) && Files.exists(app.result(bare)));
        byte[] frame = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        byte[] cover = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 4, 5};
        Files.write(app.video(framed).resolveSibling(framed + ".last-frame.png"), frame);
        Files.write(app.video(framed).resolveSibling(framed + ".cover.jpg"), cover);
        Files.write(app.video(covered).resolveSibling(covered + ".cover.jpg"), cover);

        Map<String, JsonNode> listed = new HashMap<>();
        tasks("?q=cgt-poster").path("tasks").forEach(t -> listed.put(t.path("id").asText(), t));
        assertEquals("/videos/" + framed + ".poster", listed.get(framed).path("poster_url").asText());
        assertEquals("/videos/" + covered + ".poster", listed.get(covered).path("poster_url").asText());
        assertTrue(listed.get(bare).path("poster_url").isNull(), listed.get(bare).toString());

        HttpResponse<byte[]> last = Http.getBytes(port, "/videos/" + framed + ".poster");
        assertEquals(200, last.statusCode());
        assertEquals("image/png", last.headers().firstValue("Content-Type").orElse(""), "the last frame before the cover");
        assertArrayEquals(frame, last.body());
        HttpResponse<byte[]> coverAnswer = Http.getBytes(port, "/videos/" + covered + ".poster");
        assertEquals(200, coverAnswer.statusCode());
        assertEquals("image/jpeg", coverAnswer.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(cover, coverAnswer.body());
        assertEquals(404, Http.get(port, "/videos/" + bare + ".poster").statusCode());
        assertEquals(404, Http.get(port, "/videos/..%2Fresults%2F" + framed + ".poster").statusCode());
        assertEquals(404, Http.get(port, "/videos/" + framed + ".last-frame.png").statusCode(), "only through .poster");
        assertEquals(200, Http.get(port, "/videos/" + bare + ".mp4").statusCode(), "the video itself as before");

        Files.delete(app.video(covered));
        assertTrue(tasks("?q=" + covered).path("tasks").get(0).path("poster_url").isNull(), "no video, no poster");
    }

    @Test
    void badQueriesAreRefusedWithTheReason() throws Exception {
        startWithHttp();
        Map<String, String> refused = Map.of(
                "?state=done", "state must be pending, downloading, uploading, succeeded or failed",
                "?limit=0", "limit must be a whole number from 1 to 1000",
                "?limit=1001", "limit must be a whole number from 1 to 1000",
                "?limit=ten", "limit must be",
                "?offset=-1", "offset must be a whole number from 0 to 1000000000",
                "?offset=1000000001", "offset must be a whole number from 0 to 1000000000, not '1000000001'",
                "?offset=2147483647", "offset must be a whole number from 0 to 1000000000, not '2147483647'",
                "?offset=99999999999999999999999", "offset must be a whole number from 0 to 1000000000",
                "?limit=2147483648", "limit must be a whole number from 1 to 1000, not '2147483648'");
        for (Map.Entry<String, String> query : refused.entrySet()) {
            HttpResponse<String> answer = Http.get(port, "/tasks" + query.getKey());
            assertEquals(400, answer.statusCode(), query.getKey());
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertTrue(JSON.readTree(answer.body()).path("error").asText().startsWith(query.getValue()), query.getKey() + ": " + answer.body());
        }
        assertEquals(1000, tasks("?limit=1000").path("limit").asInt());
        assertEquals(1, tasks("?limit=1").path("limit").asInt());
        JsonNode farthest = tasks("?offset=1000000000&limit=1000");
        assertEquals(1000000000, farthest.path("offset").asInt());
        assertEquals(0, farthest.path("tasks").size(), "past the last task: an empty page");
    }

    /**
     * 10,000 pending and 10,000 finished tasks, put into the journal through the store's own API
     * before the app starts (the pending ones due only in an hour, so the app leaves them be).
     * The time of one request is printed; bench/README.md records it (the target is 300 ms).
     */
    @Test
    void pagesOverTwentyThousandTasksByStateAndIdQuickly() throws Exception {
        int each = 10_000;
        fillStore(each);
        startWithHttp();

        JsonNode all = tasks("?offset=9990&limit=20");
        assertEquals(2 * each, all.path("total").asInt());
        List<String> ids = new ArrayList<>();
        all.path("tasks").forEach(t -> ids.add(t.path("id").asText()));
        assertEquals(20, ids.size());
        assertEquals("cgt-bulk-done-09990", ids.get(0), "id order: done before pending");
        assertEquals("cgt-bulk-pending-00000", ids.get(10));
        assertEquals(each, all.path("counts").path("pending").asInt());
        assertEquals(each / 2, all.path("counts").path("succeeded").asInt());
        assertEquals(each / 2, all.path("counts").path("failed").asInt());

        JsonNode failed = tasks("?state=failed&q=-0001&limit=1000");
        assertEquals(5, failed.path("total").asInt(), "of the done ids -00010..-00019, the odd ones failed");
        for (JsonNode t : failed.path("tasks")) {
            assertEquals("failed", t.path("state").asText());
            assertTrue(t.path("id").asText().contains("-0001"));
            assertEquals("gone", t.path("reason").asText());
        }
        JsonNode succeeded = tasks("?state=succeeded&limit=1");
        assertEquals(each / 2, succeeded.path("total").asInt());
        assertEquals(sampleVideo().length, succeeded.path("tasks").get(0).path("video_bytes").asLong());

        tasks("?limit=1000&offset=5000"); // warm: the JIT, and the cache of what finished tasks' files say
        long started = System.nanoTime();
        JsonNode page = tasks("?limit=1000&offset=5000");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(1000, page.path("tasks").size());
        System.out.printf("TaskListTest: GET /tasks?limit=1000&offset=5000 over %d tasks: %d ms%n", 2 * each, millis);
        long defaultStarted = System.nanoTime();
        tasks("?offset=15000");
        System.out.printf("TaskListTest: GET /tasks?offset=15000 (100 tasks): %d ms%n", (System.nanoTime() - defaultStarted) / 1_000_000);
        long filteredStarted = System.nanoTime();
        tasks("?state=failed&q=-04");
        System.out.printf("TaskListTest: GET /tasks?state=failed&q=-04: %d ms%n", (System.nanoTime() - filteredStarted) / 1_000_000);
        long coldStarted = System.nanoTime();
        tasks("?limit=1000&offset=0&q=cgt-bulk-done");
        System.out.printf("TaskListTest: the first 1,000 finished tasks, read from their files: %d ms%n", (System.nanoTime() - coldStarted) / 1_000_000);
        assertTrue(millis < 3_000, "well within the 300 ms target on any machine: " + millis + " ms");
    }

    /**
     * Ids cgt-bulk-done-00000.. (even succeeded with a result and a video, odd failed with a failure
     * record) and cgt-bulk-pending-00000.., in the journal under work/ and their files under output/.
     */
    private void fillStore(int each) throws Exception {
        OutputFolders outputs = new OutputFolders();
        outputs.setRoot(root.resolve("output").toString());
        outputs.start();
        Path sample = Files.write(root.resolve("sample.mp4"), sampleVideo());
        JournalTaskStore store = new JournalTaskStore();
        store.setFolder(root.resolve("work").toString());
        store.setOutputs(outputs);
        store.start();
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                ids.add(String.format("cgt-bulk-done-%05d", i));
                ids.add(String.format("cgt-bulk-pending-%05d", i));
            }
            store.register(io.github.jimengfetcher.support.Ids.tasks(ids));
            String now = Instant.now().toString();
            // New fetches wait a moment after a registration of many ids (more may follow).
            List<Lease> leases = await().atMost(Duration.ofSeconds(10))
                    .until(() -> store.claimDue(Task.Phase.FETCH, 2 * each, Duration.ofHours(1).toMillis()), claimed -> !claimed.isEmpty());
            for (Lease lease : leases) {
                String id = lease.task().id.value();
                if (id.startsWith("cgt-bulk-pending-")) {
                    store.release(lease);
                    continue;
                }
                boolean good = Integer.parseInt(id.substring(id.length() - 5)) % 2 == 0;
                if (good) {
                    Files.createLink(outputs.videoFile(id), sample);
                    Files.writeString(outputs.resultFile(id), "{\"task_id\":\"" + id + "\",\"status\":\"SUCCESS\",\"registered_at\":\""
                            + now + "\",\"finished_at\":\"" + now + "\",\"fetches\":2}");
                } else {
                    Files.writeString(outputs.failureFile(id), "{\"task_id\":\"" + id + "\",\"status\":\"FAILED\",\"reason_class\":\"api_failure\","
                            + "\"reason\":\"gone\",\"registered_at\":\"" + now + "\",\"finished_at\":\"" + now + "\",\"fetches\":1}");
                }
                store.finish(lease, good ? TaskState.SUCCEEDED : TaskState.FAILED);
            }
        } finally {
            store.stop();
        }
    }
}
