package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.HeldS3;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An upload seen from another instance on the shared PostgreSQL store: this app uploads (its S3
 * holds the write), a second instance, a process of its own on the same database, lists the task.
 */
class SharedStoreUploadTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PASSWORD = "pw-4711-never-logged";

    private EmbeddedPostgres db;
    private HeldS3 s3;
    private Process other;

    @BeforeEach
    void start() throws Exception {
        db = EmbeddedPostgres.builder().setPort(Http.freePort()).start();
        s3 = new HeldS3();
    }

    @AfterEach
    void stop() throws Exception {
        if (other != null) {
            other.destroyForcibly();
        }
        if (app != null) {
            app.close();
            app = null;
        }
        s3.close();
        db.close();
    }

    @Test
    void anotherInstanceListsATaskUploadedHereAsUploading() throws Exception {
        String id = "cgt-shared-uploading";
        byte[] video = Videos.mp4(150_000, 41);
        api.answer(id, Answer.json(FakeGateway.success(id, api.video(id + ".mp4", video))));
        s3.holdFirstWrite(id + ".mp4");
        Map<String, String> settings = new HashMap<>(s3.settings());
        settings.put("jimeng.store.url", "jdbc:postgresql://127.0.0.1:" + db.getPort() + "/postgres");
        settings.put("jimeng.store.user", "postgres");
        settings.put("jimeng.store.password", PASSWORD);
        settings.put("jimeng.store.instance-id", "studio-a");
        settings.put("jimeng.store.lease-time", "3s");
        startApp(settings);
        app.drop("ids.txt", id + "\n");
        await().atMost(WAIT).until(s3::holding);

        Map<String, String> env = new HashMap<>(AppProcess.env(root.resolve("b")));
        env.put("JIMENG_API_BASE_URL", api.baseUrl());
        env.put("JIMENG_API_KEY", FakeGateway.KEY);
        env.put("JIMENG_STORE_URL", settings.get("jimeng.store.url"));
        env.put("JIMENG_STORE_USER", "postgres");
        env.put("JIMENG_STORE_PASSWORD", PASSWORD);
        env.put("JIMENG_STORE_INSTANCE_ID", "studio-b");
        env.put("JIMENG_STORE_LEASE_TIME", "3s");
        int otherPort = Integer.parseInt(env.get("JIMENG_HTTP_PORT"));
        Path log = Files.createDirectories(root.resolve("b")).resolve("b.log");
        other = AppProcess.startOnClassPath(log, env);
        await().atMost(WAIT).ignoreExceptions().until(() -> Http.get(otherPort, "/tasks").statusCode() == 200);

        JsonNode all = JSON.readTree(Http.get(otherPort, "/tasks").body());
        assertEquals("studio-b", all.path("instance_id").asText(), Files.readString(log));
        JsonNode task = all.path("tasks").get(0);
        assertEquals(id, task.path("id").asText());
        assertEquals("uploading", task.path("state").asText(), task.toString());
        assertEquals("studio-a", task.path("lease_owner").asText(), "held by the uploading instance: " + task);
        JsonNode seen = JSON.readTree(Http.get(otherPort, "/tasks?state=uploading").body());
        assertEquals(1, seen.path("total").asInt(), seen.toString());
        assertEquals(id, seen.path("tasks").get(0).path("id").asText());
        assertEquals(1, seen.path("counts").path("uploading").asInt(), seen.toString());
        assertEquals(0, seen.path("counts").path("downloading").asInt(), seen.toString());

        s3.release();
        awaitResult(id);
        assertArrayEquals(video, s3.object("videos/" + id + ".mp4"));
        await().atMost(WAIT).until(() -> JSON.readTree(Http.get(otherPort, "/tasks").body()).path("counts").path("succeeded").asInt() == 1);
        assertEquals(0, JSON.readTree(Http.get(otherPort, "/tasks").body()).path("counts").path("uploading").asInt());
    }
}
