package io.github.jimengfetcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input just under the size limit, all of it rejected, at a small heap: the packaged app records
 * it (counted, the first reasons kept) and goes on fetching what comes after it.
 */
class LargeInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 9.9 MB, under the 10 MB limit of jimeng.inbox.max-file-size. */
    private static final int BAD_LINES = 1_414_285;
    private static final String BAD_BODY = "bad!id\n".repeat(BAD_LINES);
    private static final Duration WAIT = Duration.ofSeconds(45);

    @TempDir
    Path root;

    private int port;

    private AppProcess start(FakeGateway api) throws Exception {
        Map<String, String> env = AppProcess.env(root);
        port = Integer.parseInt(env.get("JIMENG_HTTP_PORT"));
        env.put("JIMENG_API_BASE_URL", api.baseUrl());
        env.put("JIMENG_API_KEY", FakeGateway.KEY);
        AppProcess app = AppProcess.start(root.resolve("app.log"), env, "-Xmx256m");
        app.awaitLog("Routes startup", Duration.ofSeconds(30));
        return app;
    }

    private void awaitVideo(AppProcess app, String id) throws Exception {
        Path video = root.resolve("output/videos/" + id + ".mp4");
        await().atMost(WAIT).until(() -> Files.exists(video) || !app.process().isAlive() || app.log().contains("OutOfMemoryError"));
        String log = app.log();
        assertFalse(log.contains("OutOfMemoryError"), "out of memory");
        assertTrue(Files.exists(video), id + " downloaded");
    }

    private static List<Path> filesIn(Path folder, String suffix) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    @Test
    void aLargeInboxFileOfBadLinesIsRecordedAndMovedAndAnIdDroppedAfterItIsDownloaded() throws Exception {
        try (FakeGateway api = new FakeGateway()) {
            String id = "cgt-after-bad-file";
            api.answer(id, Answer.json(
                    FakeGateway.success(id, api.video("after-file.mp4", Videos.mp4(20_000, 3)))));
            try (AppProcess app = start(api)) {
                Path inbox = Files.createDirectories(root.resolve("inbox"));
                Path hidden = inbox.resolve(".bad.txt.writing");
                Files.writeString(hidden, BAD_BODY, StandardCharsets.US_ASCII);
                Files.move(hidden, inbox.resolve("bad.txt"), StandardCopyOption.ATOMIC_MOVE);
                Files.writeString(inbox.resolve("good.txt"), id + "\n");

                awaitVideo(app, id);
                await().atMost(WAIT).until(() -> !Files.exists(inbox.resolve("bad.txt"))
                        && filesIn(inbox.resolve(".done"), "-bad.txt").size() == 1
                        && filesIn(root.resolve("output/rejected"), ".json").size() == 1);
                JsonNode record = JSON.readTree(filesIn(root.resolve("output/rejected"), ".json").get(0).toFile());
                assertEquals("bad.txt", record.path("source").asText());
                assertEquals(BAD_LINES, record.path("rejected_count").asInt(), record.toString().substring(0, 300));
                assertEquals(100, record.path("rejected").size());
                assertEquals(BAD_LINES - 100, record.path("rejected_left_out").asInt());
                assertEquals(1, record.path("rejected").get(0).path("line").asInt());
                assertTrue(app.process().isAlive());
            }
        }
    }

    @Test
    void sixParallelPostsOfBadLinesAreAnsweredBoundedAndAnIdPostedAfterThemIsDownloaded() throws Exception {
        try (FakeGateway api = new FakeGateway()) {
            String id = "cgt-after-bad-posts";
            api.answer(id, Answer.json(
                    FakeGateway.success(id, api.video("after-posts.mp4", Videos.mp4(20_000, 3)))));
            try (AppProcess app = start(api)) {
                HttpClient client = HttpClient.newHttpClient();
                List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    answers.add(client.sendAsync(post(port, BAD_BODY), HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get();
                    assertEquals(200, response.statusCode(), response.body());
                    JsonNode body = JSON.readTree(response.body());
                    assertEquals(BAD_LINES, body.path("rejected_count").asInt());
                    assertEquals(100, body.path("rejected").size());
                    assertEquals(BAD_LINES - 100, body.path("rejected_left_out").asInt());
                    assertEquals(0, body.path("registered").size());
                }

                HttpResponse<String> good = client.send(post(port, id + "\n"), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, good.statusCode(), good.body());
                assertEquals(id, JSON.readTree(good.body()).path("registered").get(0).asText());
                awaitVideo(app, id);
                assertTrue(app.process().isAlive());
            }
        }
    }

    private static HttpRequest post(int port, String body) {
        // Six posts of 10 MB read at once on a shared 2-core machine: the answers are what is checked, not their speed.
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tasks"))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
