package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.HeldS3;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delivery to S3 cut short: the storage server gone mid-upload, the app stopped between download and upload. */
class S3InterruptionsTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private HeldS3 s3;

    @BeforeEach
    void startS3() throws Exception {
        s3 = new HeldS3();
    }

    @AfterEach
    void stopS3() throws Exception {
        if (app != null) {
            app.close();
            app = null;
        }
        s3.close();
    }

    private byte[] succeedWithVideo(String id, int size) {
        byte[] video = Videos.mp4(size, id.hashCode());
        api.answer(id, Answer.json(FakeGateway.success(id, api.video(id + ".mp4", video))));
        return video;
    }

    /** Requests for the video from its first byte (a Range request from the end of a whole part is answered 416, no bytes). */
    private long videoBytesServed(String id) {
        return api.storageRequests().stream().filter(r -> r.path().endsWith(id + ".mp4")).map(Request::range)
                .filter(range -> range == null || range.startsWith("bytes=0-")).count();
    }

    @Test
    void theStorageServerGoneMidUploadAndBackLeavesTheObjectWholeAndNothingDeletedMeanwhile() throws Exception {
        String id = "cgt-s3-cut-mid-upload";
        byte[] video = succeedWithVideo(id, 400_000);
        s3.holdFirstWrite(id + ".mp4");
        Map<String, String> settings = s3.settings();
        settings.put("jimeng.s3.keep-local", "false");
        int port = Http.enable(settings);
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(settings);
            app.drop("ids.txt", id);
            await().atMost(WAIT).until(s3::holding);

            // The server goes while the video's PUT is in flight: its connection is cut.
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                try {
                    s3.stopServer();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(WAIT).until(() -> log.all().contains(id) && log.all().contains("cannot upload to s3://" + HeldS3.BUCKET));
            s3.release();
            stopped.get();

            assertFalse(Files.exists(app.result(id)), "no record while the object is not confirmed");
            Path part = app.work().resolve("downloads").resolve(id + ".mp4.part");
            await().atMost(WAIT).until(() -> Files.isRegularFile(part) && Arrays.equals(video, Files.readAllBytes(part)));
            String health = Http.get(port, "/observe/health?exposureLevel=full").body();
            assertTrue(health.contains("DOWN") && health.contains("S3 bucket " + HeldS3.BUCKET), health);

            s3.startServer();
            JsonNode result = awaitResult(id);
            assertEquals("s3://" + HeldS3.BUCKET + "/videos/" + id + ".mp4", result.path("s3_uri").asText());
            assertArrayEquals(video, s3.object("videos/" + id + ".mp4"), "the object is the whole video");
            assertEquals(0, app.filesIn("videos"), "the local copy went once the object was confirmed");
            assertEquals(1, videoBytesServed(id), "the verified video waited on disk: downloaded from its start once");
            assertFalse(log.all().contains(HeldS3.SECRET), "the secret key is never logged");
        }
    }

    @Test
    void anAppStoppedBetweenTheDownloadAndTheUploadUploadsTheVerifiedVideoAfterItsRestart() throws Exception {
        String id = "cgt-s3-restart-before-upload";
        byte[] video = succeedWithVideo(id, 300_000);
        s3.stopServer();
        Map<String, String> settings = s3.settings();
        settings.put("jimeng.s3.keep-local", "false");
        startApp(settings);
        app.drop("ids.txt", id);
        Path part = app.work().resolve("downloads").resolve(id + ".mp4.part");
        await().atMost(WAIT).until(() -> store().find(taskId(id)).map(t -> t.faultStreak >= 1).orElse(false)
                && Files.isRegularFile(part) && Arrays.equals(video, Files.readAllBytes(part)));
        app.close();
        app = null;
        assertNull(s3.object("videos/" + id + ".mp4"));

        s3.startServer();
        startApp(settings);
        JsonNode result = awaitResult(id);
        assertEquals("s3://" + HeldS3.BUCKET + "/videos/" + id + ".mp4", result.path("s3_uri").asText());
        assertArrayEquals(video, s3.object("videos/" + id + ".mp4"));
        assertEquals(0, app.filesIn("videos"));
        assertFalse(Files.exists(part), "the part went with the delivery");
        assertEquals(1, videoBytesServed(id), "the video on disk was whole: no second download of its bytes");
    }

    @Test
    void anAppStoppedMidUploadCutsItOffAndGivesTheVideoBackBeforeItsLeaseThenUploadsItAfterTheRestart() throws Exception {
        String id = "cgt-s3-stop-mid-upload";
        byte[] video = succeedWithVideo(id, 300_000);
        // The store holds the write for minutes: only the app's own stop can end it.
        s3.holdFirstWrite(id + ".mp4");
        Path part = null;
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(s3.settings());
            part = app.work().resolve("downloads").resolve(id + ".mp4.part");
            app.drop("ids.txt", id);
            await().atMost(WAIT).until(s3::holding);
            app.close();
            app = null;
            assertTrue(Files.isRegularFile(part) && Arrays.equals(video, Files.readAllBytes(part)),
                    "the verified video back whole in the work folder as the app stopped");
            assertFalse(log.all().contains("not every download was handed back"), "the upload ended before the leases went back");
            assertFalse(log.all().contains("Forcing the routes to be shutdown"), "the stop did not wait for its timeout");
        }
        s3.release();
        startApp(s3.settings());
        JsonNode result = awaitResult(id);
        assertEquals("s3://" + HeldS3.BUCKET + "/videos/" + id + ".mp4", result.path("s3_uri").asText());
        assertArrayEquals(video, s3.object("videos/" + id + ".mp4"));
        assertEquals(1, videoBytesServed(id), "the video on disk was whole: downloaded once");
    }

    @Test
    void anAppStoppedWhileAnImageGoesUpRecordsNothingAndTheNextStartPutsTheImageUpToo() throws Exception {
        String id = "cgt-s3-stop-image";
        byte[] video = Videos.mp4(60_000, 31);
        byte[] frame = VideoImagesTest.png(20_000, 32);
        api.ark().answers(id, VideoImagesTest.arkSuccess(id, api.video(id + ".mp4", video), Map.of("last_frame_url", api.video(id + ".png", frame))));
        Map<String, String> settings = s3.settings();
        Path folder = Files.createDirectories(root.resolve("providers"));
        Files.writeString(folder.resolve("ark.yaml"), VideoImagesTest.arkWithMoreImages());
        settings.put("jimeng.provider", "ark");
        settings.put("jimeng.providers.ark.base-url", api.baseUrl());
        settings.put("jimeng.providers.ark.api-key", FakeGateway.KEY);
        settings.put("jimeng.provider-files", folder.toString());
        s3.holdFirstWrite(".last-frame.png");
        startApp(settings);
        app.drop("ids.txt", id + "\n");
        await().atMost(WAIT).until(s3::holding);
        app.close();
        app = null;
        assertFalse(Files.exists(root.resolve("output").resolve("results").resolve(id + ".json")),
                "no record naming the image not uploaded because of the stop");

        s3.release();
        startApp(settings);
        JsonNode result = awaitResult(id);
        JsonNode saved = result.path("images").get(0);
        assertEquals("s3://" + HeldS3.BUCKET + "/videos/" + id + ".last-frame.png", saved.path("s3_uri").asText(), result.toString());
        assertArrayEquals(frame, s3.object("videos/" + id + ".last-frame.png"));
        assertArrayEquals(video, s3.object("videos/" + id + ".mp4"));
    }

    @Test
    void aFailedUploadAfterTheWorkFoldersDownloadsWereRemovedStillPutsTheVideoBackWholeSoItIsDownloadedOnce() throws Exception {
        String id = "cgt-s3-no-downloads-folder";
        byte[] video = succeedWithVideo(id, 300_000);
        s3.holdFirstWrite(id + ".mp4");
        startApp(s3.settings());
        app.drop("ids.txt", id);
        await().atMost(WAIT).until(s3::holding);
        // Cleaned away by hand while the video goes up, then the store goes: the upload fails.
        Path downloads = app.work().resolve("downloads");
        try (var files = Files.walk(downloads)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                s3.stopServer();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path part = downloads.resolve(id + ".mp4.part");
        await().atMost(WAIT).until(() -> store().find(taskId(id)).map(t -> t.faultStreak >= 1).orElse(false));
        s3.release();
        stopped.get();
        await().atMost(WAIT).until(() -> Files.isRegularFile(part) && Arrays.equals(video, Files.readAllBytes(part)));

        s3.startServer();
        awaitResult(id);
        assertArrayEquals(video, s3.object("videos/" + id + ".mp4"));
        assertEquals(1, videoBytesServed(id), "the verified video went back whole: downloaded once");
    }
}
