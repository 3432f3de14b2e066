package io.github.jimengfetcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads seen from outside: health following the bucket, the uploading phase of /tasks, the upload
 * metrics, and the images beside the video going up too. A real S3 server (S3Proxy) on loopback whose
 * blob store can hold or refuse one object's write, the real app.
 */
class S3UploadsTest extends AppTestSupport {

    private static final String ACCESS = "fetcher-access";
    private static final String SECRET = "s3cr3t-never-logged-9a2c";
    private static final String BUCKET = "videos-bucket";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private BlobStoreContext blobs;
    private S3Proxy proxy;
    private int s3Port;
    /** A write of an object whose key ends so waits for {@link #release}. */
    private volatile String heldSuffix = "\0";
    private final CountDownLatch release = new CountDownLatch(1);
    /** A write of an object whose key ends so is refused. */
    private volatile String refusedSuffix = "\0";
    /** The first write of an object whose key ends so is refused, the next ones taken. */
    private volatile String refusedOnceSuffix = "\0";
    private final AtomicInteger refusedOnce = new AtomicInteger();

    @BeforeEach
    void blobStore() throws Exception {
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
        s3Port = Http.freePort();
    }

    @AfterEach
    void stopS3() throws Exception {
        release.countDown();
        if (app != null) {
            app.close();
            app = null;
        }
        if (proxy != null) {
            proxy.stop();
        }
        blobs.close();
    }

    private void startProxy() throws Exception {
        BlobStore real = blobs.getBlobStore();
        BlobStore store = (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (self, method, args) -> {
                    if (method.getName().equals("putBlob") && args[1] instanceof Blob blob) {
                        String key = blob.getMetadata().getName();
                        if (key.endsWith(refusedSuffix)) {
                            throw new IllegalStateException("this store refuses " + key);
                        }
                        if (key.endsWith(refusedOnceSuffix) && refusedOnce.getAndIncrement() == 0) {
                            throw new IllegalStateException("this store refuses " + key + " once");
                        }
                        if (key.endsWith(heldSuffix)) {
                            release.await(1, TimeUnit.MINUTES);
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + s3Port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        await().atMost(WAIT).until(() -> "STARTED".equals(proxy.getState()));
    }

    private Map<String, String> s3Settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.s3.enabled", "true");
        settings.put("jimeng.s3.bucket", BUCKET);
        settings.put("jimeng.s3.endpoint", "http://127.0.0.1:" + s3Port);
        settings.put("jimeng.s3.path-style", "true");
        settings.put("jimeng.s3.access-key", ACCESS);
        settings.put("jimeng.s3.secret-key", SECRET);
        return settings;
    }

    private static double metric(int port, String name, String label) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$")
                .matcher(Http.get(port, "/observe/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void aBucketCreatedWhileTheAppRunsTurnsHealthUpWithoutAnyTask() throws Exception {
        startProxy();
        Map<String, String> settings = s3Settings();
        int port = Http.enable(settings);
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(settings);
            await().atMost(WAIT).until(() -> log.all().contains("S3 delivery: cannot use s3://" + BUCKET));
            String health = Http.get(port, "/observe/health?exposureLevel=full").body();
            assertTrue(health.contains("DOWN") && health.contains("S3 bucket " + BUCKET) && health.contains("NoSuchBucket"), health);

            blobs.getBlobStore().createContainerInLocation(null, BUCKET);

            // Checked again every 15 s while the problem stands.
            await().atMost(Duration.ofSeconds(45)).until(() -> Http.get(port, "/observe/health").body().contains("UP"));
            assertEquals(1, log.containing("S3 delivery: cannot use").size(), "the problem said once, not at every check");
            assertTrue(log.all().contains("S3 delivery to s3://" + BUCKET + " at http://127.0.0.1:" + s3Port + " is ready again"), log.all());
            assertFalse(Files.exists(app.output("results")) && app.filesIn("results") > 0, "no task needed");
        }
    }

    @Test
    void whileItsVideoGoesUpTheTaskIsListedFilteredAndCountedAsUploadingAndTheUploadIsCounted() throws Exception {
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        String id = "cgt-s3-uploading";
        heldSuffix = id + ".mp4";
        startProxy();
        Map<String, String> settings = s3Settings();
        int port = Http.enable(settings);
        byte[] video = Videos.mp4(250_000, 5);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video(id + ".mp4", video))));
        startApp(settings);
        assertEquals(0, metric(port, "jimeng_uploads_total", "outcome=\"ok\""), "there from the start");
        app.drop("ids.txt", id);

        await().atMost(WAIT).until(() -> "uploading".equals(taskState(port, id)));
        JsonNode uploading = JSON.readTree(Http.get(port, "/tasks?state=uploading").body());
        assertEquals(1, uploading.path("total").asInt(), uploading.toString());
        assertEquals(id, uploading.path("tasks").get(0).path("id").asText());
        assertEquals(1, uploading.path("counts").path("uploading").asInt(), uploading.toString());
        assertEquals(0, uploading.path("counts").path("downloading").asInt(), "counted once, as uploading: " + uploading);
        assertEquals(0, JSON.readTree(Http.get(port, "/tasks?state=downloading").body()).path("total").asInt());
        release.countDown();
        JsonNode result = awaitResult(id);
        assertEquals("s3://" + BUCKET + "/videos/" + id + ".mp4", result.path("s3_uri").asText());
        await().atMost(WAIT).until(() -> "succeeded".equals(taskState(port, id)));
        JsonNode done = JSON.readTree(Http.get(port, "/tasks").body());
        assertEquals(0, done.path("counts").path("uploading").asInt(), done.toString());
        assertEquals(1, done.path("counts").path("succeeded").asInt(), done.toString());
        assertEquals(1, metric(port, "jimeng_uploads_total", "outcome=\"ok\""));
        assertEquals(0, metric(port, "jimeng_uploads_total", "outcome=\"failed\""));
        assertEquals(video.length, metric(port, "jimeng_upload_bytes_total", "instance_id"));
    }

