package io.github.jimengfetcher.support;

import io.github.jimengfetcher.support.fake.FakeGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import io.github.jimengfetcher.JimengFetcherApplication;


/**
 * The real application, started in this JVM the way main() starts it: the same
 * Main, the same routes/*.yaml and application.properties, with the folders and
 * timings of one test put on top as override properties.
 */
public final class RunningApp implements AutoCloseable {

    private final Path root;
    private final Main main;
    private final Thread thread;
    private final CountDownLatch startedOrEnded = new CountDownLatch(1);
    private volatile Exception failure;

    private RunningApp(Path root, Map<String, String> settings, Map<String, Object> beans) {
        this.root = root;
        this.main = JimengFetcherApplication.create();
        settings.forEach(main::addOverrideProperty);
        beans.forEach(main::bind);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                startedOrEnded.countDown();
            }
        });
        this.thread = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                failure = e;
                throw new IllegalStateException(e);
            } finally {
                startedOrEnded.countDown();
            }
        }, "app-under-test");
    }

    /** Fast timings for tests; each can be overridden. */
    public static Map<String, String> testSettings(Path root, String baseUrl) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("jimeng.api.base-url", baseUrl);
        settings.put("jimeng.api.key", FakeGateway.KEY);
        settings.put("jimeng.inbox.folder", root.resolve("inbox").toString());
        settings.put("jimeng.output.folder", root.resolve("output").toString());
        settings.put("jimeng.work.folder", root.resolve("work").toString());
        settings.put("jimeng.fetch.interval", "300ms");
        settings.put("jimeng.fetch.scheduler-tick", "50ms");
        settings.put("jimeng.inbox.settle-time", "100ms");
        settings.put("jimeng.fetch.retry-initial-delay", "100ms");
        settings.put("jimeng.fetch.retry-max-delay", "1s");
        settings.put("jimeng.fetch.rate-limit-pause", "200ms");
        settings.put("jimeng.fetch.key-refused-pause", "300ms");
        // No HTTP port unless a test asks for one (Http.enable): tests may run beside other apps.
        settings.put("jimeng.http.enabled", "false");
        // Queue consumers notice a stop within 100 ms instead of 1 s: each test stops an app.
        settings.put("camel.component.seda.default-poll-timeout", "100");
        return settings;
    }

    public static RunningApp start(Path root, Map<String, String> settings) {
        return start(root, settings, Map.of());
    }

    /** With test-only beans in the registry from the start (say a route policy that breaks a worker). */
    public static RunningApp start(Path root, Map<String, String> settings, Map<String, Object> beans) {
        RunningApp app = new RunningApp(root, settings, beans);
        app.thread.start();
        // Not Awaitility: at its end it puts back the handler of uncaught throwables it found at its
        // start, over the one the app installs as it starts (WorkerFailures).
        try {
            app.startedOrEnded.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (app.failure != null) {
            throw new IllegalStateException(app.failure);
        }
        if (app.main.getCamelContext() == null || app.main.getCamelContext().getStatus() != ServiceStatus.Started) {
            throw new IllegalStateException("the app did not start");
        }
        return app;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public Path inbox() {
        return root.resolve("inbox");
    }

    public Path output(String folder) {
        return root.resolve("output").resolve(folder);
    }

    public Path work() {
        return root.resolve("work");
    }

    /** Writes an inbox file the way careful users do: under a hidden name, then renamed. */
    public Path drop(String name, String content) throws IOException {
        return drop(name, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Path drop(String name, byte[] content) throws IOException {
        Files.createDirectories(inbox());
        Path tmp = inbox().resolve(".incoming-" + name);
        Files.write(tmp, content);
        return Files.move(tmp, inbox().resolve(name));
    }

    public Path result(String id) {
        return output("results").resolve(id + ".json");
    }

    public Path failure(String id) {
        return output("failed").resolve(id + ".json");
    }

    public Path video(String id) {
        return output("videos").resolve(id + ".mp4");
    }

    public long filesIn(String folder) throws IOException {
        Path dir = output(folder);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    @Override
    public void close() throws Exception {
        main.completed();
        thread.join(Duration.ofSeconds(30).toMillis());
    }
}
