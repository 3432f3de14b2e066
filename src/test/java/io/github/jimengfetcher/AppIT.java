package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.AppProcess;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole application, run from the built jar and the same YAML files users run. */
class AppIT {

    @TempDir
    Path root;

    @Test
    void demoModeLandsAVideoFromADroppedFile() throws Exception {
        Map<String, String> env = AppProcess.env(root);
        env.put("JIMENG_DEMO_TASK_TIME", "2s");
        try (AppProcess app = AppProcess.start(root.resolve("app.log"), env)) {
            app.awaitLog("DEMO MODE", Duration.ofSeconds(30));
            app.awaitLog("Routes startup", Duration.ofSeconds(30));
            Files.createDirectories(root.resolve("inbox"));
            Files.writeString(root.resolve("inbox/cgt-demo-it"), "");

            Path result = root.resolve("output/results/cgt-demo-it.json");
            // DONE is logged just after the result is written: wait for both
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(result) && app.log().contains("cgt-demo-it DONE"));
            byte[] sample = Files.readAllBytes(Path.of("src/main/resources/demo/sample.mp4"));
            assertArrayEquals(sample, Files.readAllBytes(root.resolve("output/videos/cgt-demo-it.mp4")));
            String log = app.log();
            assertTrue(log.contains("cgt-demo-it IN_PROGRESS"), log);
            assertTrue(log.contains("cgt-demo-it DONE"), log);
            assertFalse(log.contains(io.github.jimengfetcher.demo.DemoGateway.DEMO_KEY), "the key is never logged");

            Duration stop = app.terminate(Duration.ofSeconds(15));
            assertTrue(stop.toSeconds() < 15, "stopped in " + stop);
        }
    }

    @Test
    void aConfiguredApiWithoutKeyRefusesToStartWithAClearMessage() throws Exception {
        Map<String, String> env = AppProcess.env(root);
        env.put("JIMENG_API_BASE_URL", "https://api.example.com");
        try (AppProcess app = AppProcess.start(root.resolve("app.log"), env)) {
            assertTrue(app.process().waitFor(60, TimeUnit.SECONDS), "exits by itself");
            assertEquals(2, app.process().exitValue());
            assertTrue(app.log().contains("jimeng.api.base-url is set but jimeng.api.key is empty"), app.log());
        }
    }

    @Test
    void aSecondProcessOnTheSameWorkFolderExitsAtOnceNamingIt() throws Exception {
        Map<String, String> env = AppProcess.env(root);
        try (AppProcess first = AppProcess.start(root.resolve("first.log"), env)) {
            first.awaitLog("Routes startup", Duration.ofSeconds(30));
            Map<String, String> second = AppProcess.env(root);
            second.put("JIMENG_OUTPUT_FOLDER", root.resolve("second-output").toString());
            try (AppProcess app = AppProcess.start(root.resolve("second.log"), second)) {
                assertTrue(app.process().waitFor(30, TimeUnit.SECONDS), "exits by itself");
                assertEquals(2, app.process().exitValue(), app.log());
                assertTrue(app.log().contains("is already running on the work folder"), app.log());
                assertFalse(Files.exists(root.resolve("second-output")), "it touched nothing");
            }
            assertTrue(first.process().isAlive(), "the first one runs on");
        }
    }
}