    private static String taskState(int port, String id) throws Exception {
        for (JsonNode task : JSON.readTree(Http.get(port, "/tasks").body()).path("tasks")) {
            if (id.equals(task.path("id").asText())) {
                return task.path("state").asText();
            }
        }
        return null;
    }

    @Test
    void imagesSavedBesideTheVideoGoUpBesideItsKeyAndARefusedOneIsRecordedOnItsEntryOnly() throws Exception {
        String id = "cgt-s3-images";
        Map<String, String> settings = s3Settings();
        int port = Http.enable(settings);
        byte[] cover = VideoImagesTest.jpeg(10_000, 13);
        byte[] frame = startWithArkImages(id, settings, cover);

        JsonNode result = awaitResult(id);
        assertEquals("SUCCESS", result.path("status").asText(), "an image's upload never fails the task");
        assertEquals("s3://" + BUCKET + "/clips/ark/" + id + ".mp4", result.path("s3_uri").asText(), result.toString());
        JsonNode saved = result.path("images").get(0);
        assertEquals("last-frame", saved.path("name").asText());
        String key = "clips/ark/" + id + ".last-frame.png";
        assertEquals("s3://" + BUCKET + "/" + key, saved.path("s3_uri").asText(), saved.toString());
        assertArrayEquals(frame, blobs.getBlobStore().getBlob(BUCKET, key).getPayload().openStream().readAllBytes());
        JsonNode refused = result.path("images").get(1);
        assertEquals("videos/" + id + ".cover.jpg", refused.path("file").asText(), "saved locally all the same: " + refused);
        assertFalse(refused.has("s3_uri"), refused.toString());
        assertTrue(refused.path("s3_error").asText().startsWith("not uploaded to s3://" + BUCKET + "/clips/ark/" + id + ".cover.jpg: "), refused.toString());
        assertEquals(2, metric(port, "jimeng_uploads_total", "outcome=\"ok\""), "the video and the last frame");
        assertEquals(1, metric(port, "jimeng_uploads_total", "outcome=\"failed\""));
        assertArrayEquals(cover, Files.readAllBytes(app.output("").resolve(refused.path("file").asText())));
        HttpResponse<String> health = Http.get(port, "/observe/health");
        assertTrue(health.body().contains("UP"), "a refused image is not the bucket's fault: " + health.body());
    }

