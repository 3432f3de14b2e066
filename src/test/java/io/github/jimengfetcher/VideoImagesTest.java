package io.github.jimengfetcher;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.ArkShape;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.StorageHost.Behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The images a task's answer names (a provider file's answer.images), downloaded once its video is
 * published and saved beside it; each listed in the result, saved or why not, none failing the task.
 * Ark (its shipped file, here with a cover and a thumbnail besides its last frame) answers as the fake
 * Ark does; the storage host serves the images' real bytes.
 */
class VideoImagesTest extends AppTestSupport {

    private static final String TASK_PATH = ArkShape.TASK.replace("{id}", "");

    /** The shipped ark.yaml, naming a cover and a thumbnail too. */
    static String arkWithMoreImages() throws Exception {
        String shipped = Files.readString(Path.of("src/main/resources/providers/ark.yaml"));
        String own = shipped.replace("    last-frame: /content/last_frame_url\n",
                "    last-frame: /content/last_frame_url\n    cover: /content/cover_url\n    thumbnail: /content/thumbnail_url\n");
        assertNotEquals(shipped, own, "the shipped file names the last frame");
        return own;
    }

    private void startWithArk(Map<String, String> extra) throws Exception {
        Path folder = Files.createDirectories(root.resolve("providers"));
        Files.writeString(folder.resolve("ark.yaml"), arkWithMoreImages());
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.provider", "ark");
        settings.put("jimeng.providers.ark.base-url", api.baseUrl());
        settings.put("jimeng.providers.ark.api-key", FakeGateway.KEY);
        settings.put("jimeng.provider-files", folder.toString());
        settings.putAll(extra);
        startApp(settings);
    }

    /** Ark's success answer: the video, and each content field given (last_frame_url, cover_url, ...). */
    static Answer arkSuccess(String id, String videoUrl, Map<String, String> images) {
        StringBuilder content = new StringBuilder("{\"video_url\":\"" + videoUrl + "\"");
        images.forEach((field, url) -> content.append(",\"").append(field).append("\":\"").append(url).append('"'));
        return Answer.json("{\"id\":\"" + id + "\",\"model\":\"seedance-pro\",\"status\":\"succeeded\",\"content\":" + content
                + "},\"created_at\":1756457484,\"updated_at\":1756457496}");
    }

    static byte[] png(int size, long seed) {
        return image(size, seed, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    }

    static byte[] jpeg(int size, long seed) {
        return image(size, seed, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0});
    }

    private static byte[] webp(int size, long seed) {
        byte[] head = ByteBuffer.allocate(12).put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(Integer.reverseBytes(size - 8))
                .put("WEBP".getBytes(StandardCharsets.US_ASCII)).array();
        return image(size, seed, head);
    }

