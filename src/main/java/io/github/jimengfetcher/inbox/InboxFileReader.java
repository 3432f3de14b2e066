package io.github.jimengfetcher.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

import io.github.jimengfetcher.config.InboxSettings;
import io.github.jimengfetcher.task.KnownProviders;

/**
 * Reads one inbox file into task ids. Reading is bounded: a file over the size
 * limit is rejected from its size alone, never loaded; what it holds is read a line or a
 * document at a time, and of its rejections the first {@link Rejections#KEPT} are kept, the
 * others counted.
 *
 * Forms: one id a line ('#' comments and blank lines ignored), JSON documents one after
 * another (JSON lines) holding task_id fields, or an empty file whose own name is the id. An id
 * may name its provider ({@code ark:cgt-...}, or a JSON provider field): one this instance knows.
 * Lines appended to a file after it was read are read by {@link #readAppended}.
 */
public class InboxFileReader {

    private final long maxFileSize;
    /** A file changed more recently may still be being written. */
    private final long settleTime;
    /** Lines appended after a read are read later ({@link InboxFollowUp}). */
    private final boolean followsAppends;
    private final KnownProviders providers;

    public InboxFileReader(InboxSettings settings, KnownProviders providers) {
        this.providers = providers;
        this.maxFileSize = settings.maxFileSize();
        this.settleTime = settings.settleTime().toMillis();
        this.followsAppends = settings.followUpTime().toMillis() > 0;
    }

    /**
     * The file as a submission, named by its own time: instances sharing the inbox that read it at once
     * write one record. The time is the one the file consumer saw as it listed the file (another
     * instance may move the file away while this one reads it); else taken before the file is read.
     */
    public Submission read(@Body java.io.File inboxFile, @Header(Exchange.FILE_LAST_MODIFIED) Long listedModified) throws IOException {
        Path file = inboxFile.toPath();
        Instant received = listedModified != null && listedModified > 0 ? Instant.ofEpochMilli(listedModified) : InboxEntries.modified(file);
        return Submission.inboxFile(readFile(file), received);
    }

    private InboxFile readFile(Path file) throws IOException {
        String name = file.getFileName().toString();
        String notTaken = InboxEntries.whyNotTaken(file);
        if (notTaken != null) {
            return InboxFile.notTaken(name, notTaken);
        }
        long size = Files.size(file);
        if (size > maxFileSize) {
            return rejectedWhole(name, "file is " + size + " bytes, larger than the limit of " + maxFileSize + " bytes (jimeng.inbox.max-file-size)");
        }
        boolean settled = !followsAppends || hasSettled(file);
        byte[] bytes = readBounded(file);
        if (bytes.length > maxFileSize) {
            return rejectedWhole(name, "file grew past the limit of " + maxFileSize + " bytes while being read");
        }
        Reading reading = new Reading(providers);
        if (bytes.length == 0) {
            reading.accept(name, 0, "the file is empty, so its name is taken as the task id: ");
            return reading.result(name, 0, -1);
        }
        // Read before it settled (InboxReadLock: it ended with a line end): its whole lines now;
        // whatever its writer adds after them is read by the follow-up, from here.
        int length = settled || isUtf16(bytes) ? bytes.length : InboxText.wholeLinesEnd(bytes, 0, bytes.length);
        if (length == 0) {
            return reading.result(name, 0, -1);
        }
        InboxText text = InboxText.of(bytes, length);
        if (!text.isText()) {
            return rejectedWhole(name, "not a text file (" + text.problem() + ")");
        }
        int readTo = readText(text, name, false, 1, settled, reading);
        // Appended lines are read from where this read stopped, when the file is UTF-8 (a UTF-16 file's bytes are not lines).
        return reading.result(name, text.utf16() ? -1 : readTo, -1);
    }

    /**
     * Reads ids sent over HTTP ({@code POST /tasks}) or in a Kafka record by the same rules as a
     * file: JSON documents when the sender says so or the text looks like it, otherwise one id a
     * line. The caller has checked the size.
     *
     * @param source what the records name as the source
     */
    public InboxFile readPosted(String source, byte[] bytes, boolean json) {
        InboxText text = InboxText.of(bytes, bytes.length);
        if (!text.isText()) {
            return rejectedWhole(source, "not text (" + text.problem() + ")");
        }
        Reading reading = new Reading(providers);
        readText(text, "", json, 1, true, reading);
        return reading.result(source, -1, -1);
    }

    /**
     * Reads the lines appended to a file after its first {@code from} bytes were read. Only whole
     * lines are taken while the writer may still be writing; a last line without its line end is
     * taken once the file has settled (and a JSON document cut short is rejected only then).
     *
     * @return the appended ids; its linesEnd is where the next read starts, -1 when no further
     *         read makes sense (the file grew too large or holds what is not text)
     */
    public InboxFile readAppended(java.io.File done, String source, long from) throws IOException {
        Path file = done.toPath();
        boolean settled = hasSettled(file);
        Reading reading = new Reading(providers);
        byte[] bytes = Files.size(file) > maxFileSize ? null : readBounded(file);
        if (bytes == null || bytes.length > maxFileSize) {
            reading.reject(0, null, "lines appended after the file was read took it past the limit of "
                    + maxFileSize + " bytes (jimeng.inbox.max-file-size); later appends are not read");
            return reading.result(source, -1, from);
        }
        if (bytes.length <= from) {
            // Nothing new; shorter than before means the file was rewritten, which is not an append.
            return reading.result(source, bytes.length < from ? -1 : from, from);
        }
        int end = settled ? bytes.length : InboxText.wholeLinesEnd(bytes, (int) from, bytes.length);
        if (end <= from) {
            return reading.result(source, from, from);
        }
        int firstLine = InboxText.lineAt(bytes, (int) from);
        // The file's form is what its start says, whatever the appended part looks like.
        boolean json = InboxText.checked(bytes, InboxText.bomLength(bytes), end).looksLikeJson(source);
        if (!InboxText.isUtf8(bytes, (int) from, end)) {
            reading.reject(firstLine, null, "appended bytes are not text (not valid UTF-8); later appends are not read");
            return reading.result(source, -1, from);
        }
        for (int i = (int) from; i < end; i++) {
            if (bytes[i] == 0) {
                reading.reject(firstLine, null, "appended bytes are not text (contain NUL bytes); later appends are not read");
                return reading.result(source, -1, from);
            }
        }
        int readTo = readText(InboxText.checked(bytes, (int) from, end), "", json, firstLine, settled, reading);
        return reading.result(source, readTo, from);
    }

    /** @return where reading stopped (the end, or the start of a JSON document cut short) */
    private static int readText(InboxText text, String name, boolean json, int firstLine, boolean complete, Reading reading) {
        if (json || text.looksLikeJson(name)) {
            return JsonDocuments.read(text, firstLine, complete, reading);
        }
        IdLines.read(text, firstLine, reading);
        return text.end();
    }

    private static InboxFile rejectedWhole(String source, String reason) {
        return new InboxFile(source, List.of(), List.of(new InboxFile.Rejection(0, null, reason)));
    }

    /** Unchanged for jimeng.inbox.settle-time: its writer is done. */
    private boolean hasSettled(Path file) throws IOException {
        return System.currentTimeMillis() - Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis() >= settleTime;
    }

    /** At most one byte more than the limit; links are not followed even if one was put in the file's place. */
    private byte[] readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes((int) maxFileSize + 1);
        }
    }

    private static boolean isUtf16(byte[] bytes) {
        return bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE
                || (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF);
    }
}
