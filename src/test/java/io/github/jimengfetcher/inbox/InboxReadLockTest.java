package io.github.jimengfetcher.inbox;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.config.InboxSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboxReadLockTest {

    @TempDir
    Path dir;

    private File file(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content).toFile();
    }

    private File file(String name, String content) throws Exception {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void idLinesEndingWithALineEndAreWhole() throws Exception {
        assertTrue(InboxReadLock.endsWithWholeLine(file("a.txt", "cgt-1\ncgt-2\n")));
        assertTrue(InboxReadLock.endsWithWholeLine(file("b", "# comment\r\ncgt-1\r\n")));
        assertTrue(InboxReadLock.endsWithWholeLine(file("c.txt", "\n\n  cgt-1\n")));
    }

    @Test
    void jsonLinesEndingWithAWholeDocumentAreWholeAPrettyPrintedDocumentIsNot() throws Exception {
        assertTrue(InboxReadLock.endsWithWholeLine(file("submits.jsonl", "{\"task_id\":\"ok-1\"}\n{\"task_id\":\"ok-2\"}\n")));
        assertTrue(InboxReadLock.endsWithWholeLine(file("answers.txt", "{\"code\":\"success\",\"data\":{\"task_id\":\"ok-1\"}}\n")));
        assertFalse(InboxReadLock.endsWithWholeLine(file("pretty.jsonl", "{\n  \"task_id\": \"ok-1\"\n}\n")), "last line not a document");
        assertFalse(InboxReadLock.endsWithWholeLine(file("doc.json", "{\"task_id\":\"ok-1\"}\n")), ".json: one document, read settled");
    }

    @Test
    void anythingThatMayBeHalfWrittenIsNot() throws Exception {
        assertFalse(InboxReadLock.endsWithWholeLine(file("no-end.txt", "cgt-1\ncgt-2")), "last line without its line end");
        assertFalse(InboxReadLock.endsWithWholeLine(file("empty", "")), "empty: its name is the id once settled");
        assertFalse(InboxReadLock.endsWithWholeLine(file("doc.txt", " {\"task_ids\": [\"cgt-1\",\n")), "JSON");
        assertFalse(InboxReadLock.endsWithWholeLine(file("list.txt", "[\"cgt-1\",\n")), "JSON array");
        assertFalse(InboxReadLock.endsWithWholeLine(file("ids.json", "cgt-1\n")), ".json");
        assertFalse(InboxReadLock.endsWithWholeLine(file("failed.RETRY", "cgt-1\n")), ".retry list");
        assertFalse(InboxReadLock.endsWithWholeLine(file("blank.txt", "\n\n\n")), "nothing but blanks");
        assertFalse(InboxReadLock.endsWithWholeLine(file("nul.txt", new byte[] {0, '\n'})), "binary");
        byte[] utf16 = {(byte) 0xFF, (byte) 0xFE, 'c', 0, '\n', 0};
        assertFalse(InboxReadLock.endsWithWholeLine(file("utf16.txt", utf16)), "UTF-16");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'c', '\n'};
        assertFalse(InboxReadLock.endsWithWholeLine(file("bom.txt", bom)), "UTF-8 with a byte-order mark");
        assertFalse(InboxReadLock.endsWithWholeLine(dir.resolve("gone.txt").toFile()), "gone");
    }

    @Test
    void wholeLinesPassAtOnceOtherFilesWaitToSettleAndNothingPassesEarlyWithoutTheFollowUp() throws Exception {
        File lines = file("lines.txt", "cgt-1\n");
        File partial = file("partial.txt", "cgt-1\ncgt-");
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            InboxReadLock withFollowUp = new InboxReadLock(new InboxSettings(1 << 20, Duration.ofHours(1), Duration.ofMinutes(10)));
            assertEquals(10_000, withFollowUp.getTimeout(), "a file that never settles does not hold up the others for ever");
            withFollowUp.setTimeout(300);
            assertTrue(withFollowUp.acquireExclusiveReadLock(null, generic(lines), new DefaultExchange(context)));
            assertFalse(withFollowUp.acquireExclusiveReadLock(null, generic(partial), new DefaultExchange(context)),
                    "a fresh file that may be half-written waits for the settle time (here past the lock's timeout)");

            InboxReadLock withoutFollowUp = new InboxReadLock(new InboxSettings(1 << 20, Duration.ofHours(1), Duration.ZERO));
            withoutFollowUp.setTimeout(300);
            assertFalse(withoutFollowUp.acquireExclusiveReadLock(null, generic(lines), new DefaultExchange(context)),
                    "appends would not be read: even whole lines wait to settle");
        }
    }

    private static GenericFile<File> generic(File file) {
        GenericFile<File> generic = new GenericFile<>();
        generic.setFile(file);
        generic.setAbsoluteFilePath(file.getAbsolutePath());
        generic.setFileName(file.getName());
        generic.setFileNameOnly(file.getName());
        return generic;
    }
}
