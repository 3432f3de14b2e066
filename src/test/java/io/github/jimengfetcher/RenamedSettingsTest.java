package io.github.jimengfetcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.config.RenamedSettings;
import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings that were renamed keep working under their old names, written any way a setting is
 * written (settings file, -D, environment variable), each said once at start with its new name.
 */
class RenamedSettingsTest extends AppTestSupport {

    /** The old names given as environment variables; the others go in the settings file or as -D. */
    private static final List<String> AS_ENVIRONMENT = List.of("jimeng.base-url", "jimeng.inbox", "jimeng.output", "jimeng.work",
            "jimeng.poll-interval", "jimeng.poll-interval.adaptive", "jimeng.scheduler-tick");
    private static final List<String> AS_SYSTEM_PROPERTY = List.of("jimeng.max-concurrent-fetches", "jimeng.rate-limit-pause",
            "jimeng.rate-limit-max-pause", "jimeng.key-refused-pause", "jimeng.max-concurrent-downloads");

    private static String env(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A value of every renamed setting, none its default, by old name. */
    private Map<String, String> oldValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("jimeng.base-url", api.baseUrl());
        values.put("jimeng.api-key", FakeGateway.KEY);
        values.put("jimeng.inbox", root.resolve("in").toString());
        values.put("jimeng.output", root.resolve("out").toString());
        values.put("jimeng.work", root.resolve("state").toString());
        values.put("jimeng.instance-id", "renamed-1");
        values.put("jimeng.poll-interval", "300ms");
        values.put("jimeng.poll-interval.adaptive", "false");
        values.put("jimeng.poll-interval.min", "100ms");
        values.put("jimeng.poll-interval.max", "7s");
        values.put("jimeng.task-timeout", "3h");
        values.put("jimeng.timeout-recheck", "2h,7h");
        values.put("jimeng.max-concurrent-fetches", "7");
        values.put("jimeng.retry.initial-delay", "150ms");
        values.put("jimeng.retry.max-delay", "2s");
        values.put("jimeng.rate-limit-pause", "250ms");
        values.put("jimeng.rate-limit-max-pause", "4m");
        values.put("jimeng.key-refused-pause", "350ms");
        values.put("jimeng.scheduler-tick", "50ms");
        values.put("jimeng.max-concurrent-downloads", "9");
        assertEquals(RenamedSettings.NEW_BY_OLD.keySet(), values.keySet(), "a value for every old name of the list");
        return values;
    }

