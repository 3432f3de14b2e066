package io.github.jimengfetcher;

import io.github.jimengfetcher.support.fake.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings are checked before anything starts, and say plainly what to write; environment variables behave. */
class StartupSettingsTest extends AppTestSupport {

    /** Runs the app in this thread with the test settings plus one; returns the one line main() would print. */
    private String startFailure(String key, String value) {
        return startFailure(Map.of(key, value));
    }

    private String startFailure(Map<String, String> extra) {
        return StartFailures.reason(root, api.baseUrl(), extra);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jimeng.fetch.task-timeout | 7200 | jimeng.fetch.task-timeout=7200 has no unit: write 7200s, 7200ms, 5m, 2h",
        "jimeng.fetch.interval | 10 | jimeng.fetch.interval=10 has no unit: write 10s",
        "jimeng.fetch.min-interval | 2 | jimeng.fetch.min-interval=2 has no unit: write 2s",
        "jimeng.fetch.max-interval | soon | jimeng.fetch.max-interval=soon is not a duration",
        "jimeng.fetch.adaptive | maybe | jimeng.fetch.adaptive=maybe is not true or false",
        "jimeng.fetch.min-interval | 1s | jimeng.fetch.min-interval <= jimeng.fetch.interval <= jimeng.fetch.max-interval does not hold: 1s, 300ms, (derived) 1800ms",
        "jimeng.fetch.max-interval | 200ms | jimeng.fetch.min-interval <= jimeng.fetch.interval <= jimeng.fetch.max-interval does not hold: (derived) 60ms, 300ms, 200ms",
        "jimeng.api.request-timeout | 0s | jimeng.api.request-timeout=0s must be longer than zero",
        "jimeng.store.lease-time | 100ms | jimeng.store.lease-time=100ms is too short: write 2s or more",
        "jimeng.store.lease-time | 1999ms | jimeng.store.lease-time=1999ms is too short: write 2s or more",
        "jimeng.store.batch-time | 3001ms | jimeng.store.batch-time=3001ms is too long: write at most a tenth of jimeng.store.lease-time (3s)",
        "jimeng.store.batch-time | 20 | jimeng.store.batch-time=20 has no unit",
        "jimeng.store.batch-size | 0 | jimeng.store.batch-size=0 is out of range: write a whole number of at least 1",
        "jimeng.fetch.rate-limit-max-pause | soon | jimeng.fetch.rate-limit-max-pause=soon is not a duration",
        "jimeng.fetch.max-concurrent | 0 | jimeng.fetch.max-concurrent=0 is out of range: write a whole number of at least 1",
        "jimeng.fetch.max-concurrent | -4 | jimeng.fetch.max-concurrent=-4 is out of range",
        "jimeng.download.max-concurrent | many | jimeng.download.max-concurrent=many is not a whole number",
        "jimeng.http.port | 70000 | jimeng.http.port=70000 is out of range: write a port from 1 to 65535",
        "jimeng.download.max-size | huge | jimeng.download.max-size=huge is not a size",
        "jimeng.api.max-answer-size | 0 | jimeng.api.max-answer-size=0 must be larger than zero",
        "jimeng.http.enabled | yes | jimeng.http.enabled=yes is not true or false",
        "jimeng.http.header-timeout | 10 | jimeng.http.header-timeout=10 has no unit: write 10s",
        "jimeng.http.header-timeout | 0s | jimeng.http.header-timeout=0s must be longer than zero",
        "jimeng.http.max-connections | 0 | jimeng.http.max-connections=0 is out of range: write a whole number of at least 1",
        "jimeng.http.max-connections | lots | jimeng.http.max-connections=lots is not a whole number",
        "jimeng.http.allowed-hosts | 'fetcher.lan,my host' | jimeng.http.allowed-hosts=fetcher.lan,my host ",
        "jimeng.http.allowed-hosts | fetcher.lan:8080 | jimeng.http.allowed-hosts=fetcher.lan:8080 ",
        "jimeng.http.rejected-shown | 0 | jimeng.http.rejected-shown=0 is out of range: write a whole number from 1 to 1000",
        "jimeng.http.rejected-shown | 1001 | jimeng.http.rejected-shown=1001 is out of range: write a whole number from 1 to 1000",
        "jimeng.api.base-url | https://api.example.com/jimeng/fetch/ | jimeng.api.base-url is the API root, without /jimeng/fetch: write https://api.example.com",
        "jimeng.api.base-url | https://api.example .com | jimeng.api.base-url is not a URL",
        "jimeng.api.base-url | ftp://api.example.com | jimeng.api.base-url must be an http(s) URL",
        "jimeng.api.key | 'sk-abc def' | jimeng.api.key contains spaces",
    })
    void aWrongSettingStopsTheStartWithOneLineSayingWhatToWrite(String key, String value, String expected) {
        String reason = startFailure(key, value);
        assertTrue(reason.startsWith(expected), reason);
        assertFalse(reason.contains("\n"), "one line: " + reason);
        assertFalse(reason.contains("sk-abc"), "the key is never shown: " + reason);
    }

    @Test
    void aLeaseTimeUnderTwoSecondsStopsTheStartWithTheSharedStoreToo() {
        String reason = startFailure(Map.of("jimeng.store.lease-time", "100ms",
                "jimeng.store.url", "jdbc:postgresql://127.0.0.1:1/jimeng", "jimeng.store.user", "jimeng"));
        assertTrue(reason.startsWith("jimeng.store.lease-time=100ms is too short: write 2s or more"), reason);
        assertTrue(reason.endsWith("(environment variable JIMENG_STORE_LEASE_TIME)"), reason);
    }

    @Test
    void aBaseUrlWithSpacesAroundAndATrailingSlashIsUsedAsTheRoot() throws Exception {
        byte[] video = Videos.mp4(20_000, 3);
        api.answer("cgt-spaced", Answer.json(io.github.jimengfetcher.support.fake.FakeGateway.success("cgt-spaced", api.video("spaced.mp4", video))));
        startApp(Map.of("jimeng.api.base-url", "  " + api.baseUrl() + "/  "));

        app.drop("ids.txt", "cgt-spaced");

        awaitResult("cgt-spaced");
        assertEquals("/jimeng/fetch/cgt-spaced", api.fetchesOf("cgt-spaced").get(0).url());
    }

    // ---- The application as a process of its own, with real environment variables ----

    private static String read(Path log) throws Exception {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    void anEmptyBaseUrlVariableMeansTheDefaultTheDemo() throws Exception {
        Map<String, String> env = new HashMap<>(AppProcess.env(root));
        env.put("JIMENG_API_BASE_URL", "");
        env.put("JIMENG_API_KEY", "");
        env.put("JIMENG_HTTP_ENABLED", "false");
        Path log = root.resolve("empty-base-url.log");
        Process process = AppProcess.startOnClassPath(log, env);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive() || read(log).contains("Routes startup"));
            String output = read(log);
            assertTrue(process.isAlive(), "the app runs: " + output);
            assertTrue(output.contains("DEMO MODE"), output);
            assertFalse(output.contains("No endpoint could be found"), output);
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anEmptyKeyVariableWithABaseUrlExitsWithCode2AndSaysSo() throws Exception {
        Map<String, String> env = new HashMap<>(AppProcess.env(root));
        env.put("JIMENG_API_BASE_URL", "https://api.example.com");
        env.put("JIMENG_API_KEY", "");
        Path log = root.resolve("empty-key.log");
        Process process = AppProcess.startOnClassPath(log, env);
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits by itself");
            assertEquals(2, process.exitValue(), read(log));
            assertTrue(read(log).contains("jimeng-fetcher cannot start: jimeng.api.base-url is set but jimeng.api.key is empty"), read(log));
            assertFalse(read(log).contains("SIGTERM"), "no signal came: " + read(log));
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void anHttpHostWithSpacesAroundExitsWithCode2InsteadOfRunningWithoutItsPort() throws Exception {
        Map<String, String> env = new HashMap<>(AppProcess.env(root));
        env.put("JIMENG_HTTP_HOST", "127.0.0.1 ");
        Path log = root.resolve("host-spaces.log");
        Process process = AppProcess.startOnClassPath(log, env);
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits by itself");
            assertEquals(2, process.exitValue(), read(log));
            assertTrue(read(log).contains("jimeng-fetcher cannot start: jimeng.http.host='127.0.0.1 ' has spaces around the address"), read(log));
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aDurationVariableWithoutUnitExitsWithCode2() throws Exception {
        Map<String, String> env = new HashMap<>(AppProcess.env(root));
        env.put("JIMENG_FETCH_TASK_TIMEOUT", "7200");
        Path log = root.resolve("no-unit.log");
        Process process = AppProcess.startOnClassPath(log, env);
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits by itself");
            assertEquals(2, process.exitValue(), read(log));
            assertTrue(read(log).contains("jimeng-fetcher cannot start: jimeng.fetch.task-timeout=7200 has no unit: write 7200s"), read(log));
            assertFalse(read(log).toLowerCase(java.util.Locale.ROOT).contains("signal") || read(log).contains("SIGTERM"), "no signal came: " + read(log));
        } finally {
            process.destroyForcibly();
        }
    }
}