    /** An Ark task whose answer has a last frame and a cover; the bucket refuses covers. @return the last frame */
    private byte[] startWithArkImages(String id, Map<String, String> settings, byte[] cover) throws Exception {
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        refusedSuffix = ".cover.jpg";
        startProxy();
        byte[] video = Videos.mp4(60_000, 11);
        byte[] frame = VideoImagesTest.png(20_000, 12);
        Map<String, String> urls = new java.util.LinkedHashMap<>();
        urls.put("last_frame_url", api.video("frame.png", frame));
        urls.put("cover_url", api.video("cover.jpg", cover));
        api.ark().answers(id, VideoImagesTest.arkSuccess(id, api.video("images.mp4", video), urls));
        settings.put("jimeng.s3.prefix", "clips/{provider}");
        Path folder = Files.createDirectories(root.resolve("providers"));
        Files.writeString(folder.resolve("ark.yaml"), VideoImagesTest.arkWithMoreImages());
        settings.put("jimeng.provider", "ark");
        settings.put("jimeng.providers.ark.base-url", api.baseUrl());
        settings.put("jimeng.providers.ark.api-key", FakeGateway.KEY);
        settings.put("jimeng.provider-files", folder.toString());
        startApp(settings);
        app.drop("ids.txt", id + "\n");
        return frame;
    }

    @Test
    void withoutKeepLocalAnImageConfirmedInTheBucketGoesFromDiskAndOneNotUpStays() throws Exception {
        String id = "cgt-s3-images-gone";
        Map<String, String> settings = s3Settings();
        settings.put("jimeng.s3.keep-local", "false");
        byte[] cover = VideoImagesTest.jpeg(10_000, 14);
        byte[] frame = startWithArkImages(id, settings, cover);
        JsonNode result = awaitResult(id);
        JsonNode saved = result.path("images").get(0);
        assertArrayEquals(frame, blobs.getBlobStore().getBlob(BUCKET, "clips/ark/" + id + ".last-frame.png").getPayload().openStream().readAllBytes());
        assertFalse(Files.exists(app.output("").resolve(saved.path("file").asText())), "the last frame is in the bucket: gone from disk");
        assertFalse(Files.exists(app.video(id)), "as the video is");
        JsonNode refused = result.path("images").get(1);
        assertTrue(refused.has("s3_error"), refused.toString());
        assertArrayEquals(cover, Files.readAllBytes(app.output("").resolve(refused.path("file").asText())), "the cover did not go up: it stays");
    }

    @Test
    void anImageWhoseFirstUploadIsRefusedIsTriedAgainAndGoesUp() throws Exception {
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        refusedOnceSuffix = ".last-frame.png";
        startProxy();
        String id = "cgt-s3-image-again";
        byte[] video = Videos.mp4(60_000, 21);
        byte[] frame = VideoImagesTest.png(20_000, 22);
        api.ark().answers(id, VideoImagesTest.arkSuccess(id, api.video("again.mp4", video), Map.of("last_frame_url", api.video("again.png", frame))));
        Map<String, String> settings = s3Settings();
        int port = Http.enable(settings);
        Path folder = Files.createDirectories(root.resolve("providers"));
        Files.writeString(folder.resolve("ark.yaml"), VideoImagesTest.arkWithMoreImages());
        settings.put("jimeng.provider", "ark");
        settings.put("jimeng.providers.ark.base-url", api.baseUrl());
        settings.put("jimeng.providers.ark.api-key", FakeGateway.KEY);
        settings.put("jimeng.provider-files", folder.toString());
        startApp(settings);
        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        JsonNode saved = result.path("images").get(0);
        String key = "videos/" + id + ".last-frame.png";
        assertEquals("s3://" + BUCKET + "/" + key, saved.path("s3_uri").asText(), saved.toString());
        assertFalse(saved.has("s3_error"), saved.toString());
        assertEquals(2, refusedOnce.get(), "refused once, taken the second time");
        assertArrayEquals(frame, blobs.getBlobStore().getBlob(BUCKET, key).getPayload().openStream().readAllBytes());
        assertEquals(2, metric(port, "jimeng_uploads_total", "outcome=\"ok\""), "the video and the image");
        assertEquals(0, metric(port, "jimeng_uploads_total", "outcome=\"failed\""), "an upload tried again counts once, as it ends");
    }
}
