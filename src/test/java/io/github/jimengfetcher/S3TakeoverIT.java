package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.HeldS3;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged instances on one real PostgreSQL store deliver to S3 (S3Proxy); the one uploading a
 * video is killed with SIGKILL mid-upload. The other takes the lease over once it lapses, downloads the
 * video again and uploads it: the object is whole, and the task has one result record naming it.
 */
class S3TakeoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "takeover-pw-never-logged";
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path root;

    private final Path logs = Path.of("target", "s3-takeover-it");

    @Test
    void aHolderKilledMidUploadIsTakenOverAndTheVideoDeliveredWholeOnce() throws Exception {
        Files.createDirectories(logs);
        String id = "cgt-s3-takeover";
        String key = "videos/" + id + ".mp4";
        byte[] video = Videos.mp4(400_000, 51);
        EmbeddedPostgres db = EmbeddedPostgres.builder().setPort(Http.freePort()).start();
        Map<String, AppProcess> apps = new LinkedHashMap<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        try (FakeGateway api = new FakeGateway(); HeldS3 s3 = new HeldS3()) {
            api.answer(id, Answer.json(FakeGateway.success(id, api.video(id + ".mp4", video))));
            s3.holdFirstWrite(id + ".mp4");
            for (String instance : List.of("a", "b")) {
                Files.deleteIfExists(logs.resolve(instance + ".log"));
                Map<String, String> env = env(instance, api.baseUrl(), db, s3);
                ports.put(instance, Integer.parseInt(env.get("JIMENG_HTTP_PORT")));
                apps.put(instance, AppProcess.start(logs.resolve(instance + ".log"), env));
            }
            for (AppProcess app : apps.values()) {
                app.awaitLog("Routes startup", Duration.ofSeconds(60));
            }
            Files.writeString(Files.createDirectories(root.resolve("inbox")).resolve("ids.txt"), id + "\n");

            // Whichever instance claimed the download is uploading it, as its own /tasks says.
            await().atMost(WAIT).until(s3::holding);
            String holder = null;
            for (String instance : apps.keySet()) {
                JsonNode uploading = JSON.readTree(Http.get(ports.get(instance), "/tasks?state=uploading").body());
                assertEquals(1, uploading.path("total").asInt(), instance + ": " + uploading);
                holder = uploading.path("tasks").get(0).path("lease_owner").asText();
            }
            String other = holder.equals("a") ? "b" : "a";
            apps.get(holder).kill();
            // The killed holder's write goes on from a dead connection, and ends before the takeover's.
            s3.release();
            await().atMost(WAIT).until(() -> !s3.holding());

            Path result = root.resolve("output/results/" + id + ".json");
            await().atMost(WAIT).until(() -> Files.exists(result));
            JsonNode record = JSON.readTree(result.toFile());
            assertEquals("s3://" + HeldS3.BUCKET + "/" + key, record.path("s3_uri").asText(), record.toString());
            assertArrayEquals(video, s3.object(key), "the object is the whole video");
            assertEquals(2, api.requestsTo("/videos/" + id + ".mp4").size(), "downloaded again by the instance taking over");
            assertTrue(apps.get(other).log().contains(id + " uploaded to s3://"), "uploaded by " + other);
            try (var records = Files.list(root.resolve("output/results"))) {
                assertEquals(List.of(id + ".json"), records.map(f -> f.getFileName().toString()).toList(), "one result record");
            }
            JsonNode done = JSON.readTree(Http.get(ports.get(other), "/tasks").body());
            assertEquals(1, done.path("counts").path("succeeded").asInt(), done.toString());
            assertEquals(0, done.path("counts").path("uploading").asInt(), done.toString());
        } finally {
            for (AppProcess app : apps.values()) {
                app.close();
            }
            db.close();
        }
    }

    private Map<String, String> env(String instance, String baseUrl, EmbeddedPostgres db, HeldS3 s3) {
        Map<String, String> env = AppProcess.sharedStoreEnv(root, instance, baseUrl, db.getPort(), PASSWORD);
        env.putAll(s3.env());
        env.put("JIMENG_STORE_LEASE_TIME", "3s");
        env.put("JIMENG_FETCH_INTERVAL", "1s");
        env.put("JIMENG_FETCH_MIN_INTERVAL", "500ms");
        env.put("JIMENG_FETCH_SCHEDULER_TICK", "100ms");
        return env;
    }
}
