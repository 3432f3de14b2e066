package io.github.jimengfetcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.camel.util.TimeUtils;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What can be checked of the deployment files without a container runtime or systemd running them:
 * they name real settings, put data where the volume is, run as no root, open the port the app
 * listens on, and carry no secret.
 */
class DeployFilesTest {

    private static final Path DOCKERFILE = Path.of("Dockerfile");
    private static final Path COMPOSE = Path.of("compose.yaml");
    private static final Path SERVICE = Path.of("deploy/jimeng-fetcher.service");
    private static final Pattern VARIABLE = Pattern.compile("\\bJIMENG_[A-Z0-9_]+");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(KEY|TOKEN|PASSWORD|SECRET).*");

    @Test
    void everyJimengVariableIsASetting() throws IOException {
        Set<String> known = settings().stringPropertyNames().stream().filter(k -> k.startsWith("jimeng."))
                .map(k -> k.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')).collect(Collectors.toSet());
        for (Path file : List.of(DOCKERFILE, COMPOSE, SERVICE)) {
            Set<String> used = new TreeSet<>();
            Matcher m = VARIABLE.matcher(Files.readString(file));
            while (m.find()) {
                used.add(m.group());
            }
            assertFalse(used.isEmpty(), file + " names no setting");
            used.removeAll(known);
            assertTrue(used.isEmpty(), file + " names variables no setting has: " + used);
        }
    }

    @Test
    void theImageKeepsItsDataUnderTheVolumeRunsAsNoRootAndExposesTheAppPort() throws IOException {
        List<String> lines = instructions();
        Map<String, String> env = new HashMap<>();
        for (String line : lines) {
            if (line.startsWith("ENV ")) {
                Matcher m = Pattern.compile("(\\w+)=(\\S+)").matcher(line.substring(4));
                while (m.find()) {
                    env.put(m.group(1), m.group(2));
                }
            }
        }
        String volume = single(lines, "VOLUME");
        for (String folder : List.of("JIMENG_INBOX_FOLDER", "JIMENG_OUTPUT_FOLDER", "JIMENG_WORK_FOLDER")) {
            assertNotNull(env.get(folder), folder + " is not set in the image");
            assertTrue(env.get(folder).startsWith(volume + "/"), folder + "=" + env.get(folder) + " is not under VOLUME " + volume);
        }
        String user = single(lines, "USER");
        for (String part : user.split(":")) {
            assertFalse(part.equals("root") || part.matches("0+"), "the image runs as root: USER " + user);
        }
        assertTrue(user.split(":")[0].matches("\\d+"), "USER is numeric, so runtimes can tell it is not root: " + user);
        String port = env.getOrDefault("JIMENG_HTTP_PORT", settings().getProperty("jimeng.http.port"));
        String notifyPort = env.getOrDefault("JIMENG_NOTIFY_PORT", settings().getProperty("jimeng.notify.port"));
        assertEquals(port + " " + notifyPort, single(lines, "EXPOSE"), "EXPOSE is the app's port (jimeng.http.port) and the notifications' (jimeng.notify.port)");
        assertEquals("0.0.0.0", env.get("JIMENG_NOTIFY_HOST"), "notifications, once on, come from beyond the container");
        assertEquals("0.0.0.0", env.get("JIMENG_HTTP_HOST"), "listens beyond the container's loopback");
        assertTrue(single(lines, "WORKDIR").equals("/app"), "the app reads ./application.properties and ./routes from /app");
        assertTrue(lines.stream().anyMatch(l -> l.matches("COPY\\s+application.properties\\s+\\./?")), "application.properties is in /app");
        assertTrue(lines.stream().anyMatch(l -> l.matches("COPY\\s+routes\\s+\\./routes/?")), "routes/ is in /app");
    }

    @Test
    void theComposeInstancesShareOneStoreAndOneVolumeUnderNamesOfTheirOwn() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        Map<String, Map<String, Object>> instances = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            if ("jimeng-fetcher".equals(map(service).get("image"))) {
                instances.put(name, map(service));
            }
        });
        assertEquals(2, instances.size(), "two instances of the app");
        Set<String> ids = new TreeSet<>();
        Set<String> stores = new TreeSet<>();
        int port = Integer.parseInt(settings().getProperty("jimeng.http.port"));
        int notifyPort = Integer.parseInt(settings().getProperty("jimeng.notify.port"));
        for (Map.Entry<String, Map<String, Object>> instance : instances.entrySet()) {
            Map<String, Object> env = map(instance.getValue().get("environment"));
            ids.add(String.valueOf(env.get("JIMENG_STORE_INSTANCE_ID")));
            stores.add(String.valueOf(env.get("JIMENG_STORE_URL")));
            assertNotNull(env.get("JIMENG_HTTP_TOKEN"), instance.getKey() + " listens on 0.0.0.0 and needs a token");
            assertTrue(list(instance.getValue().get("volumes")).stream().anyMatch(v -> String.valueOf(v).endsWith(":/data")),
                    instance.getKey() + " has the shared volume at /data");
            for (Object mapping : list(instance.getValue().get("ports"))) {
                assertTrue(String.valueOf(mapping).endsWith(":" + port) || String.valueOf(mapping).endsWith(":" + notifyPort),
                        instance.getKey() + " publishes the app's port or the notifications': " + mapping);
            }
        }
        assertEquals(2, ids.size(), "each instance has its own JIMENG_STORE_INSTANCE_ID: " + ids);
        assertEquals(1, stores.size(), "both use the same store: " + stores);
        assertTrue(stores.iterator().next().startsWith("jdbc:postgresql://db:5432/"), "the store is the db service: " + stores);
        assertEquals("postgres:16", map(services.get("db")).get("image"));
    }

    @Test
    void theServiceWaitsLongerThanTheAppsOwnShutdown() throws IOException {
        Map<String, String> service = new HashMap<>();
        for (String line : Files.readAllLines(SERVICE)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                service.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        long shutdownSeconds = Long.parseLong(settings().getProperty("camel.main.shutdown-timeout"));
        String stop = service.get("TimeoutStopSec");
        assertNotNull(stop, "TimeoutStopSec");
        long stopMillis = stop.matches("\\d+") ? Long.parseLong(stop) * 1000 : TimeUtils.toMilliSeconds(stop);
        assertTrue(stopMillis > shutdownSeconds * 1000, "TimeoutStopSec=" + stop + " is not longer than the app's " + shutdownSeconds + " s");
        assertNotEquals("root", service.get("User"));
        assertNotNull(service.get("User"), "a dedicated user");
        assertEquals("/opt/jimeng-fetcher", service.get("WorkingDirectory"));
        assertTrue(service.get("ExecStart").contains("-jar /opt/jimeng-fetcher/jimeng-fetcher.jar"), service.get("ExecStart"));
        assertEquals("on-failure", service.get("Restart"));
        assertNotNull(service.get("EnvironmentFile"), "the key and token come from an EnvironmentFile");
    }

    @Test
    void aProcessThatRanOutOfMemoryExitsAndItsSupervisorStartsItAnew() throws IOException {
        String entrypoint = single(instructions(), "ENTRYPOINT");
        assertTrue(entrypoint.matches(".*\"-XX:\\+ExitOnOutOfMemoryError\".*\"-jar\".*"), "ENTRYPOINT " + entrypoint);
        for (Map.Entry<String, Object> service : map(compose().get("services")).entrySet()) {
            Map<String, Object> instance = map(service.getValue());
            if ("jimeng-fetcher".equals(instance.get("image"))) {
                assertNull(instance.get("entrypoint"), service.getKey() + " keeps the image's java options");
                assertEquals("on-failure", instance.get("restart"), service.getKey());
            }
        }
        String exec = Files.readAllLines(SERVICE).stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertTrue(exec.matches("ExecStart=\\S*java .*-XX:\\+ExitOnOutOfMemoryError .*-jar .*"), exec);
        String prevent = Files.readAllLines(SERVICE).stream().filter(l -> l.startsWith("RestartPreventExitStatus=")).findFirst().orElseThrow();
        assertFalse(prevent.matches(".*\\b3\\b.*"), "the JVM's exit on running out of memory (3) is restarted: " + prevent);
    }

    @Test
    void noFileCarriesASecret() throws IOException {
        // Dockerfile: no secret baked into the image.
        for (String line : instructions()) {
            if (line.startsWith("ENV ") || line.startsWith("ARG ")) {
                for (String name : VARIABLE.matcher(line).results().map(java.util.regex.MatchResult::group).toList()) {
                    assertFalse(SECRET_NAME.matcher(name).matches(), "the Dockerfile sets a secret: " + line);
                }
            }
        }
        // compose.yaml: every secret is interpolated from the environment or .env, and required.
        for (Object service : map(compose().get("services")).values()) {
            Object environment = map(service).get("environment");
            if (environment == null) {
                continue;
            }
            map(environment).forEach((String name, Object value) -> {
                if (SECRET_NAME.matcher(name).matches()) {
                    assertTrue(String.valueOf(value).matches("\\$\\{[A-Z0-9_]+:\\?[^}]*}"), name + " must be ${VAR:?...}, not " + value);
                }
            });
        }
        // The service file: secrets only through EnvironmentFile.
        for (String line : Files.readAllLines(SERVICE)) {
            if (line.startsWith("Environment=")) {
                assertFalse(SECRET_NAME.matcher(line).matches(), "the service file sets a secret: " + line);
            }
        }
        for (Path file : List.of(DOCKERFILE, COMPOSE, SERVICE)) {
            String text = Files.readString(file);
            assertFalse(text.matches("(?s).*\\bsk-[A-Za-z0-9]{8,}.*"), file + " holds something like an API key");
            assertFalse(text.matches("(?s).*Bearer [A-Za-z0-9]{8,}.*"), file + " holds a bearer token");
        }
    }

    /** The instructions of the Dockerfile's last stage (the image that runs), continuation lines joined, comments dropped. */
    private static List<String> instructions() throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            if (line.strip().startsWith("#") || line.isBlank()) {
                continue;
            }
            String part = line.strip();
            boolean continues = part.endsWith("\\");
            current.append(continues ? part.substring(0, part.length() - 1) : part).append(' ');
            if (!continues) {
                if (current.toString().startsWith("FROM ")) {
                    instructions.clear();
                }
                instructions.add(current.toString().strip().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static String single(List<String> instructions, String keyword) {
        List<String> found = instructions.stream().filter(l -> l.startsWith(keyword + " ")).toList();
        assertEquals(1, found.size(), "one " + keyword + " in the Dockerfile: " + found);
        return found.get(0).substring(keyword.length() + 1).strip();
    }

    private static Map<String, Object> compose() throws IOException {
        try (Reader reader = Files.newBufferedReader(COMPOSE)) {
            return map(new Load(LoadSettings.builder().build()).loadFromReader(reader));
        }
    }

    private static Properties settings() throws IOException {
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("application.properties"))) {
            settings.load(reader);
        }
        return settings;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, "a mapping: " + value);
        return (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
