package io.github.jimengfetcher.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.jimengfetcher.support.fake.FakeGateway;

import static org.awaitility.Awaitility.await;

/**
 * The packaged application as users run it: `java -jar target/jimeng-fetcher.jar`
 * from the project root, so it reads the same application.properties and
 * routes/*.yaml; settings come in as environment variables.
 */
public final class AppProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private AppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static AppProcess start(Path log, Map<String, String> env, String... jvmOptions) throws IOException {
        Path jar = Path.of("target/jimeng-fetcher.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("run the integration tests through `mvn verify`, which builds " + jar);
        }
        java.util.List<String> arguments = new java.util.ArrayList<>(java.util.List.of(jvmOptions));
        arguments.add("-jar");
        arguments.add(jar.toString());
        return new AppProcess(launch(Path.of("."), log, env, arguments), log);
    }

    /**
     * `java io.github.jimengfetcher.JimengFetcherApplication` from the project root on the test class
     * path (no jar needed, so unit tests can start the app as a process of its own).
     */
    public static Process startOnClassPath(Path log, Map<String, String> env, String... jvmOptions) throws IOException {
        return startOnClassPath(Path.of("."), log, env, jvmOptions);
    }

    /** The same, started from another folder: one holding its own application.properties and routes/. */
    public static Process startOnClassPath(Path folder, Path log, Map<String, String> env, String... jvmOptions) throws IOException {
        java.util.List<String> arguments = new java.util.ArrayList<>(java.util.List.of("-Xmx256m"));
        arguments.addAll(java.util.List.of(jvmOptions));
        arguments.add("-cp");
        arguments.add(System.getProperty("java.class.path"));
        arguments.add("io.github.jimengfetcher.JimengFetcherApplication");
        return launch(folder, log, env, arguments);
    }

    /** A JVM run from this folder with these arguments, its output appended to log, JIMENG_* only as given. */
    private static Process launch(Path folder, Path log, Map<String, String> env, java.util.List<String> arguments) throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("JIMENG_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** The same fast settings as the in-process tests, as environment variables; no API configured. */
    public static Map<String, String> env(Path root) {
        Map<String, String> env = new java.util.HashMap<>();
        RunningApp.testSettings(root, "").forEach((key, value) -> {
            if (key.startsWith("jimeng.") && !key.equals("jimeng.api.base-url") && !key.equals("jimeng.api.key")) {
                env.put(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'), value);
            }
        });
        // A process serves its status page, on a port of its own.
        env.remove("JIMENG_HTTP_ENABLED");
        env.put("JIMENG_HTTP_PORT", String.valueOf(Http.freePort()));
        return env;
    }

    /**
     * {@link #env} for one of several instances sharing a PostgreSQL store (the server's postgres database) and
     * an API: its own instance id and work folder (its downloads in progress); inbox and output are shared.
     */
    public static Map<String, String> sharedStoreEnv(Path root, String instance, String apiBaseUrl, int databasePort, String password) {
        Map<String, String> env = env(root);
        env.put("JIMENG_API_BASE_URL", apiBaseUrl);
        env.put("JIMENG_API_KEY", FakeGateway.KEY);
        env.put("JIMENG_STORE_URL", "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres");
        env.put("JIMENG_STORE_USER", "postgres");
        env.put("JIMENG_STORE_PASSWORD", password);
        env.put("JIMENG_STORE_INSTANCE_ID", instance);
        env.put("JIMENG_WORK_FOLDER", root.resolve("work-" + instance).toString());
        return env;
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public void awaitLog(String text, Duration atMost) {
        await().atMost(atMost).until(() -> log().contains(text));
    }

    public Process process() {
        return process;
    }

    /** SIGKILL: no shutdown hook, no chance to tidy up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns how long the process took to exit. */
    public Duration terminate(Duration atMost) throws InterruptedException {
        long start = System.nanoTime();
        process.destroy();
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the app did not stop within " + atMost + " of SIGTERM");
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
