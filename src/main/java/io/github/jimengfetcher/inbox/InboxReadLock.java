package io.github.jimengfetcher.inbox;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.strategy.FileChangedExclusiveReadLockStrategy;

import io.github.jimengfetcher.config.InboxSettings;

/**
 * When an inbox file may be read: the inbox consumer's read lock (bean {@code inboxReadLock}).
 *
 * A file of id lines, or of JSON lines (one document a line), that ends with a line end is read at
 * once: every line in it is whole, and what a writer still holding it open appends later is read
 * by {@link InboxFollowUp}, from where this read stopped. Any other file (a .json document, UTF-16,
 * empty, a .retry list, or a last line without its line end) is read once it has not changed for
 * jimeng.inbox.settle-time, by Camel's
 * {@code changed} read lock, so a half-written document or line is never read. With
 * jimeng.inbox.follow-up-time 0 nothing appended would be read: every file then waits to settle.
 */
public class InboxReadLock extends FileChangedExclusiveReadLockStrategy {

    /** How much of a file's start tells whether it is id lines, and of its end whether its last JSON line is whole. */
    private static final int HEAD = 512;
    private static final int TAIL = 64 * 1024;

    private final boolean readEarly;

    public InboxReadLock(InboxSettings settings) {
        setMinAge(settings.settleTime().toMillis());
        setCheckInterval(250);
        // As the file component's own readLockTimeout: a file that never settles (written on and on
        // without a line end) is skipped for this poll after 10 s, not waited for while others queue.
        setTimeout(10_000);
        // An empty file is valid input (its name is the id).
        setMinLength(0);
        // No "{name}.camelLock" marker beside the file: a name near the 255-byte limit has no room for it.
        setMarkerFiler(false);
        this.readEarly = settings.followUpTime().toMillis() > 0;
    }

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange)
            throws Exception {
        if (readEarly && endsWithWholeLine(file.getFile())) {
            return true;
        }
        return super.acquireExclusiveReadLock(operations, file, exchange);
    }

    /**
     * Id lines (see {@link #startsAsLines}) whose last byte is a line end, or JSON lines whose last
     * line is a whole document ('{' to '}': a pretty-printed document being written ends otherwise).
     */
    static boolean endsWithWholeLine(File file) {
        try (RandomAccessFile in = new RandomAccessFile(file, "r")) {
            long size = in.length();
            if (size == 0) {
                return false;
            }
            byte[] head = new byte[(int) Math.min(HEAD, size)];
            in.readFully(head);
            in.seek(size - 1);
            if (in.read() != '\n') {
                return false;
            }
            if (startsAsLines(file.getName(), head, head.length)) {
                return true;
            }
            if (!startsAsJsonLines(file.getName(), head, head.length)) {
                return false;
            }
            byte[] tail = new byte[(int) Math.min(TAIL, size)];
            in.seek(size - tail.length);
            in.readFully(tail);
            return lastLineIsDocument(tail);
        } catch (IOException gone) {
            return false; // gone or unreadable: the consumer's own checks say what it is
        }
    }

    /** Not a .json document or a .retry list, no byte-order mark, and its first character '{'. */
    static boolean startsAsJsonLines(String name, byte[] head, int length) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json") || lower.endsWith(".retry")) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = head[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{';
            }
        }
        return false;
    }

    /** The tail's last line (before its final line end) starts with '{' and ends with '}', within the tail. */
    private static boolean lastLineIsDocument(byte[] tail) {
        String text = new String(tail, 0, tail.length - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
        int start = text.lastIndexOf('\n');
        if (start < 0 && tail.length == TAIL) {
            return false; // a line longer than the tail: it waits to settle
        }
        String last = text.substring(start + 1).strip();
        return last.startsWith("{") && last.endsWith("}");
    }

    /**
     * Does the file begin like UTF-8 id lines: not a .json or .retry file, no byte-order mark,
     * and its first character (after blanks) neither '{' nor '[' (JSON: see {@link #startsAsJsonLines})?
     */
    static boolean startsAsLines(String name, byte[] head, int length) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json") || lower.endsWith(".retry")) {
            return false;
        }
        if (length >= 2 && ((head[0] == (byte) 0xFE && head[1] == (byte) 0xFF) || (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE)
                || (head[0] == (byte) 0xEF && head[1] == (byte) 0xBB))) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = head[i];
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b != '{' && b != '[' && b != 0;
        }
        return false;
    }
}
