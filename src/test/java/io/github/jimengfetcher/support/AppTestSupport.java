package io.github.jimengfetcher.support;

import io.github.jimengfetcher.support.fake.FakeGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.store.TaskStore;

import static org.awaitility.Awaitility.await;

/** What every test of the running app shares: a loopback gateway, temp folders, the app itself. */
public abstract class AppTestSupport {

    protected static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    protected Path root;

    protected final FakeGateway api = new FakeGateway();
    protected RunningApp app;

    @AfterEach
    void stopAppAndGateway() throws Exception {
        if (app != null) {
            app.close();
            app = null;
        }
        api.close();
    }

    /** Starts the app on the test settings plus these; a running one is stopped first. */
    protected RunningApp startApp(Map<String, String> extra) throws Exception {
        if (app != null) {
            app.close();
        }
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        settings.putAll(extra);
        app = RunningApp.start(root, settings);
        return app;
    }

    protected TaskStore store() {
        return app.context().getRegistry().lookupByNameAndType("taskStore", TaskStore.class);
    }

    protected JsonNode awaitResult(String id) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        return JSON.readTree(app.result(id).toFile());
    }

    protected JsonNode awaitFailure(String id) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.failure(id)));
        return JSON.readTree(app.failure(id).toFile());
    }
}
