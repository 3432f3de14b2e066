package io.github.jimengfetcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.RouteBuilder;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.kafka.FinishEvent;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finished videos delivered to S3-compatible storage: a real S3 server (S3Proxy) on loopback, the real app. */
class S3DeliveryTest extends AppTestSupport {

    private static final String ACCESS = "fetcher-access";
    private static final String SECRET = "s3cr3t-never-logged-7d1f";
    private static final String BUCKET = "videos-bucket";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private BlobStoreContext blobs;
    private S3Proxy proxy;
    private int s3Port;

    @BeforeEach
    void blobStore() {
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        s3Port = Http.freePort();
    }

    @AfterEach
    void stopS3() throws Exception {
        if (app != null) {
            app.close();
            app = null;
        }
        stopProxy();
        blobs.close();
    }

    private void startProxy() throws Exception {
        BlobStore store = blobs.getBlobStore();
        proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + s3Port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        await().atMost(WAIT).until(() -> "STARTED".equals(proxy.getState()));
    }

    private void stopProxy() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
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

    /** Read back by a URL the SDK presigns: S3Proxy refuses a header the SDK's own GET sends. */
    private byte[] object(String key) throws Exception {
        try (S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1).endpointOverride(URI.create("http://127.0.0.1:" + s3Port))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))).build()) {
            URI url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(1)).getObjectRequest(b -> b.bucket(BUCKET).key(key)))
                    .url().toURI();
            HttpResponse<byte[]> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, answer.statusCode(), new String(answer.body()));
            return answer.body();
        }
    }

    private byte[] succeedWithVideo(String id, int size) {
        byte[] video = Videos.mp4(size, id.hashCode());
        api.answer(id, Answer.json(FakeGateway.success(id, api.video(id + ".mp4", video))));
        return video;
    }

    @Test
    void aFinishedVideoLandsInTheBucketUnderItsTemplatedKeyByteExactAndTheRecordNamesIt() throws Exception {
        startProxy();
        Map<String, String> settings = s3Settings();
        settings.put("jimeng.s3.prefix", "clips/{provider}");
        String id = "cgt-s3-lands";
        try (CapturedLog log = CapturedLog.capture()) {
            byte[] video = succeedWithVideo(id, 300_000);
            startApp(settings);
            List<String> hooked = new CopyOnWriteArrayList<>();
            // A lambda: Camel Main takes a RouteBuilder class of the app's package for one of its own.
            RouteBuilder.addRoutes(app.context(), routes -> routes.from("seda:task-succeeded-events?multipleConsumers=true")
                    .process(e -> hooked.add(e.getMessage().getHeader("JimengS3Uri", String.class))));
            app.drop("ids.txt", id);
            JsonNode result = awaitResult(id);
            String key = "clips/jimeng-gateway/" + id + ".mp4";
            await().atMost(WAIT).until(() -> hooked.contains("s3://" + BUCKET + "/" + key));
            assertEquals("s3://" + BUCKET + "/" + key, FinishEvent.succeeded(app.result(id), "test").get("s3_uri"), "the Kafka finish event");
            assertEquals("s3://" + BUCKET + "/" + key, result.path("s3_uri").asText(), result.toString());
            assertTrue(result.path("s3_etag").asText().matches("[0-9a-f]{32}"), result.toString());
            assertArrayEquals(video, object(key));
            assertArrayEquals(video, Files.readAllBytes(app.video(id)), "keep-local keeps the local copy");
            assertFalse(log.all().contains(SECRET), "the secret key is never logged");
        }
    }

    @Test
    void aVideoLargerThanOnePartGoesUpInPartsByteExact() throws Exception {
        startProxy();
        String id = "cgt-s3-parts";
        byte[] video = succeedWithVideo(id, 17 * 1024 * 1024 + 123);
        startApp(s3Settings());
        app.drop("ids.txt", id);
        JsonNode result = awaitResult(id);
        assertEquals("s3://" + BUCKET + "/videos/" + id + ".mp4", result.path("s3_uri").asText());
        assertArrayEquals(video, object("videos/" + id + ".mp4"));
    }

    @Test
    void withoutKeepLocalTheLocalCopyGoesAndTheObjectStandsForIt() throws Exception {
        startProxy();
        Map<String, String> settings = s3Settings();
        settings.put("jimeng.s3.keep-local", "false");
        int port = Http.enable(settings);
        String id = "cgt-s3-only";
        byte[] video = succeedWithVideo(id, 200_000);
        startApp(settings);
        app.drop("ids.txt", id);
        JsonNode result = awaitResult(id);
        assertArrayEquals(video, object("videos/" + id + ".mp4"));
        assertFalse(Files.exists(app.video(id)), "the local copy is gone once the object is confirmed");

        HttpResponse<String> retry = Http.post(port, "/tasks/" + id + "/retry", null, "");
        assertEquals(409, retry.statusCode(), retry.body());
        assertTrue(retry.body().contains(result.path("s3_uri").asText()), retry.body());
        HttpResponse<String> stream = Http.get(port, "/videos/" + id + ".mp4");
        assertEquals(404, stream.statusCode());
        assertTrue(stream.body().contains("s3://" + BUCKET + "/videos/" + id + ".mp4"), stream.body());
    }

    @Test
    void whileTheStorageIsDownTheTaskWaitsAndHealthSaysWhyThenItFinishes() throws Exception {
        Map<String, String> settings = s3Settings();
        settings.put("jimeng.s3.keep-local", "false");
        int port = Http.enable(settings);
        String id = "cgt-s3-down";
        byte[] video = succeedWithVideo(id, 200_000);
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(settings);
            await().atMost(WAIT).until(() -> log.all().contains("S3 delivery: cannot use s3://" + BUCKET));
            app.drop("ids.txt", id);
            await().atMost(WAIT).until(() -> store().find(taskId(id)).map(t -> t.faultStreak >= 2).orElse(false));
            assertFalse(Files.exists(app.result(id)), "no record before the object is there");
            Path part = app.work().resolve("downloads").resolve(id + ".mp4.part");
            // Between two attempts the verified video waits whole where its download left it, keep-local=false or not.
            await().atMost(WAIT).until(() -> Files.isRegularFile(part) && Arrays.equals(video, Files.readAllBytes(part)));
            String health = Http.get(port, "/observe/health?exposureLevel=full").body();
            assertTrue(health.contains("DOWN") && health.contains("S3 bucket " + BUCKET), health);
            assertFalse(log.all().contains(SECRET), "the secret key is never logged");
            assertFalse(health.contains(SECRET));

            startProxy();
            JsonNode result = awaitResult(id);
            assertEquals("s3://" + BUCKET + "/videos/" + id + ".mp4", result.path("s3_uri").asText());
            assertArrayEquals(video, object("videos/" + id + ".mp4"));
            assertEquals(0, app.filesIn("videos"), "no copy left behind by the failed attempts, none kept once the object is there");
            await().atMost(WAIT).until(() -> Http.get(port, "/observe/health").body().contains("UP"));
            assertFalse(log.all().contains(SECRET), "the secret key is never logged");
        }
    }

    @Test
    void aMissingBucketIsOneLineAtStartAndTheAppRuns() throws Exception {
        startProxy();
        Map<String, String> settings = s3Settings();
        settings.put("jimeng.s3.bucket", "no-such-bucket");
        int port = Http.enable(settings);
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(settings);
            await().atMost(WAIT).until(() -> log.all().contains("S3 delivery: cannot use s3://no-such-bucket"));
            String line = log.containing("S3 delivery").get(0);
            assertTrue(line.contains("NoSuchBucket"), line);
            assertFalse(line.contains("\n") || line.contains("\tat "), "one line, no stack trace: " + line);
            String health = Http.get(port, "/observe/health?exposureLevel=full").body();
            assertTrue(health.contains("DOWN") && health.contains("NoSuchBucket"), health);
        }
    }

    @Test
    void refusedCredentialsAreOneLineAtStartNamingNeitherKey() throws Exception {
        startProxy();
        Map<String, String> settings = s3Settings();
        settings.put("jimeng.s3.secret-key", "wrong-" + SECRET);
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(settings);
            await().atMost(WAIT).until(() -> log.all().contains("S3 delivery: cannot use"));
            String line = log.containing("S3 delivery").get(0);
            assertTrue(line.contains("HTTP 403") && line.contains("jimeng.s3.secret-key"), line);
            assertFalse(log.all().contains(SECRET), "no key in the log");
        }
    }

    @Test
    void wrongS3SettingsStopTheStartWithOneLineNamingTheSettingAndNeverAKey() {
        Map<String, String> noBucket = s3Settings();
        noBucket.put("jimeng.s3.bucket", "");
        assertStartFails(noBucket, "jimeng.s3.bucket is empty while jimeng.s3.enabled=true");
        Map<String, String> badEndpoint = s3Settings();
        badEndpoint.put("jimeng.s3.endpoint", "minio.lan:9000");
        assertStartFails(badEndpoint, "jimeng.s3.endpoint=minio.lan:9000 is not an http(s) URL");
        Map<String, String> badPrefix = s3Settings();
        badPrefix.put("jimeng.s3.prefix", "../{date}");
        assertStartFails(badPrefix, "jimeng.s3.prefix=../{date} leaves the bucket");
        Map<String, String> halfCredentials = s3Settings();
        halfCredentials.put("jimeng.s3.access-key", "");
        assertStartFails(halfCredentials, "jimeng.s3.access-key and jimeng.s3.secret-key go together");
    }

    @Test
    void aRegionTheSdkCannotNameAHostWithStopsTheStartWithOneLineNamingIt() {
        Map<String, String> settings = s3Settings();
        settings.remove("jimeng.s3.endpoint");
        settings.put("jimeng.s3.region", "us east 1");
        assertStartFails(settings, "jimeng.s3.region=us east 1 is not a region's name");
    }

    @Test
    void anEndpointWithoutAHostTheSdkCanReachStopsTheStartWithOneLineNamingIt() {
        // Both pass as http URLs, yet java.net.URI finds no host: a container name with '_', a stray character.
        for (String endpoint : List.of("http://minio^lan:9000", "http://minio_lan:9000")) {
            Map<String, String> settings = s3Settings();
            settings.put("jimeng.s3.endpoint", endpoint);
            assertStartFails(settings, "jimeng.s3.endpoint=" + endpoint + " has no host name");
        }
    }

    @Test
    void anEndpointCarryingAUserAndPasswordStopsTheStartWithoutEverSayingThem() {
        Map<String, String> settings = s3Settings();
        settings.put("jimeng.s3.endpoint", "http://minio:" + SECRET + "@127.0.0.1:" + s3Port);
        assertStartFails(settings, "jimeng.s3.endpoint holds a user or password (user:password@host)");
    }

    private void assertStartFails(Map<String, String> settings, String expected) {
        String reason = StartFailures.reason(root, api.baseUrl(), settings);
        assertTrue(reason.startsWith(expected), reason);
        assertFalse(reason.contains("\n"), "one line: " + reason);
        assertFalse(reason.contains(SECRET), "no key: " + reason);
    }
}
