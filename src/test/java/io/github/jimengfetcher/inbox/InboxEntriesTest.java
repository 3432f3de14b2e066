package io.github.jimengfetcher.inbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.config.InboxSettings;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;

import io.github.jimengfetcher.task.KnownProviders;
import io.github.jimengfetcher.task.ProviderName;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What lies in the inbox besides plain files with plain names: pipes, links, folders, very long names. */
class InboxEntriesTest extends AppTestSupport {

    private void pendingForever(String... ids) {
        for (String id : ids) {
            api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "1%")));
        }
    }

    private List<JsonNode> recordsFor(String source) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        if (!Files.isDirectory(app.output("rejected"))) {
            return records;
        }
        try (Stream<Path> files = Files.list(app.output("rejected"))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                JsonNode record = JSON.readTree(file.toFile());
                if (record.path("source").asText().equals(source)) {
                    records.add(record);
                }
            }
        }
        return records;
    }

    private String reasonFor(String source) throws Exception {
        return recordsFor(source).get(0).path("rejected").get(0).path("reason").asText();
    }

    /** Recorded exactly once, and still once a few polls later. */
    private void awaitRecordedOnce(String source) {
        await().atMost(Duration.ofSeconds(15)).until(() -> recordsFor(source).size() == 1);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> recordsFor(source).size() == 1);
    }

    @Test
    void aNamedPipeNeitherBlocksTheInboxNorIsOpened() throws Exception {
        pendingForever("cgt-after-the-pipe");
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            Files.createDirectories(app.inbox());
            Path pipe = app.inbox().resolve("pipe");
            assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
            // Let the inbox see the pipe first: a reader that opens it waits for a writer forever.
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> Files.exists(pipe, LinkOption.NOFOLLOW_LINKS));

            app.drop("ids.txt", "cgt-after-the-pipe\n");

            await().atMost(Duration.ofSeconds(10)).until(() -> store().find(taskId("cgt-after-the-pipe")).isPresent());
            awaitRecordedOnce("pipe");
            assertTrue(reasonFor("pipe").contains("a named pipe"), reasonFor("pipe"));
            assertTrue(Files.readAttributes(pipe, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther(),
                    "the pipe is left where it is");
            assertEquals(1, log.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("inbox pipe")).count(), log.all());
        }
    }

    @Test
    void aFileWhoseNameIsNotValidUtf8IsRecordedOnceAndLeftAlone() throws Exception {
        pendingForever("cgt-in-a-bad-name", "cgt-after-the-bad-name");
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            Files.createDirectories(app.inbox());
            // Bytes 0xff 0xfe: no UTF-8 text, so no java.nio path given as text reaches this file.
            assertEquals(0, new ProcessBuilder("sh", "-c", "printf 'cgt-in-a-bad-name\\n' > \"$(printf '\\377\\376.txt')\"")
                    .directory(app.inbox().toFile()).start().waitFor());
            app.drop("ids.txt", "cgt-after-the-bad-name\n");

            await().atMost(Duration.ofSeconds(10)).until(() -> store().find(taskId("cgt-after-the-bad-name")).isPresent());
            String source = "\ufffd\ufffd.txt";
            awaitRecordedOnce(source);
            assertTrue(reasonFor(source).contains("its name is not valid"), reasonFor(source));
            assertFalse(store().find(taskId("cgt-in-a-bad-name")).isPresent());
            try (Stream<Path> entries = Files.list(app.inbox())) {
                assertEquals(1, entries.filter(f -> f.getFileName().toString().equals(source)).count(), "the file is left where it is");
            }
            assertEquals(1, log.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("its name is not valid")).count(), log.all());
        }
    }

    @Test
    void aLinkIsNotFollowedAndItsTargetIsLeftAlone() throws Exception {
        startApp(Map.of());
        Files.createDirectories(app.inbox());
        Path outside = root.resolve("private.txt");
        Files.writeString(outside, "cgt-from-outside\n");
        Path link = Files.createSymbolicLink(app.inbox().resolve("link.txt"), outside);

        awaitRecordedOnce("link.txt");
        assertTrue(reasonFor("link.txt").contains("symbolic link"), reasonFor("link.txt"));
        assertFalse(store().find(taskId("cgt-from-outside")).isPresent());
        assertTrue(Files.isSymbolicLink(link), "the link stays");
        assertEquals("cgt-from-outside\n", Files.readString(outside), "the target is untouched");
        try (Stream<Path> rejected = Files.list(app.output("rejected"))) {
            for (Path file : rejected.toList()) {
                assertFalse(Files.readString(file).contains("cgt-from-outside"), "the target's content is not copied anywhere");
            }
        }
    }

    @Test
    void aFolderIsRecordedOnceAndLeftAlone() throws Exception {
        startApp(Map.of());
        Path folder = Files.createDirectories(app.inbox().resolve("batch-2"));
        Files.writeString(folder.resolve("ids.txt"), "cgt-in-a-folder\n");

        awaitRecordedOnce("batch-2");
        assertTrue(reasonFor("batch-2").contains("a folder"), reasonFor("batch-2"));
        assertTrue(Files.exists(folder.resolve("ids.txt")));
        assertFalse(store().find(taskId("cgt-in-a-folder")).isPresent());

        // Restarted: reported once more, under the same name (the folder's own time), so still one record.
        Path record;
        try (Stream<Path> files = Files.list(app.output("rejected"))) {
            record = files.filter(f -> f.getFileName().toString().startsWith("batch-2.")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(record, java.nio.file.attribute.FileTime.fromMillis(0));
        startApp(Map.of());
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.getLastModifiedTime(record).toMillis() > 0);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> recordsFor("batch-2").size() == 1);
    }

    @Test
    void instancesSharingTheInboxNameTheRecordOfAnEntryAlike() throws Exception {
        Path inbox = Files.createDirectories(root.resolve("shared-inbox"));
        Files.createDirectories(inbox.resolve("batch-3"));
        Files.createSymbolicLink(inbox.resolve("link.txt"), root.resolve("elsewhere.txt"));
        List<List<String>> seen = new ArrayList<>();
        for (int instance = 0; instance < 2; instance++) {
            InboxEntries entries = new InboxEntries();
            entries.setInbox(inbox.toString());
            seen.add(entries.unreported().stream().map(e -> e.name() + "." + e.received()).sorted().toList());
        }
        assertEquals(2, seen.get(0).size(), seen.toString());
        assertEquals(seen.get(0), seen.get(1), "both instances write the same record names");
    }

    /**
     * Instances sharing the inbox may both list a file; the one that reads it after the other moved
     * it away must not call it unreadable: that record, under the file's own time, would replace the
     * first instance's record of its rejected lines.
     */
    @Test
    void aFileAnotherInstanceMovesAwayIsNeverRecordedAsUnreadable() throws Exception {
        Path inbox = Files.createDirectories(root.resolve("shared-inbox"));
        Path done = Files.createDirectories(inbox.resolve(".done"));
        int files = 2000;
        for (int f = 0; f < files; f++) {
            Files.writeString(inbox.resolve("batch-" + f + ".txt"), "cgt-moved-" + f + "\nnot a task id\n");
        }
        InboxFileReader reader = new InboxFileReader(new InboxSettings(1 << 20, Duration.ofMillis(500), Duration.ZERO), new KnownProviders() {
            @Override
            public ProviderName defaultProvider() {
                return ProviderName.JIMENG_GATEWAY;
            }

            @Override
            public boolean knows(ProviderName name) {
                return true;
            }
        });
        // File by file, the other instance moves it as this one starts reading it.
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        Thread other = new Thread(() -> {
            try {
                for (int f = 0; f < files; f++) {
                    together.await();
                    Files.move(inbox.resolve("batch-" + f + ".txt"), done.resolve("batch-" + f + ".txt"));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        other.start();
        List<String> wrong = new ArrayList<>();
        int read = 0;
        int gone = 0;
        for (int f = 0; f < files; f++) {
            together.await();
            try {
                Submission submission = reader.read(inbox.resolve("batch-" + f + ".txt").toFile(), null);
                read++;
                if (!submission.reasons().contains("not a task id")) {
                    wrong.add(submission.reasons());
                }
            } catch (java.nio.file.NoSuchFileException e) {
                gone++; // not registered here; the other instance registers it
            }
        }
        other.join();
        assertEquals(List.of(), wrong, read + " read, " + gone + " gone before they were read");
    }

    @Test
    void aFileGoneBeforeItWasReadIsToldApartFromOtherMissingFiles() {
        Exception wrapped = new org.apache.camel.RuntimeCamelException(new java.nio.file.NoSuchFileException("/inbox/batch-1.txt"));
        assertTrue(InboxFaults.isGone("batch-1.txt", wrapped));
        assertFalse(InboxFaults.isGone("batch-2.txt", wrapped), "another file");
        assertFalse(InboxFaults.isGone("batch-1.txt", new java.nio.file.NoSuchFileException("/output/rejected")), "a folder of the output");
        assertFalse(InboxFaults.isGone("batch-1.txt", new java.io.IOException("No space left on device")));
    }

    @Test
    void aFileWithAVeryLongNameIsReadAndKeptUnderAShortenedName() throws Exception {
        pendingForever("cgt-long-name");
        String name = "任务".repeat(40) + ".txt"; // 84 characters, 244 bytes in UTF-8
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            app.drop(name, "cgt-long-name\nnot an id\n");

            await().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId("cgt-long-name")).isPresent()
                    && !Files.exists(app.inbox().resolve(name)));
            List<Path> done;
            try (Stream<Path> files = Files.list(app.inbox().resolve(".done"))) {
                done = files.toList();
            }
            assertEquals(1, done.size());
            String doneName = done.get(0).getFileName().toString();
            assertTrue(doneName.getBytes(StandardCharsets.UTF_8).length <= 255, doneName);
            assertTrue(doneName.contains("任务任务") && doneName.endsWith(".txt"), doneName);

            await().atMost(Duration.ofSeconds(10)).until(() -> recordsFor(name).size() == 1);
            JsonNode rejected = recordsFor(name).get(0).path("rejected").get(0);
            assertEquals("not an id", rejected.path("text").asText());
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> recordsFor(name).size() == 1);
            assertFalse(log.all().contains("File name too long"), log.all());
            assertEquals(0, log.lines().stream().filter(l -> l.startsWith("ERROR")).count(), log.all());
        }
    }

    @Test
    void aNameAtTheFullLengthLimitIsReadToo() throws Exception {
        pendingForever("cgt-longest-name");
        String name = "任".repeat(85); // 255 bytes in UTF-8, the most a name can have
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());
            Files.createDirectories(app.inbox());
            Path tmp = Files.writeString(app.inbox().resolve(".incoming"), "cgt-longest-name\n");
            Files.move(tmp, app.inbox().resolve(name));

            await().atMost(Duration.ofSeconds(15)).until(() -> store().find(taskId("cgt-longest-name")).isPresent()
                    && !Files.exists(app.inbox().resolve(name)));
            assertEquals(0, log.lines().stream().filter(l -> l.startsWith("ERROR") || l.startsWith("WARN")).count(), log.all());
        }
    }

    @Test
    void twoLongNamesThatStartAlikeStayApart() {
        String a = "任务".repeat(40) + "-a.txt";
        String b = "任务".repeat(40) + "-b.txt";
        String shortA = StoredNames.fit(a);
        String shortB = StoredNames.fit(b);
        assertFalse(shortA.equals(shortB));
        assertTrue(shortA.getBytes(StandardCharsets.UTF_8).length <= StoredNames.MAX_BYTES);
        assertEquals("cgt-list.txt", StoredNames.fit("cgt-list.txt"));
    }
}
