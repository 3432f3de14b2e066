package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Videos;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A paid video is never lost to our own timeout: timed-out tasks are fetched again later. */
class TimeoutRecheckTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aTaskThatSucceedsAfterItTimedOutIsDownloadedAndItsFailureRecordSuperseded() throws Exception {
        String id = "cgt-late";
        byte[] video = Videos.mp4(30_000, 11);
        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "99%")));
        startApp(Map.of("jimeng.fetch.task-timeout", "1s", "jimeng.fetch.timeout-recheck", "1s,2s"));
        app.drop("ids.txt", id);
        JsonNode failure = awaitFailure(id);
        assertEquals("timed_out", failure.path("reason_class").asText());

        api.answer(id, Answer.json(FakeGateway.success(id, api.video("late.mp4", video))));

        awaitResult(id);
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        assertFalse(Files.exists(app.failure(id)), "the failure record moved away");
        List<Path> superseded = superseded();
        assertEquals(1, superseded.size(), superseded.toString());
        assertTrue(superseded.get(0).getFileName().toString().matches("cgt-late\\.\\d{8}-\\d{6}\\.json"), superseded.toString());
        assertEquals("timed_out", JSON.readTree(superseded.get(0).toFile()).path("reason_class").asText());
        await().atMost(WAIT).until(() -> store().pendingCount() == 0);
    }

    @Test
    void aTimedOutTaskSurvivesARestartAndIsLetGoAfterItsLastLateFetch() throws Exception {
        String id = "cgt-never";
        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "10%")));
        startApp(Map.of("jimeng.fetch.task-timeout", "1s", "jimeng.fetch.timeout-recheck", "1s,2s"));
        app.drop("ids.txt", id);
        awaitFailure(id);
        assertTrue(isRechecking(id));

        startApp(Map.of("jimeng.fetch.task-timeout", "1s", "jimeng.fetch.timeout-recheck", "1s,2s"));
        assertTrue(isRechecking(id), "kept across a restart although its failure record exists");
        int fetchesAtFailure = api.fetchesOf(id).size();

        await().atMost(WAIT).until(() -> store().pendingCount() == 0);
        assertTrue(api.fetchesOf(id).size() >= fetchesAtFailure + 1, "fetched again after the timeout");
        assertEquals("timed_out", JSON.readTree(app.failure(id).toFile()).path("reason_class").asText(), "the record stands");
        assertTrue(superseded().isEmpty());
    }

    private List<Path> superseded() throws Exception {
        Path folder = app.output("superseded");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    private boolean isRechecking(String id) {
        return store().find(taskId(id)).map(task -> task.timedOutAt != null).orElse(false);
    }
}
