package io.github.jimengfetcher.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(javaBin);
        command.addAll(java.util.List.of(jvmOptions));
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(new File("."))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("JIMENG_"));
        builder.environment().putAll(env);
        return new AppProcess(builder.start(), log);
    }

    /** Fast settings for a process whose folders live under root. */
    public static Map<String, String> env(Path root) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("JIMENG_INBOX", root.resolve("inbox").toString());
        env.put("JIMENG_OUTPUT", root.resolve("output").toString());
        env.put("JIMENG_WORK", root.resolve("work").toString());
        env.put("JIMENG_POLL_INTERVAL", "300ms");
        env.put("JIMENG_SCHEDULER_TICK", "50ms");
        env.put("JIMENG_INBOX_SETTLE_TIME", "100ms");
        env.put("JIMENG_RETRY_INITIAL_DELAY", "100ms");
        env.put("JIMENG_RETRY_MAX_DELAY", "1s");
        env.put("JIMENG_HTTP_PORT", String.valueOf(Http.freePort()));
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
