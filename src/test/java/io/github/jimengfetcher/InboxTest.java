package io.github.jimengfetcher;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Videos;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inbox files in every accepted form, and everything that must be rejected, through the real inbox route. */
class InboxTest extends AppTestSupport {

    private void pendingForever(String... ids) {
        for (String id : ids) {
            api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "1%")));
        }
    }

    private List<JsonNode> rejectionRecords() throws Exception {
        List<JsonNode> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(app.output("rejected"))) {
            for (Path file : files.sorted().toList()) {
                records.add(JSON.readTree(file.toFile()));
            }
        }
        return records;
    }

    private void awaitInboxEmpty() {
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            try (Stream<Path> files = Files.list(app.inbox())) {
                return files.noneMatch(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith("."));
            }
        });
    }

    @Test
    void everyInputFormRegistersItsIds() throws Exception {
        pendingForever("cgt-a", "cgt-b", "cgt-c", "cgt-empty-file", "cgt-json-1", "cgt-json-2", "cgt-bom");
        startApp(Map.of());

        app.drop("list.txt", "# my batch\r\n\r\n  cgt-a  \r\ncgt-b\n\tcgt-c\t\n# cgt-commented-out\n");
        app.drop("cgt-empty-file", "");
        app.drop("submit-answer.json", "{\"code\":\"success\",\"data\":{\"task_id\":\"cgt-json-1\"},\"more\":[{\"task_id\":\"cgt-json-2\"}]}");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "cgt-bom\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(text, 0, withBom, bom.length, text.length);
        app.drop("bom.txt", withBom);

        await().atMost(Duration.ofSeconds(15)).until(() -> store().pendingCount() == 7);
        for (String id : List.of("cgt-a", "cgt-b", "cgt-c", "cgt-empty-file", "cgt-json-1", "cgt-json-2", "cgt-bom")) {
            assertTrue(store().find(taskId(id)).isPresent(), id);
        }
        assertFalse(store().find(taskId("cgt-commented-out")).isPresent());
        awaitInboxEmpty();
        try (Stream<Path> done = Files.list(app.inbox().resolve(".done"))) {
            assertEquals(4, done.count(), "every processed file is kept in inbox/.done");
        }
        assertEquals(0, app.filesIn("rejected"));
    }

    @Test
    void badLinesAreRecordedWhileTheValidIdsOfTheSameFileGoOn() throws Exception {
        pendingForever("cgt-good-1", "cgt-good-2");
        startApp(Map.of());

        String tooLong = "x".repeat(129);
        app.drop("mixed.txt", "cgt-good-1\n../../etc/passwd\ncgt bad\ncgt-%2e%2e\nid?x=1\nid#frag\na\\b\nctl\u0007char\n..\n" + tooLong + "\ncgt-good-2\n");

        await().atMost(Duration.ofSeconds(15)).until(() -> app.filesIn("rejected") == 1);
        assertTrue(store().find(taskId("cgt-good-1")).isPresent());
        assertTrue(store().find(taskId("cgt-good-2")).isPresent());
        assertEquals(2, store().pendingCount());
        JsonNode record = rejectionRecords().get(0);
        assertEquals("mixed.txt", record.path("source").asText());
        assertEquals(2, record.path("accepted_ids").asInt());
        JsonNode rejected = record.path("rejected");
        assertEquals(9, rejected.size(), record.toString());
        assertEquals(2, rejected.get(0).path("line").asInt());
        assertEquals("../../etc/passwd", rejected.get(0).path("text").asText());
        assertTrue(rejected.get(0).path("reason").asText().contains("'/'"), rejected.get(0).toString());
        assertTrue(rejected.get(1).path("reason").asText().contains("a space"));
        assertEquals("ctl\u0007char", rejected.get(6).path("text").asText());
        assertTrue(rejected.get(6).path("reason").asText().contains("U+0007"));
        assertTrue(rejected.get(7).path("reason").asText().contains("'.' or '..'"));
        assertTrue(rejected.get(8).path("reason").asText().contains("longer than 128"));
        // The control character is escaped in the record, not written raw.
        String raw = Files.readString(Files.list(app.output("rejected")).findFirst().orElseThrow());
        assertTrue(raw.contains("ctl\\u0007char"), raw);
        // Nothing outside the app's own folders was created by a hostile id.
        try (Stream<Path> all = Files.walk(root)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                String top = root.relativize(file).getName(0).toString();
                assertTrue(List.of("inbox", "output", "work").contains(top), "unexpected file " + file);
            }
        }
        assertFalse(Files.exists(root.getParent().resolve("etc/passwd.json")));
    }

    @Test
    void aFileThatIsNotTextIsRejectedWhole() throws Exception {
        startApp(Map.of());

        byte[] binary = Videos.mp4(4096, 7);
        binary[100] = 0;
        app.drop("clip.mp4", binary);

        await().atMost(Duration.ofSeconds(15)).until(() -> app.filesIn("rejected") == 1);
        JsonNode record = rejectionRecords().get(0);
        assertEquals("clip.mp4", record.path("source").asText());
        assertTrue(record.path("rejected").get(0).path("reason").asText().startsWith("not a text file"), record.toString());
        assertEquals(0, store().pendingCount());
        awaitInboxEmpty();
    }

    @Test
    void anOversizedFileIsRejectedWithoutBeingRead() throws Exception {
        startApp(Map.of());

        app.drop("huge.txt", "cgt-x\n".repeat(50 * 1024 * 1024 / 6));

        await().atMost(Duration.ofSeconds(15)).until(() -> app.filesIn("rejected") == 1);
        assertTrue(rejectionRecords().get(0).path("rejected").get(0).path("reason").asText().contains("larger than the limit"));
        assertEquals(0, store().pendingCount());
    }

    @Test
    void aFileStillBeingWrittenIsReadOnlyOnceComplete() throws Exception {
        startApp(Map.of("jimeng.inbox.settle-time", "1s"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add("cgt-slow-writer-" + i);
        }
        pendingForever(ids.toArray(String[]::new));
        Files.createDirectories(app.inbox());
        Path file = app.inbox().resolve("uploading.txt");

        // A slow writer: half a line at a time, 100 ms apart, straight under the final name.
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            for (String id : ids) {
                byte[] line = (id + "\n").getBytes(StandardCharsets.UTF_8);
                out.write(line, 0, line.length / 2);
                out.flush();
                Thread.sleep(100);
                out.write(line, line.length / 2, line.length - line.length / 2);
                out.flush();
            }
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> store().pendingCount() == 10);
        awaitInboxEmpty();
        assertEquals(0, app.filesIn("rejected"), "no half line was ever read");
        for (String id : ids) {
            assertTrue(store().find(taskId(id)).isPresent(), id);
        }
    }

    @Test
    void aFileOfWholeLinesIsReadAtOnceAndAnyOtherOnceItSettled() throws Exception {
        pendingForever("cgt-lines-a", "cgt-lines-b", "cgt-no-line-end", "cgt-json");
        startApp(Map.of("jimeng.inbox.settle-time", "5s"));

        app.drop("lines.txt", "# a batch\ncgt-lines-a\r\ncgt-lines-b\n");
        // Far sooner than the settle time: the file's lines are whole.
        await().atMost(Duration.ofSeconds(4)).until(() -> store().find(taskId("cgt-lines-a")).isPresent()
                && store().find(taskId("cgt-lines-b")).isPresent());

        // A last line without its line end, and a JSON document whose last line is not a whole
        // document: both may be half-written, so neither is read before it has not changed for the settle time.
        app.drop("partial.txt", "cgt-no-line-end");
        app.drop("doc.txt", "{\"task_ids\": [\n  \"cgt-json\"\n]}\n");
        long dropped = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId("cgt-no-line-end")).isPresent()
                && store().find(taskId("cgt-json")).isPresent());
        assertTrue(System.currentTimeMillis() - dropped >= 4_500, "read only once settled");
        awaitInboxEmpty();
        assertEquals(0, app.filesIn("rejected"));
        assertEquals(4, store().pendingCount());
    }

    @Test
    void hiddenAndTemporaryFilesAreLeftAlone() throws Exception {
        startApp(Map.of());
        Files.createDirectories(app.inbox());
        for (String name : List.of(".hidden", "upload.tmp", "video.part", "notes.txt~", "file.crdownload")) {
            Files.writeString(app.inbox().resolve(name), "cgt-should-not-register\n");
        }

        app.drop("real.txt", "cgt-real\n");
        pendingForever("cgt-real");

        await().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId("cgt-real")).isPresent());
        assertFalse(store().find(taskId("cgt-should-not-register")).isPresent());
        for (String name : List.of(".hidden", "upload.tmp", "video.part", "notes.txt~", "file.crdownload")) {
            assertTrue(Files.exists(app.inbox().resolve(name)), name + " stays in the inbox");
        }
    }

    @Test
    void theSameIdTwiceIsProcessedOnceWhilePendingAndAfterItFinished() throws Exception {
        String id = "cgt-twice";
        byte[] video = Videos.mp4(10_000, 9);
        String url = api.video("twice.mp4", video);
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "50%"), FakeGateway.success(id, url));
        startApp(Map.of("jimeng.fetch.interval", "1s"));

        app.drop("first.txt", id + "\n" + id + "\n");
        app.drop("second.txt", id + "\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        int fetches = api.fetchesOf(id).size();

        app.drop("third.txt", id + "\n");
        awaitInboxEmpty();
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                .until(() -> api.fetchesOf(id).size() == fetches && store().pendingCount() == 0);
        assertEquals(2, fetches, "one task, polled once per status");
        assertEquals(1, api.requestsTo("/videos/twice.mp4").size(), "downloaded once");
    }

    private List<Path> doneFiles() throws Exception {
        Path done = app.inbox().resolve(".done");
        if (!Files.isDirectory(done)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(done)) {
            return files.toList();
        }
    }

    @Test
    void idsAppendedThroughAnOpenStreamAfterTheReadAreRegisteredToo() throws Exception {
        byte[] video = Videos.mp4(10_000, 3);
        api.statuses("cgt-appended", FakeGateway.success("cgt-appended", api.video("appended.mp4", video)));
        pendingForever("cgt-first");
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            Files.createDirectories(app.inbox());
            // A writer that keeps its file open, like tee -a or a submit script.
            try (OutputStream out = Files.newOutputStream(app.inbox().resolve("submitted.txt"))) {
                out.write("cgt-first\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                await().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId("cgt-first")).isPresent()
                        && doneFiles().stream().anyMatch(f -> f.getFileName().toString().endsWith("-submitted.txt")));

                out.write("cgt-appended\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                awaitResult("cgt-appended");
            }
            assertEquals(1, log.containing("inbox submitted.txt (lines appended after it was read, from byte 10): 1 new tasks").size(), log.all());
            assertEquals(0, app.filesIn("rejected"));
        }
    }

    @Test
    void anAppendedLineIsTakenWholeEvenWhenItArrivesInPieces() throws Exception {
        pendingForever("cgt-first", "cgt-second-in-two-pieces");
        startApp(Map.of("jimeng.inbox.settle-time", "1s"));
        Files.createDirectories(app.inbox());
        try (OutputStream out = Files.newOutputStream(app.inbox().resolve("log.txt"))) {
            out.write("cgt-first\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            await().atMost(Duration.ofSeconds(15)).until(() -> !doneFiles().isEmpty());

            // Half a line, a pause shorter than the settle time, the rest.
            out.write("cgt-second-in".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(300);
            out.write("-two-pieces\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            await().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId("cgt-second-in-two-pieces")).isPresent());
        }
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> app.filesIn("rejected") == 0);
        assertFalse(store().find(taskId("cgt-second-in")).isPresent());
        assertEquals(2, store().pendingCount());
    }

    @Test
    void utf16AndWindowsLineEndsAndEmptyFilesNamedLikeBadIdsAreStillHandled() throws Exception {
        pendingForever("cgt-utf16-a", "cgt-utf16-b");
        startApp(Map.of());
        byte[] text = "cgt-utf16-a\r\ncgt-utf16-b\r\n".getBytes(StandardCharsets.UTF_16LE);
        byte[] utf16 = new byte[text.length + 2];
        utf16[0] = (byte) 0xFF;
        utf16[1] = (byte) 0xFE;
        System.arraycopy(text, 0, utf16, 2, text.length);
        app.drop("windows.txt", utf16);
        app.drop("my batch", "");

        await().atMost(Duration.ofSeconds(15)).until(() -> store().pendingCount() == 2 && app.filesIn("rejected") == 1);
        JsonNode record = rejectionRecords().get(0);
        assertEquals("my batch", record.path("source").asText());
        assertTrue(record.path("rejected").get(0).path("reason").asText().contains("a space"), record.toString());
    }

    @Test
    void idsStartingWithADotAreRejectedWithTheReason() throws Exception {
        pendingForever("cgt-visible");
        startApp(Map.of());

        app.drop("ids.txt", ".hidden\ncgt-visible\n");

        await().atMost(Duration.ofSeconds(15)).until(() -> app.filesIn("rejected") == 1);
        assertTrue(store().find(taskId("cgt-visible")).isPresent());
        assertEquals(1, store().pendingCount(), "only the visible id is registered: no TaskId can even be made of '.hidden'");
        JsonNode rejected = rejectionRecords().get(0).path("rejected").get(0);
        assertEquals(".hidden", rejected.path("text").asText());
        assertTrue(rejected.path("reason").asText().contains("may not start with '.'"), rejected.toString());
    }

    @Test
    void everyJsonDocumentOfAFileIsRegisteredAsJsonLinesOrOneAfterAnother() throws Exception {
        pendingForever("ok-30", "ok-31", "ok-32", "cgt-cat-1", "cgt-cat-2", "cgt-cat-3");
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());

            // What a submit script appending each answer with >> writes.
            app.drop("submits.jsonl", "{\"task_id\":\"ok-30\"}\n{\"task_id\":\"ok-31\"}\n{\"task_id\":\"ok-32\"}");
            app.drop("answers.json", "{\"task_id\":\"cgt-cat-1\"}{\"task_id\":\"cgt-cat-2\"}\n{\n  \"data\": {\"task_id\": \"cgt-cat-3\"}\n}\n");

            await().atMost(Duration.ofSeconds(15)).until(() -> store().pendingCount() == 6);
            awaitInboxEmpty();
            assertEquals(0, app.filesIn("rejected"));
            assertEquals(1, log.containing("inbox submits.jsonl: 3 new tasks, 0 already known, 0 rejected").size(), log.all());
        }
    }

    @Test
    void aMalformedJsonDocumentAmongOthersIsRejectedWithItsReasonAndTheOthersAreRegistered() throws Exception {
        pendingForever("cgt-m-1", "cgt-m-3");
        startApp(Map.of());

        app.drop("mixed.jsonl", "{\"task_id\":\"cgt-m-1\"}\n{\"task_id\": oops}\n{\"task_id\":\"cgt-m-3\"}\n{\"task_id\":\"cgt-m-4\"");

        await().atMost(Duration.ofSeconds(15)).until(() -> app.filesIn("rejected") == 1);
        assertTrue(store().find(taskId("cgt-m-1")).isPresent());
        assertTrue(store().find(taskId("cgt-m-3")).isPresent());
        assertEquals(2, store().pendingCount());
        JsonNode record = rejectionRecords().get(0);
        assertEquals(2, record.path("rejected_count").asInt(), record.toString());
        JsonNode rejected = record.path("rejected");
        assertEquals(2, rejected.get(0).path("line").asInt(), record.toString());
        assertTrue(rejected.get(0).path("reason").asText().contains("not valid JSON"), record.toString());
        assertTrue(rejected.get(0).path("reason").asText().contains("oops"), record.toString());
        assertEquals(4, rejected.get(1).path("line").asInt(), record.toString());
        assertTrue(rejected.get(1).path("reason").asText().contains("cut short"), record.toString());
    }

    @Test
    void jsonLinesAreReadAtOnceAndLinesAppendedThroughAnOpenStreamAreRegisteredToo() throws Exception {
        pendingForever("cgt-json-first", "cgt-json-appended");
        startApp(Map.of("jimeng.inbox.settle-time", "5s"));
        Files.createDirectories(app.inbox());
        // Written under a hidden name and renamed: the inbox never sees it empty; the stream writes on into it.
        Path writing = app.inbox().resolve(".answers.jsonl.writing");
        try (OutputStream out = Files.newOutputStream(writing)) {
            out.write("{\"code\":\"success\",\"data\":{\"task_id\":\"cgt-json-first\"}}\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Files.move(writing, app.inbox().resolve("answers.jsonl"));
            // Far sooner than the settle time: the file's lines are whole documents.
            await().atMost(Duration.ofSeconds(4)).until(() -> store().find(taskId("cgt-json-first")).isPresent()
                    && doneFiles().stream().anyMatch(f -> f.getFileName().toString().endsWith("-answers.jsonl")));

            out.write("{\"code\":\"success\",\"data\":{\"task_id\":\"cgt-json-appended\"}}\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            await().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId("cgt-json-appended")).isPresent());
        }
        assertEquals(0, app.filesIn("rejected"));
        assertEquals(2, store().pendingCount());
    }

    @Test
    void manyBadLinesAreCountedWithTheFirstHundredKeptAndLogged() throws Exception {
        pendingForever("cgt-among-many");
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());

            app.drop("many.txt", "bad!id\n".repeat(250) + "cgt-among-many\n");

            await().atMost(Duration.ofSeconds(15)).until(() -> app.filesIn("rejected") == 1);
            assertTrue(store().find(taskId("cgt-among-many")).isPresent());
            JsonNode record = rejectionRecords().get(0);
            assertEquals(250, record.path("rejected_count").asInt(), record.toString());
            assertEquals(100, record.path("rejected").size());
            assertEquals(150, record.path("rejected_left_out").asInt());
            assertEquals(100, record.path("rejected").get(99).path("line").asInt());
            String warning = log.containing("inbox many.txt: 250 rejected").get(0);
            assertTrue(warning.contains("line 100: bad!id") && warning.contains("and 150 more"), warning);
        }
    }
}
