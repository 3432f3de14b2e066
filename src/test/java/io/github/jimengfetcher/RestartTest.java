package io.github.jimengfetcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Videos;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What survives a stop: the task store, deadlines, and a tidy output tree. */
class RestartTest extends AppTestSupport {

    @Test
    void pendingTasksResumeAfterARestartKeepingTheirDeadline() throws Exception {
        String id = "cgt-long-running";
        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "30%")));
        startApp(Map.of("jimeng.fetch.task-timeout", "4s"));
        app.drop("ids.txt", id);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.fetchesOf(id).size() >= 2);
        long registeredAt = store().find(taskId(id)).orElseThrow().registeredAt;
        int fetchesBefore = api.fetchesOf(id).size();

        startApp(Map.of("jimeng.fetch.task-timeout", "4s"));

        assertEquals(registeredAt, store().find(taskId(id)).orElseThrow().registeredAt, "the deadline counts from the first registration");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.failure(id)));
        JsonNode failure = JSON.readTree(app.failure(id).toFile());
        assertEquals("timed_out", failure.path("reason_class").asText());
        assertEquals(java.time.Instant.ofEpochMilli(registeredAt).toString(), failure.path("registered_at").asText());
        assertTrue(api.fetchesOf(id).size() > fetchesBefore, "polling resumed after the restart");
    }

    @Test
    void unreadableJournalEntriesAreQuarantinedAndTheRestLoads() throws Exception {
        Files.createDirectories(root.resolve("work"));
        long now = System.currentTimeMillis();
        String good = "{\"op\":\"put\",\"task\":{\"id\":\"cgt-good\",\"phase\":\"FETCH\",\"registeredAt\":" + now + ",\"nextAt\":" + now + "}}";
        String hostile = "{\"op\":\"put\",\"task\":{\"id\":\"../../escape\",\"phase\":\"FETCH\",\"registeredAt\":1,\"nextAt\":1}}";
        String garbage = "\u0000\u0000garbage from a torn write";
        String torn = "{\"op\":\"put\",\"task\":{\"id\":\"cgt-to";
        Files.writeString(root.resolve("work/tasks.journal"), String.join("\n", good, hostile, garbage, torn), StandardCharsets.UTF_8);
        api.answer("cgt-good", Answer.json(FakeGateway.status("cgt-good", "IN_PROGRESS", "1%")));

        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            assertEquals(1, store().pendingCount());
            assertTrue(store().find(taskId("cgt-good")).isPresent());
            assertEquals(3, log.count("unreadable entry quarantined"), log.all());
        }
        List<String> quarantined = Files.readAllLines(root.resolve("work/quarantine/journal-entries.jsonl"));
        assertEquals(3, quarantined.size());
        assertTrue(quarantined.get(0).contains("escape"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.fetchesOf("cgt-good").isEmpty());
        assertFalse(Files.exists(root.resolve("escape")));
    }

    @Test
    void aTaskWhoseRecordWasWrittenBeforeAKillIsFinishedAsTheRecordSaysAndNotFetchedAgain() throws Exception {
        // A run killed after writing the records and before telling the store: the journal still has
        // both tasks pending, the output folder has their records.
        Files.createDirectories(root.resolve("work"));
        long now = System.currentTimeMillis();
        String done = "cgt-written-ok";
        String failed = "cgt-written-failed";
        Files.writeString(root.resolve("work/tasks.journal"), String.join("\n",
                "{\"op\":\"put\",\"task\":{\"id\":\"" + done + "\",\"phase\":\"DOWNLOAD\",\"videoUrl\":\"" + api.baseUrl()
                        + "/videos/x.mp4\",\"registeredAt\":" + now + ",\"nextAt\":" + now + "}}",
                "{\"op\":\"put\",\"task\":{\"id\":\"" + failed + "\",\"phase\":\"FETCH\",\"registeredAt\":" + now + ",\"nextAt\":" + now + "}}"));
        for (String record : List.of("results/" + done + ".json", "failed/" + failed + ".json")) {
            Path file = Files.createDirectories(root.resolve("output").resolve(record).getParent()).resolve(Path.of(record).getFileName());
            Files.writeString(file, "{\"task_id\":\"written before the kill\"}");
        }
        Files.createDirectories(root.resolve("output/videos"));
        Files.write(root.resolve("output/videos/" + done + ".mp4"), Videos.mp4(5_000, 1));

        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            await().atMost(Duration.ofSeconds(10)).until(() -> store().pendingCount() == 0);
            assertEquals(1, log.count(done + " RECORDED before a stop"), log.all());
            assertEquals(1, log.count(failed + " RECORDED before a stop"), log.all());
            assertEquals(0, log.count(done + " DONE"), log.all());
        }
        assertTrue(store().isFinished(taskId(done)));
        assertTrue(store().isFinished(taskId(failed)));
        assertEquals(List.of(), api.fetchesOf(failed), "nothing fetched again");
        assertEquals("{\"task_id\":\"written before the kill\"}", Files.readString(app.result(done)), "the record is left as it was");
    }

    @Test
    void leftoversOfADeadRunAreRemovedAtStart() throws Exception {
        for (String leftover : List.of("results/.cgt-a.json.tmp", "videos/.cgt-a.mp4.tmp", "failed/.cgt-b.json.tmp")) {
            Path file = root.resolve("output").resolve(leftover);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "half");
        }

        startApp(Map.of());

        for (String folder : List.of("results", "videos", "failed")) {
            assertEquals(0, app.filesIn(folder), folder);
        }
    }

    @Test
    void anUnwritableOutputFolderKeepsTheTaskPendingUntilItIsWritableAgain() throws Exception {
        String id = "cgt-disk";
        byte[] video = Videos.mp4(30_000, 5);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("disk.mp4", video))));
        startApp(Map.of());
        Path results = app.output("results");
        Files.delete(results);
        Files.writeString(results, "not a folder");

        try (CapturedLog log = CapturedLog.capture()) {
            app.drop("ids.txt", id);
            await().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId(id)).map(t -> t.faultStreak >= 3).orElse(false));
            assertEquals(1, log.count(id + " cannot be completed now"), "logged once per episode: " + log.all());
        }
        assertTrue(store().find(taskId(id)).orElseThrow().lastError.startsWith("cannot write output"));
        assertTrue(store().find(taskId(id)).isPresent(), "still pending");
        assertEquals(0, app.filesIn("failed"), "nothing written off");

        Files.delete(results);
        Files.createDirectories(results);

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        assertEquals(0, store().pendingCount());
    }
}
