package io.github.jimengfetcher;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

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
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The keys of delivered objects: a task never replaces an object it did not upload, whether another
 * task's of the same name (its local copy gone with keep-local=false) or one put there by someone
 * else, and takes its own object's key again when its upload is done again. A real S3 server
 * (S3Proxy) on loopback, the real app.
 */
class S3ObjectKeysTest extends AppTestSupport {

    private static final String ACCESS = "fetcher-access";
    private static final String SECRET = "s3cr3t-never-logged-41be";
    private static final String BUCKET = "videos-bucket";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NAMES = "jimeng.output.video-name";

    private BlobStoreContext blobs;
    private S3Proxy proxy;
    private int s3Port;

    @BeforeEach
    void s3() throws Exception {
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        s3Port = Http.freePort();
        proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:" + s3Port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        await().atMost(WAIT).until(() -> "STARTED".equals(proxy.getState()));
    }

    @AfterEach
    void stopS3() throws Exception {
        if (app != null) {
            app.close();
            app = null;
        }
        proxy.stop();
        blobs.close();
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

    private byte[] object(String key) throws Exception {
        Blob blob = blobs.getBlobStore().getBlob(BUCKET, key);
        assertFalse(blob == null, key + " is in the bucket");
        try (var in = blob.getPayload().openStream()) {
            return in.readAllBytes();
        }
    }

    private String taskOf(String key) {
        return blobs.getBlobStore().blobMetadata(BUCKET, key).getUserMetadata().get("jimeng-task-id");
    }

    private byte[] succeeds(String id, int seed) {
        byte[] video = Videos.mp4(40_000, seed);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video(id + ".mp4", video))));
        return video;
    }

    private static String uri(String key) {
        return "s3://" + BUCKET + "/" + key;
    }

    @Test
    void twoTasksOfOneNameWithoutLocalCopiesGetAnObjectEachAndNeitherReplacesTheOther() throws Exception {
        Map<String, String> settings = s3Settings();
        settings.put("jimeng.s3.keep-local", "false");
        settings.put(NAMES, "{kind}.mp4");
        startApp(settings);
        String first = "cgt-s3-keys-first";
        String second = "cgt-s3-keys-second";
        byte[] firstVideo = succeeds(first, 71);
        byte[] secondVideo = succeeds(second, 72);

        app.drop("first.txt", first + "\n");
        assertEquals(uri("videos/jimeng-videos.mp4"), awaitResult(first).path("s3_uri").asText());
        app.drop("second.txt", second + "\n");
        JsonNode result = awaitResult(second);
        assertEquals("videos/jimeng-videos.mp4", result.path("video_file").asText(), "the local name was free again: " + result);
        assertEquals(uri("videos/jimeng-videos-" + second + ".mp4"), result.path("s3_uri").asText(), "the first task's key is not free");

        assertArrayEquals(firstVideo, object("videos/jimeng-videos.mp4"), "the first task's object is not replaced");
        assertArrayEquals(secondVideo, object("videos/jimeng-videos-" + second + ".mp4"));
        assertEquals(first, taskOf("videos/jimeng-videos.mp4"));
        assertEquals(second, taskOf("videos/jimeng-videos-" + second + ".mp4"));
    }

    @Test
    void imagesOfTwoTasksOfOneNameGoBesideEachTasksOwnObject() throws Exception {
        Path folder = Files.createDirectories(root.resolve("providers"));
        Files.writeString(folder.resolve("ark.yaml"), VideoImagesTest.arkWithMoreImages());
        Map<String, String> settings = s3Settings();
        settings.put("jimeng.s3.keep-local", "false");
        settings.put(NAMES, "{model}.mp4");
        settings.put("jimeng.provider", "ark");
        settings.put("jimeng.providers.ark.base-url", api.baseUrl());
        settings.put("jimeng.providers.ark.api-key", FakeGateway.KEY);
        settings.put("jimeng.provider-files", folder.toString());
        String first = "cgt-s3-keys-images-1";
        String second = "cgt-s3-keys-images-2";
        Map<String, byte[]> frames = new HashMap<>();
        Map<String, byte[]> covers = new HashMap<>();
        Map<String, byte[]> videos = new HashMap<>();
        int seed = 80;
        for (String id : new String[] {first, second}) {
            videos.put(id, Videos.mp4(50_000, seed++));
            frames.put(id, VideoImagesTest.png(9_000, seed++));
            covers.put(id, VideoImagesTest.jpeg(7_000, seed++));
            Map<String, String> urls = new LinkedHashMap<>();
            urls.put("last_frame_url", api.video(id + ".png", frames.get(id)));
            urls.put("cover_url", api.video(id + ".jpg", covers.get(id)));
            api.ark().answers(id, VideoImagesTest.arkSuccess(id, api.video(id + ".mp4", videos.get(id)), urls));
        }
        startApp(settings);

        app.drop("first.txt", first + "\n");
        JsonNode one = awaitResult(first);
        assertEquals(uri("videos/seedance-pro.mp4"), one.path("s3_uri").asText(), one.toString());
        // keep-local=false: its images went from disk with the video, nothing local stands in the second task's way.
        for (JsonNode image : one.path("images")) {
            assertFalse(Files.exists(app.output("").resolve(image.path("file").asText())), image.toString());
        }
        app.drop("second.txt", second + "\n");
        JsonNode two = awaitResult(second);
        assertEquals("videos/seedance-pro.mp4", two.path("video_file").asText(), two.toString());
        String stem = "videos/seedance-pro-" + second;
        assertEquals(uri(stem + ".mp4"), two.path("s3_uri").asText(), two.toString());
        assertEquals(uri(stem + ".last-frame.png"), two.path("images").get(0).path("s3_uri").asText(), two.toString());
        assertEquals(uri(stem + ".cover.jpg"), two.path("images").get(1).path("s3_uri").asText(), two.toString());

        assertArrayEquals(videos.get(first), object("videos/seedance-pro.mp4"));
        assertArrayEquals(frames.get(first), object("videos/seedance-pro.last-frame.png"), "the first task's image is not replaced");
        assertArrayEquals(covers.get(first), object("videos/seedance-pro.cover.jpg"));
        assertArrayEquals(videos.get(second), object(stem + ".mp4"));
        assertArrayEquals(frames.get(second), object(stem + ".last-frame.png"));
        assertArrayEquals(covers.get(second), object(stem + ".cover.jpg"));
        assertEquals(second, taskOf(stem + ".cover.jpg"));
    }

    @Test
    void anObjectPutThereBySomeoneElseIsLeftAsItIsAndTheTaskTakesTheNextName() throws Exception {
        byte[] theirs = "someone else's clip".getBytes();
        BlobStore store = blobs.getBlobStore();
        store.putBlob(BUCKET, store.blobBuilder("videos/jimeng-videos.mp4").payload(theirs).build());
        Map<String, String> settings = s3Settings();
        settings.put(NAMES, "{kind}.mp4");
        startApp(settings);
        String id = "cgt-s3-keys-foreign";
        byte[] video = succeeds(id, 73);

        app.drop("ids.txt", id + "\n");
        JsonNode result = awaitResult(id);
        assertEquals("videos/jimeng-videos.mp4", result.path("video_file").asText());
        assertEquals(uri("videos/jimeng-videos-" + id + ".mp4"), result.path("s3_uri").asText());
        assertArrayEquals(video, object("videos/jimeng-videos-" + id + ".mp4"));
        assertArrayEquals(theirs, object("videos/jimeng-videos.mp4"), "left untouched");
    }

    @Test
    void aTaskWhoseOwnObjectIsThereAlreadyUploadsOverItUnderTheSameKey() throws Exception {
        String id = "cgt-s3-keys-again";
        BlobStore store = blobs.getBlobStore();
        // What an earlier attempt of the task left: uploaded, then stopped before its record was written.
        store.putBlob(BUCKET, store.blobBuilder("videos/jimeng-videos.mp4").payload("an earlier attempt".getBytes())
                .userMetadata(Map.of("jimeng-task-id", id)).build());
        Map<String, String> settings = s3Settings();
        settings.put(NAMES, "{kind}.mp4");
        startApp(settings);
        byte[] video = succeeds(id, 74);

        app.drop("ids.txt", id + "\n");
        JsonNode result = awaitResult(id);
        assertEquals(uri("videos/jimeng-videos.mp4"), result.path("s3_uri").asText(), "its own key, not a second one");
        assertArrayEquals(video, object("videos/jimeng-videos.mp4"));
        assertEquals(1, store.list(BUCKET, org.jclouds.blobstore.options.ListContainerOptions.Builder.recursive()).size());
    }
}