    /**
     * A folder to start the app from, as a user upgrading would have it: this version's routes, plus
     * one that logs the settings it reads, and this version's settings file with these lines taken
     * out and those put in.
     */
    private Path appFolder(List<String> keysRemoved, Map<String, String> linesAdded) throws IOException {
        Path folder = root.resolve("app");
        Files.createDirectories(folder.resolve("routes"));
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.filter(path -> path.toString().endsWith(".yaml")).toList()) {
                Files.copy(route, folder.resolve("routes").resolve(route.getFileName()));
            }
        }
        StringBuilder shown = new StringBuilder("settings shown:");
        RenamedSettings.NEW_BY_OLD.values().stream().filter(key -> !key.equals("jimeng.api.key"))
                .forEach(key -> shown.append(' ').append(key).append("={{").append(key).append("}}"));
        Files.writeString(folder.resolve("routes").resolve("settings-shown.yaml"), """
                - route:
                    id: settings-shown
                    from:
                      uri: timer:settings-shown?repeatCount=1
                      steps:
                        - log:
                            message: "%s"
                """.formatted(shown));
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("application.properties"))) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq < 0 || !keysRemoved.contains(line.substring(0, eq))) {
                lines.add(line);
            }
        }
        linesAdded.forEach((key, value) -> lines.add(key + "=" + value));
        Files.write(folder.resolve("application.properties"), lines);
        return folder;
    }

    /** The test settings as environment variables, without any renamed setting's. */
    private Map<String, String> environmentWithoutRenamed() {
        Map<String, String> env = new HashMap<>(AppProcess.env(root));
        RenamedSettings.NEW_BY_OLD.values().forEach(key -> env.remove(env(key)));
        env.put("JIMENG_HTTP_ENABLED", "false");
        return env;
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static List<String> linesWith(String log, String text) {
        return log.lines().filter(line -> line.contains(text)).toList();
    }

    @Test
    void everyOldNameAsEnvironmentVariableSystemPropertyOrInTheFileSetsItsNewSettingAndIsWarnedOnce() throws Exception {
        String id = "cgt-20250829165122-renamed";
        api.statuses(id, FakeGateway.success(id, api.video("renamed.mp4", Videos.mp4(20_000, 3))));
        Map<String, String> old = oldValues();
        Map<String, String> env = environmentWithoutRenamed();
        List<String> jvmOptions = new ArrayList<>();
        Map<String, String> inFile = new LinkedHashMap<>();
        old.forEach((name, value) -> {
            if (AS_ENVIRONMENT.contains(name)) {
                env.put(env(name), value);
            } else if (AS_SYSTEM_PROPERTY.contains(name)) {
                jvmOptions.add("-D" + name + "=" + value);
            } else {
                inFile.put(name, value);
            }
        });
        // An old settings file does not have the new names: taken out of this version's file.
        List<String> newNamesInFile = inFile.keySet().stream().map(RenamedSettings.NEW_BY_OLD::get).toList();
        Path folder = appFolder(newNamesInFile, inFile);
        Path log = root.resolve("old-names.log");
        Process process = AppProcess.startOnClassPath(folder, log, env, jvmOptions.toArray(String[]::new));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive() || read(log).contains("settings shown:"));
            assertTrue(process.isAlive(), read(log));
            // Folders, API and key: a task dropped into the old-named inbox is fetched with the key and lands in the old-named output.
            Files.createDirectories(root.resolve("in"));
            Files.writeString(root.resolve("in").resolve(".incoming"), id + "\n");
            Files.move(root.resolve("in").resolve(".incoming"), root.resolve("in").resolve("ids.txt"));
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(root.resolve("out/results/" + id + ".json")));
            assertTrue(Files.exists(root.resolve("state/tasks.journal")), "the journal is in the old-named work folder");
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
        String output = read(log);
        String shown = linesWith(output, "settings shown:").get(0);
        old.forEach((name, value) -> {
            String key = RenamedSettings.NEW_BY_OLD.get(name);
            if (!key.equals("jimeng.api.key")) {
                assertTrue(shown.contains(" " + key + "=" + value + " ") || shown.endsWith(" " + key + "=" + value),
                        key + " takes the value given under " + name + ": " + shown);
            }
            String written = AS_ENVIRONMENT.contains(name) ? env(name) : name;
            List<String> warnings = linesWith(output, written + " (");
            assertEquals(1, warnings.size(), "one warning for " + written + ": " + warnings);
            assertTrue(warnings.get(0).contains("WARN") && warnings.get(0).contains("old name of " + key), warnings.get(0));
        });
        assertTrue(output.contains("Instance renamed-1:"), "the instance id given under its old name: " + output);
        assertFalse(output.contains(FakeGateway.KEY), "never the key");
    }

    @Test
    void anOldAndANewNameGivenTheSameWayTheNewOneWinsAndTheWarningSaysSo() throws Exception {
        Map<String, String> env = environmentWithoutRenamed();
        env.put("JIMENG_POLL_INTERVAL", "5s");
        env.put("JIMENG_FETCH_INTERVAL", "400ms");
        // Both in the file: this version's file has jimeng.fetch.task-timeout=2h, an old line is added to it.
        Path folder = appFolder(List.of(), Map.of("jimeng.task-timeout", "5h"));
        Path log = root.resolve("both.log");
        Process process = AppProcess.startOnClassPath(folder, log, env);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive() || read(log).contains("settings shown:"));
            assertTrue(process.isAlive(), read(log));
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
        String output = read(log);
        String shown = linesWith(output, "settings shown:").get(0);
        assertTrue(shown.contains(" jimeng.fetch.interval=400ms "), shown);
        assertTrue(shown.contains(" jimeng.fetch.task-timeout=2h "), shown);
        List<String> interval = linesWith(output, "JIMENG_POLL_INTERVAL (");
        assertEquals(1, interval.size(), output);
        assertTrue(interval.get(0).contains("old name of jimeng.fetch.interval and is ignored: JIMENG_FETCH_INTERVAL"), interval.get(0));
        List<String> timeout = linesWith(output, "jimeng.task-timeout (");
        assertEquals(1, timeout.size(), output);
        assertTrue(timeout.get(0).contains("old name of jimeng.fetch.task-timeout and is ignored: jimeng.fetch.task-timeout"), timeout.get(0));
    }

    @Test
    void aWrongValueUnderAnOldEnvironmentVariableExitsWithCode2NamingIt() throws Exception {
        Map<String, String> env = environmentWithoutRenamed();
        env.put("JIMENG_POLL_INTERVAL", "10");
        Path log = root.resolve("wrong-old.log");
        Process process = AppProcess.startOnClassPath(log, env);
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits by itself");
            assertEquals(2, process.exitValue(), read(log));
            assertTrue(read(log).contains("jimeng-fetcher cannot start: JIMENG_POLL_INTERVAL=10 has no unit: write 10s"), read(log));
            assertTrue(read(log).contains("(the old name of jimeng.fetch.interval)"), read(log));
        } finally {
            process.destroyForcibly();
        }
    }

    /** Runs the app in this thread with the test settings, old names given in place of new ones; returns main()'s one line. */
    private String startFailure(Map<String, String> oldNames) {
        // Folders of its own: a start that failed late keeps its work folder's lock.
        Map<String, String> settings = RunningApp.testSettings(root.resolve("start-" + System.nanoTime()), api.baseUrl());
        oldNames.keySet().forEach(old -> settings.remove(RenamedSettings.NEW_BY_OLD.get(old)));
        settings.putAll(oldNames);
        Main main = JimengFetcherApplication.create();
        settings.forEach(main::addOverrideProperty);
        // Bounded: a start that does not fail would run on.
        return JimengFetcherApplication.reason(assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> assertThrows(Exception.class, main::run, oldNames + " must stop the start")));
    }

    @Test
    void aWrongValueUnderAnOldNameStopsTheStartNamingTheOldName() {
        assertEquals("jimeng.task-timeout=7200 has no unit: write 7200s, 7200ms, 5m, 2h, ... (the old name of jimeng.fetch.task-timeout)",
                startFailure(Map.of("jimeng.task-timeout", "7200")));
        String id = startFailure(Map.of("jimeng.instance-id", "no/slash"));
        assertTrue(id.startsWith("jimeng.instance-id=no/slash is not a name"), id);
        String bounds = startFailure(Map.of("jimeng.poll-interval.min", "1s"));
        assertTrue(bounds.startsWith("jimeng.poll-interval.min <= jimeng.fetch.interval <= jimeng.fetch.max-interval does not hold"), bounds);
    }

    @Test
    void anOldNameInTheSettingsIsReadInProcessUnderItsNewName() throws Exception {
        try (CapturedLog log = CapturedLog.capture()) {
            Map<String, String> settings = new HashMap<>(Map.of("jimeng.max-concurrent-downloads", "5", "jimeng.poll-interval", "5s"));
            RunningApp.testSettings(root, api.baseUrl()).forEach(settings::putIfAbsent);
            startApp(settings);
            assertEquals("5", app.context().resolvePropertyPlaceholders("{{jimeng.download.max-concurrent}}"));
            // Given with the new name too (the test settings have it): the new one counts.
            assertEquals("300ms", app.context().resolvePropertyPlaceholders("{{jimeng.fetch.interval}}"));
            // A route written for an earlier version, with an old name in a placeholder, reads the new setting.
            assertEquals("2h", app.context().resolvePropertyPlaceholders("{{jimeng.task-timeout}}"));
            assertEquals(root.resolve("output").toString(), app.context().resolvePropertyPlaceholders("{{jimeng.output}}"));
            assertEquals(1, log.containing("jimeng.max-concurrent-downloads (override property) is the old name of "
                    + "jimeng.download.max-concurrent: its value is used; rename it").size(), log.all());
            assertEquals(1, log.containing("jimeng.poll-interval (override property) is the old name of jimeng.fetch.interval and is ignored: "
                    + "jimeng.fetch.interval (override property) is set too, and wins").size(), log.all());
        }
    }

    @Test
    void theKeyUnderItsNewNameIsMaskedWhereCamelListsTheSettingsAtStart() throws Exception {
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            assertFalse(log.containing("jimeng.api.key").isEmpty(), "Camel lists the key's setting: " + log.all());
            log.messages().forEach(line -> assertFalse(line.contains(FakeGateway.KEY), "never the key: " + line));
        }
    }
}