    private static byte[] image(int size, long seed, byte[] head) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        System.arraycopy(head, 0, bytes, 0, head.length);
        return bytes;
    }

    private static Map<String, JsonNode> imagesOf(JsonNode result) {
        Map<String, JsonNode> images = new LinkedHashMap<>();
        result.path("images").forEach(image -> images.put(image.path("name").asText(), image));
        return images;
    }

    /** Every file under the folder, as relative paths with '/'. */
    private static List<String> filesUnder(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(f -> folder.relativize(f).toString().replace('\\', '/')).sorted().toList();
        }
    }

    private List<String> partsLeft() throws Exception {
        return filesUnder(app.work()).stream().filter(name -> name.contains(".image.")).toList();
    }

    @Test
    void imagesTheAnswerNamesAreSavedBesideATemplatedVideoListedInTheResultAndServedAsItsPoster() throws Exception {
        String id = "cgt-images-all";
        byte[] video = Videos.mp4(40_000, 71);
        byte[] frame = png(30_000, 72);
        byte[] cover = jpeg(20_000, 73);
        byte[] thumbnail = webp(5_000, 74);
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("last_frame_url", api.video("frame.png", frame));
        urls.put("cover_url", api.video("cover.bin", cover, Behaviour.CHUNKED));
        urls.put("thumbnail_url", api.video("thumb", thumbnail));
        api.ark().answers(id, arkSuccess(id, api.video("images-all.mp4", video), urls));
        Map<String, String> settings = new HashMap<>();
        int port = Http.enable(settings);
        settings.put("jimeng.output.video-name", "clips/{model}_{task_id}");
        startWithArk(settings);

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertEquals("SUCCESS", result.path("status").asText());
        String stem = "videos/clips/seedance-pro_" + id;
        assertEquals(stem + ".mp4", result.path("video_file").asText());
        Map<String, JsonNode> images = imagesOf(result);
        assertEquals(List.of("last-frame", "cover", "thumbnail"), List.copyOf(images.keySet()), "in the provider file's order: " + result);
        Map<String, byte[]> served = Map.of("last-frame", frame, "cover", cover, "thumbnail", thumbnail);
        Map<String, String> files = Map.of("last-frame", stem + ".last-frame.png", "cover", stem + ".cover.jpg",
                "thumbnail", stem + ".thumbnail.webp");
        for (String name : images.keySet()) {
            JsonNode image = images.get(name);
            assertEquals(files.get(name), image.path("file").asText(), "the extension by the bytes, not the URL: " + image);
            assertEquals(served.get(name).length, image.path("bytes").asLong());
            assertEquals(Videos.sha256(served.get(name)), image.path("sha256").asText());
            assertFalse(image.has("error"), image.toString());
            assertArrayEquals(served.get(name), Files.readAllBytes(app.output("").resolve(image.path("file").asText())));
        }
        assertEquals(List.of("clips/seedance-pro_" + id + ".cover.jpg", "clips/seedance-pro_" + id + ".last-frame.png",
                "clips/seedance-pro_" + id + ".mp4", "clips/seedance-pro_" + id + ".thumbnail.webp"), filesUnder(app.output("videos")),
                "beside the video, no temporary file left");
        assertEquals(List.of(), partsLeft());

        HttpResponse<byte[]> poster = Http.getBytes(port, "/videos/" + id + ".poster");
        assertEquals(200, poster.statusCode());
        assertEquals("image/png", poster.headers().firstValue("Content-Type").orElse(""), "the last frame, found by the record");
        assertArrayEquals(frame, poster.body());
    }

    @Test
    void anImageCutOffMidBodyIsContinuedWithARangeRequestFromTheBytesOnDisk() throws Exception {
        String id = "cgt-images-cut";
        byte[] video = Videos.mp4(30_000, 90);
        byte[] frame = png(30_000, 91);
        // The whole length announced, half of it sent, the connection closed; then Range honoured.
        String frameUrl = api.video("cut-frame.png", frame, Behaviour.CUT_SHORT, Behaviour.SERVE);
        api.ark().answers(id, arkSuccess(id, api.video("images-cut.mp4", video), Map.of("last_frame_url", frameUrl)));
        startWithArk(Map.of());

        app.drop("ids.txt", id + "\n");

        JsonNode image = imagesOf(awaitResult(id)).get("last-frame");
        assertEquals(Videos.sha256(frame), image.path("sha256").asText(), image.toString());
        assertEquals(frame.length, image.path("bytes").asLong());
        assertArrayEquals(frame, Files.readAllBytes(app.output("videos").resolve(id + ".last-frame.png")));
        List<String> ranges = api.requestsTo("/videos/cut-frame.png").stream().map(r -> String.valueOf(r.range())).toList();
        assertEquals(List.of("null", "bytes=15000-"), ranges, "asked whole, then from the cut on");
        assertEquals(List.of(), partsLeft());
    }

    @Test
    void aPartAKilledRunLeftIsContinuedAndPartsOfTasksNoLongerPendingAreRemovedAtStart() throws Exception {
        String id = "cgt-images-killed";
        String done = "cgt-images-done.v2";
        byte[] frame = png(30_000, 92);
        api.ark().answers(id, Answer.json("{\"id\":\"" + id + "\",\"model\":\"seedance-pro\",\"status\":\"running\","
                + "\"created_at\":1756457484,\"updated_at\":1756457496}"));
        api.ark().answers(done, arkSuccess(done, api.video("images-done.mp4", Videos.mp4(30_000, 93)), Map.of()));
        startWithArk(Map.of());
        app.drop("ids.txt", id + "\n" + done + "\n");
        // Registered from the same file as the finished one: pending, still running.
        awaitResult(done);
        assertFalse(store().isFinished(io.github.jimengfetcher.task.TaskId.of(id)));
        app.close();
        app = null;

        // As a run killed mid-image leaves them: the pending task's part, and parts of a finished and an unknown task.
        Path downloads = root.resolve("work/downloads");
        Files.createDirectories(downloads);
        Files.write(downloads.resolve(id + ".last-frame.image.part"), java.util.Arrays.copyOf(frame, 10_000));
        Files.writeString(downloads.resolve(id + ".last-frame.image.part.total"), "30000");
        List<Path> stale = List.of(downloads.resolve(done + ".last-frame.image.part"), downloads.resolve(done + ".cover.image.part.total"),
                downloads.resolve("cgt-images-unknown.last-frame.image.part"));
        for (Path part : stale) {
            Files.writeString(part, "half");
        }
        api.ark().answers(id, arkSuccess(id, api.video("images-killed.mp4", Videos.mp4(30_000, 94)),
                Map.of("last_frame_url", api.video("killed-frame.png", frame))));
        startWithArk(Map.of());

        for (Path part : stale) {
            assertFalse(Files.exists(part), part + " belongs to no pending task");
        }
        JsonNode image = imagesOf(awaitResult(id)).get("last-frame");
        assertEquals(Videos.sha256(frame), image.path("sha256").asText(), image.toString());
        assertArrayEquals(frame, Files.readAllBytes(app.output("videos").resolve(id + ".last-frame.png")));
        assertEquals(List.of("bytes=10000-"), api.requestsTo("/videos/killed-frame.png").stream().map(r -> r.range()).toList());
        assertEquals(List.of(), partsLeft());
    }

    @Test
    void anImageCutOffByAStopKeepsItsPartAndTheNextStartFinishesTheTaskWithItResumed() throws Exception {
        String id = "cgt-images-stop";
        byte[] video = Videos.mp4(30_000, 97);
        byte[] frame = png(2_000_000, 98);
        // About 160 KB/s: the stop comes mid-image; then Range honoured.
        String frameUrl = api.video("stop-frame.png", frame, Behaviour.CRAWL, Behaviour.SERVE);
        api.ark().answers(id, arkSuccess(id, api.video("images-stop.mp4", video), Map.of("last_frame_url", frameUrl)));
        startWithArk(Map.of());
        app.drop("ids.txt", id + "\n");
        Path part = root.resolve("work/downloads/" + id + ".last-frame.image.part");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> Files.exists(part) && Files.size(part) > 100_000);

        app.close();
        app = null;

        assertFalse(Files.exists(root.resolve("output/results/" + id + ".json")), "no record: the task is not finished");
        long kept = Files.size(part);
        assertTrue(kept > 0 && kept < frame.length, "the part stays: " + kept);
        startWithArk(Map.of());

        JsonNode result = awaitResult(id);
        assertEquals("SUCCESS", result.path("status").asText());
        JsonNode image = imagesOf(result).get("last-frame");
        assertEquals(Videos.sha256(frame), image.path("sha256").asText(), image.toString());
        assertArrayEquals(frame, Files.readAllBytes(app.output("videos").resolve(id + ".last-frame.png")));
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        List<String> ranges = api.requestsTo("/videos/stop-frame.png").stream().map(r -> String.valueOf(r.range())).toList();
        assertEquals(2, ranges.size(), ranges.toString());
        assertTrue(ranges.get(1).startsWith("bytes=") && !ranges.get(1).equals("bytes=0-"), "resumed from the part: " + ranges);
        assertEquals(List.of(), partsLeft());
    }

    @Test
    void anAnswerNamingNoImageSavesNoneAndItsResultListsNone() throws Exception {
        String id = "cgt-images-none";
        byte[] video = Videos.mp4(30_000, 75);
        api.ark().answers(id, arkSuccess(id, api.video("images-none.mp4", video), Map.of()));
        startWithArk(Map.of());

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertEquals("SUCCESS", result.path("status").asText());
        assertFalse(result.has("images"), result.toString());
        assertEquals(List.of(id + ".mp4"), filesUnder(app.output("videos")));
        assertEquals(List.of("/videos/images-none.mp4"), api.storageRequests().stream().map(r -> r.path()).toList());
    }

    @Test
    void anImageWhoseUrlLapsedIsAskedAgainAtTheUrlOfAFreshAnswer() throws Exception {
        String id = "cgt-images-expired";
        byte[] video = Videos.mp4(30_000, 76);
        byte[] frame = png(8_000, 77);
        byte[] cover = jpeg(6_000, 78);
        String videoUrl = api.video("images-expired.mp4", video);
        Map<String, String> first = new LinkedHashMap<>();
        // Refused by the storage host as a lapsed signature would be.
        first.put("last_frame_url", api.video("old-frame.png", frame, Behaviour.FORBIDDEN));
        // Lapsed by its own query (signed in 2020 for an hour): not asked at all.
        first.put("cover_url", api.storage().videoAt("/videos/old-cover.jpg", "X-Tos-Date=20200101T000000Z&X-Tos-Expires=3600&X-Tos-Signature=s", cover));
        Map<String, String> fresh = new LinkedHashMap<>();
        fresh.put("last_frame_url", api.video("new-frame.png", frame));
        fresh.put("cover_url", api.video("new-cover.jpg", cover));
        api.ark().answers(id, arkSuccess(id, videoUrl, first), arkSuccess(id, videoUrl, fresh));
        startWithArk(Map.of());

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        Map<String, JsonNode> images = imagesOf(result);
        assertEquals(id + ".last-frame.png", Path.of(images.get("last-frame").path("file").asText()).getFileName().toString(), result.toString());
        assertEquals(id + ".cover.jpg", Path.of(images.get("cover").path("file").asText()).getFileName().toString(), result.toString());
        assertArrayEquals(frame, Files.readAllBytes(app.output("videos").resolve(id + ".last-frame.png")));
        assertArrayEquals(cover, Files.readAllBytes(app.output("videos").resolve(id + ".cover.jpg")));
        assertEquals(1, api.requestsTo("/videos/old-frame.png").size(), "the refused URL once, not again");
        assertEquals(0, api.requestsTo("/videos/old-cover.jpg").size(), "a URL past its expiry is not asked");
        assertEquals(1, api.requestsTo("/videos/new-frame.png").size());
        assertEquals(1, api.requestsTo(TASK_PATH + id).size(), "the task fetched once more, for both");
        assertEquals(1, api.requestsTo("/videos/images-expired.mp4").size(), "the video is not downloaded again");
    }

    @Test
    void whileTheProvidersFetchesArePausedALapsedImageIsRecordedWithoutAFreshFetch() throws Exception {
        String id = "cgt-images-paused";
        byte[] video = Videos.mp4(2_000_000, 99);
        String frameUrl = api.video("paused-frame.png", png(4_000, 100), Behaviour.FORBIDDEN);
        // About 1 MB/s: the pause begins while the video downloads, after the task's own fetch.
        String videoUrl = api.video("images-paused.mp4", video, Behaviour.SLOW);
        api.ark().answers(id, arkSuccess(id, videoUrl, Map.of("last_frame_url", frameUrl)),
                arkSuccess(id, videoUrl, Map.of("last_frame_url", api.video("paused-fresh.png", png(4_000, 100)))));
        startWithArk(Map.of());
        app.drop("ids.txt", id + "\n");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> !api.requestsTo("/videos/images-paused.mp4").isEmpty());
        int fetched = api.requestsTo(TASK_PATH + id).size();
        store().pauseFetches(new io.github.jimengfetcher.task.ProviderName("ark"), store().now() + 600_000);

        JsonNode result = awaitResult(id);

        assertEquals("SUCCESS", result.path("status").asText());
        JsonNode frame = imagesOf(result).get("last-frame");
        assertTrue(frame.path("error").asText().contains("fetches of the provider paused"), frame.toString());
        assertEquals(fetched, api.requestsTo(TASK_PATH + id).size(), "no fresh fetch during the pause");
        assertEquals(0, api.requestsTo("/videos/paused-fresh.png").size());
    }

    @Test
    void anImageThatLapsesAlsoOnTheFreshAnswerIsRecordedAndTheTaskSucceeds() throws Exception {
        String id = "cgt-images-gone";
        byte[] video = Videos.mp4(30_000, 79);
        String frameUrl = api.video("gone-frame.png", png(4_000, 80), Behaviour.FORBIDDEN);
        api.ark().answers(id, arkSuccess(id, api.video("images-gone.mp4", video), Map.of("last_frame_url", frameUrl)));
        startWithArk(Map.of());

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertEquals("SUCCESS", result.path("status").asText());
        JsonNode frame = imagesOf(result).get("last-frame");
        assertTrue(frame.path("error").asText().contains("HTTP 403"), frame.toString());
        assertTrue(frame.path("error").asText().contains("also at the fresh answer's URL"), frame.toString());
        assertFalse(frame.has("file"));
        assertEquals(2, api.requestsTo("/videos/gone-frame.png").size(), "once, and once more on the fresh answer");
        assertEquals(List.of(id + ".mp4"), filesUnder(app.output("videos")));
    }

    @Test
    void anImageTheHostTricklesIsGivenUpByTheMinimumSpeedAndTheTaskSucceedsSoon() throws Exception {
        String id = "cgt-images-trickle";
        byte[] video = Videos.mp4(30_000, 95);
        // 64 KB at once, then 1 KB/s: never silent, so only the minimum speed ends it (about 4 minutes otherwise).
        String frameUrl = api.video("trickle-frame.png", png(300_000, 96), Behaviour.TRICKLE);
        api.ark().answers(id, arkSuccess(id, api.video("images-trickle.mp4", video), Map.of("last_frame_url", frameUrl)));
        long started = System.nanoTime();
        startWithArk(Map.of("jimeng.download.min-speed", "50KB", "jimeng.download.stall-timeout", "1s"));

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertTrue(System.nanoTime() - started < 20_000_000_000L, "within the bound");
        assertEquals("SUCCESS", result.path("status").asText());
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        JsonNode frame = imagesOf(result).get("last-frame");
        assertTrue(frame.path("error").asText().contains("jimeng.download.min-speed"), frame.toString());
        assertFalse(frame.has("file"));
        assertEquals(List.of(), partsLeft(), "given up: nothing of it kept");
    }

    @Test
    void somethingThatIsNoImageIsRefusedAndRecordedAndTheTaskSucceeds() throws Exception {
        String id = "cgt-images-html";
        byte[] video = Videos.mp4(30_000, 81);
        String pageUrl = api.video("frame-page.png", Videos.html("Service temporarily unavailable"));
        api.ark().answers(id, arkSuccess(id, api.video("images-html.mp4", video), Map.of("last_frame_url", pageUrl)));
        startWithArk(Map.of());

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertEquals("SUCCESS", result.path("status").asText());
        assertArrayEquals(video, Files.readAllBytes(app.video(id)));
        JsonNode frame = imagesOf(result).get("last-frame");
        assertTrue(frame.path("error").asText().startsWith("not an image"), frame.toString());
        assertFalse(frame.has("file"));
        assertEquals(List.of(id + ".mp4"), filesUnder(app.output("videos")), "nothing of it kept");
        assertEquals(List.of(), partsLeft());
        assertEquals(1, api.requestsTo("/videos/frame-page.png").size(), "refused for good, not asked again");
    }

    @Test
    void anImageLargerThanMaxImageSizeIsRefusedAndNothingOfItIsLeft() throws Exception {
        String id = "cgt-images-large";
        byte[] video = Videos.mp4(30_000, 82);
        Map<String, String> urls = new LinkedHashMap<>();
        // Announced by its Content-Length.
        urls.put("last_frame_url", api.video("large-frame.png", png(64 * 1024, 83)));
        // Without a length: counted as it streams.
        urls.put("cover_url", api.video("large-cover.jpg", jpeg(64 * 1024, 84), Behaviour.CHUNKED));
        urls.put("thumbnail_url", api.video("small-thumb.webp", webp(2_000, 85)));
        api.ark().answers(id, arkSuccess(id, api.video("images-large.mp4", video), urls));
        startWithArk(Map.of("jimeng.output.max-image-size", "16KB"));

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertEquals("SUCCESS", result.path("status").asText());
        Map<String, JsonNode> images = imagesOf(result);
        for (String name : List.of("last-frame", "cover")) {
            String error = images.get(name).path("error").asText();
            assertTrue(error.contains("larger than jimeng.output.max-image-size (16384 bytes)"), images.get(name).toString());
        }
        assertEquals("videos/" + id + ".thumbnail.webp", images.get("thumbnail").path("file").asText(), "a small one is saved all the same");
        assertEquals(List.of(id + ".mp4", id + ".thumbnail.webp"), filesUnder(app.output("videos")));
        assertEquals(List.of(), partsLeft());
    }

    @Test
    void withImagesOffTheStorageHostIsAskedForTheVideoOnly() throws Exception {
        String id = "cgt-images-off";
        byte[] video = Videos.mp4(30_000, 86);
        String frameUrl = api.video("off-frame.png", png(4_000, 87));
        api.ark().answers(id, arkSuccess(id, api.video("images-off.mp4", video), Map.of("last_frame_url", frameUrl)));
        startWithArk(Map.of("jimeng.output.images", "false"));

        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertFalse(result.has("images"), result.toString());
        assertEquals(List.of("/videos/images-off.mp4"), api.storageRequests().stream().map(r -> r.path()).toList());
        assertEquals(List.of(id + ".mp4"), filesUnder(app.output("videos")));
    }

    @Test
    void aStillAHookWroteBesideATemplatedVideoIsItsPoster() throws Exception {
        String id = "cgt-images-hook";
        byte[] video = Videos.mp4(30_000, 88);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video("images-hook.mp4", video))));
        Map<String, String> settings = new HashMap<>();
        int port = Http.enable(settings);
        settings.put("jimeng.output.video-name", "{kind}-{task_id}");
        startApp(settings);
        app.drop("ids.txt", id + "\n");
        JsonNode result = awaitResult(id);
        assertFalse(result.has("images"), "the gateway's answers name no image: " + result);
        assertEquals(404, Http.get(port, "/videos/" + id + ".poster").statusCode());

        Path published = app.output("").resolve(result.path("video_file").asText());
        assertEquals("jimeng-videos-" + id + ".mp4", published.getFileName().toString());
        byte[] cover = jpeg(3_000, 89);
        Files.write(published.resolveSibling("jimeng-videos-" + id + ".cover.jpg"), cover);

        HttpResponse<byte[]> poster = Http.getBytes(port, "/videos/" + id + ".poster");
        assertEquals(200, poster.statusCode());
        assertEquals("image/jpeg", poster.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(cover, poster.body());
    }

    @Test
    void aMaxImageSizeThatIsNoSizeStopsTheStart() {
        String reason = StartFailures.reason(root, api.baseUrl(), Map.of("jimeng.output.max-image-size", "big"));
        assertTrue(reason.startsWith("jimeng.output.max-image-size=big is not a size"), reason);
        assertTrue(reason.contains("JIMENG_OUTPUT_MAX_IMAGE_SIZE"), reason);
    }
}
