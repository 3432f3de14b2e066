package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log: one line per event, the task id first, and never the key. */
class LogTest extends AppTestSupport {

    @Test
    void everyLineAboutATaskStartsWithItsIdAndALargeDownloadLogsEveryTenth() throws Exception {
        String big = "cgt-log-big";
        String failed = "cgt-log-failed";
        byte[] video = Videos.mp4(60 * 1024 * 1024, 21);
        // Storage hosts announce the length of a video; the progress is counted against it.
        api.video("big.mp4", video);
        api.statuses(big, FakeGateway.status(big, "QUEUED", "0%"), FakeGateway.status(big, "IN_PROGRESS", "50%"),
                FakeGateway.success(big, api.baseUrl() + "/videos/big.mp4?X-Tos-Expires=86400"));
        api.answer(failed, Answer.json(FakeGateway.failure(failed, "content policy")));

        try (CapturedLog log = CapturedLog.capture()) {
            app = RunningApp.start(root, RunningApp.testSettings(root, api.baseUrl()));
            app.drop("ids.txt", big + "\n" + failed + "\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(app.result(big)) && Files.exists(app.failure(failed))
                    && !log.containing(big + " DONE").isEmpty());

            List<String> progress = log.messages().stream().filter(m -> m.startsWith(big + " downloading ")).toList();
            assertEquals(10, progress.size(), "one line per tenth of 60 MB: " + progress);
            for (int tenth = 1; tenth <= 10; tenth++) {
                assertTrue(progress.get(tenth - 1).startsWith(big + " downloading " + tenth * 10 + "%"), progress.toString());
            }

            for (String id : List.of(big, failed)) {
                List<String> lines = log.containing(id);
                assertTrue(lines.size() >= 2, lines.toString());
                lines.forEach(line -> assertTrue(line.startsWith(id + " "), "task id first: " + line));
                lines.forEach(line -> assertFalse(line.contains("\n"), "one line per event: " + line));
            }
            assertTrue(log.containing(big + " DONE").size() == 1);
            assertTrue(log.containing(failed + " FAILED").size() == 1);
            log.messages().forEach(line -> assertFalse(line.contains(FakeGateway.KEY), "never the key: " + line));
        }
    }

    @Test
    void controlCharactersFromTheGatewayAreWrittenEscapedAndAStackTraceKeepsItsLines() throws Exception {
        String id = "cgt-log-forged";
        // A fail_reason that would forge a second line, return the carriage, end a C string and colour a terminal.
        api.answer(id, Answer.json(FakeGateway.failure(id,
                "bad\\n12:00:00.000 INFO  forged - all fine\\r\\u0000\\u001b[31mred\\ttab\\u2028line\\u2029paragraph")));
        // A hand-edited download without a usable URL: a bug to this app, logged once with its stack trace.
        Files.createDirectories(root.resolve("work"));
        long now = System.currentTimeMillis();
        Files.writeString(root.resolve("work/tasks.journal"), "{\"op\":\"put\",\"task\":{\"id\":\"cgt-log-bug\",\"phase\":\"DOWNLOAD\","
                + "\"videoUrl\":\"not a url at all\",\"registeredAt\":" + now + ",\"nextAt\":" + now + "}}\n");
        Map<String, String> env = new HashMap<>(AppProcess.env(root));
        env.put("JIMENG_API_BASE_URL", api.baseUrl());
        env.put("JIMENG_API_KEY", FakeGateway.KEY);
        env.put("JIMENG_HTTP_ENABLED", "false");
        Path log = root.resolve("text.log");
        // The app's own log configuration, not the tests' (log4j2-test.properties is on the test class path).
        Process process = AppProcess.startOnClassPath(log, env,
                "-Dlog4j2.configurationFile=" + Path.of("target/classes/log4j2.properties").toAbsolutePath());
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive() || read(log).contains("Routes startup"));
            assertTrue(process.isAlive(), read(log));
            Files.createDirectories(root.resolve("inbox"));
            Files.writeString(root.resolve("inbox").resolve(".incoming"), id + "\n");
            Files.move(root.resolve("inbox").resolve(".incoming"), root.resolve("inbox").resolve("ids.txt"));
            await().atMost(Duration.ofSeconds(30)).until(() -> read(log).contains(id + " FAILED")
                    && read(log).contains("cgt-log-bug hit an internal error"));
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
        String output = read(log);
        List<String> failed = output.lines().filter(line -> line.contains(id + " FAILED")).toList();
        assertEquals(1, failed.size(), output);
        assertTrue(failed.get(0).endsWith("FAILED: bad\\n12:00:00.000 INFO  forged - all fine\\r\\u0000\\u001b[31mred\\ttab\\u2028line\\u2029paragraph"), failed.get(0));
        assertTrue(output.lines().noneMatch(line -> line.startsWith("12:00:00.000")), "no forged line: " + output);
        assertTrue(output.chars().noneMatch(c -> c < 0x20 && c != '\n' && c != '\t'), "no raw control character but the line ends");
        assertFalse(output.contains("\r"), "no carriage return");
        assertTrue(output.chars().noneMatch(c -> c == 0x2028 || c == 0x2029), "no raw Unicode line or paragraph separator");
        // The stack trace of the bug: the exception's own line, then one line per frame.
        List<String> lines = output.lines().toList();
        int bug = lines.indexOf(lines.stream().filter(line -> line.contains("cgt-log-bug hit an internal error")).findFirst().orElseThrow());
        assertTrue(lines.get(bug + 1).matches("\\S+(Exception|Error).*"), lines.get(bug + 1));
        assertTrue(lines.get(bug + 2).startsWith("\tat "), lines.get(bug + 2));
    }

    private static String read(Path log) throws Exception {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
