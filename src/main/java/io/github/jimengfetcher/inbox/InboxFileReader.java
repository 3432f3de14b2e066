package io.github.jimengfetcher.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.util.TimeUtils;

import io.github.jimengfetcher.config.ByteSizes;
import io.github.jimengfetcher.task.TaskIds;

/**
 * Reads one inbox file into task ids. Reading is bounded: a file over the size
 * limit is rejected from its size alone, never loaded.
 *
 * Forms: one id a line ('#' comments and blank lines ignored), a JSON document
 * holding task_id fields, or an empty file whose own name is the id. Lines appended
 * to a file after it was read are read by {@link #readAppended}.
 */
public class InboxFileReader {

    private static final int SHOWN_TEXT_LIMIT = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private long maxFileSize;
    private long settleTime;
    private boolean followsAppends;

    public void setMaxFileSize(String size) {
        this.maxFileSize = ByteSizes.parse(size);
    }

    /** jimeng.inbox.settle-time: a file changed more recently may still be being written. */
    public void setSettleTime(String settleTime) {
        this.settleTime = TimeUtils.toMilliSeconds(settleTime);
    }

    /** jimeng.inbox.follow-up-time: above 0, lines appended after a read are read later ({@link InboxFollowUp}). */
    public void setFollowUpTime(String followUpTime) {
        this.followsAppends = TimeUtils.toMilliSeconds(followUpTime) > 0;
    }

    public InboxFile read(@Body java.io.File inboxFile) throws IOException {
        Path file = inboxFile.toPath();
        String name = file.getFileName().toString();
        List<String> ids = new ArrayList<>();
        List<InboxFile.Rejection> rejections = new ArrayList<>();
        String notTaken = InboxEntries.whyNotTaken(file);
        if (notTaken != null) {
            return InboxFile.notTaken(name, notTaken);
        }
        long size = Files.size(file);
        if (size > maxFileSize) {
            rejections.add(new InboxFile.Rejection(0, null,
                    "file is " + size + " bytes, larger than the limit of " + maxFileSize + " bytes (jimeng.inbox.max-file-size)"));
            return new InboxFile(name, ids, rejections);
        }
        byte[] bytes = readBounded(file);
        if (bytes.length > maxFileSize) {
            rejections.add(new InboxFile.Rejection(0, null, "file grew past the limit of " + maxFileSize + " bytes while being read"));
            return new InboxFile(name, ids, rejections);
        }
        if (bytes.length == 0) {
            accept(name, 0, ids, rejections, "the file is empty, so its name is taken as the task id: ");
            return new InboxFile(name, ids, rejections, 0, -1);
        }
        if (followsAppends && InboxReadLock.startsAsLines(name, bytes, bytes.length) && !hasSettled(file)) {
            // Read before it settled (InboxReadLock: it ended with a line end): its whole lines now;
            // whatever its writer adds after them is read by the follow-up, from here.
            bytes = Arrays.copyOf(bytes, wholeLinesEnd(bytes, 0));
            if (bytes.length == 0) {
                return new InboxFile(name, ids, rejections, 0, -1);
            }
        }
        String text;
        try {
            text = decode(bytes);
        } catch (CharacterCodingException e) {
            rejections.add(new InboxFile.Rejection(0, null, "not a text file (not valid UTF-8 or UTF-16 with a byte-order mark)"));
            return new InboxFile(name, ids, rejections);
        }
        if (text.indexOf('\0') >= 0) {
            rejections.add(new InboxFile.Rejection(0, null, "not a text file (contains NUL bytes)"));
            return new InboxFile(name, ids, rejections);
        }
        String trimmed = text.strip();
        if (name.toLowerCase(Locale.ROOT).endsWith(".json") || trimmed.startsWith("{") || trimmed.startsWith("[")) {
            readJson(trimmed, ids, rejections);
            return new InboxFile(name, dedupe(ids), rejections);
        }
        readLines(text, 1, ids, rejections);
        // Lines appended later are read from here on, when the file is UTF-8 (a UTF-16 file's bytes are not lines).
        long linesEnd = isUtf16(bytes) ? -1 : bytes.length;
        return new InboxFile(name, dedupe(ids), rejections, linesEnd, -1);
    }

    /**
     * Reads ids sent over HTTP ({@code POST /tasks}) by the same rules as a file: JSON when the
     * sender says so or the text looks like it, otherwise one id a line. The caller has checked the size.
     *
     * @param source what the records name as the source
     */
    public InboxFile readPosted(String source, byte[] bytes, boolean json) {
        List<String> ids = new ArrayList<>();
        List<InboxFile.Rejection> rejections = new ArrayList<>();
        String text;
        try {
            text = decode(bytes);
        } catch (CharacterCodingException e) {
            rejections.add(new InboxFile.Rejection(0, null, "not text (not valid UTF-8 or UTF-16 with a byte-order mark)"));
            return new InboxFile(source, ids, rejections);
        }
        if (text.indexOf('\0') >= 0) {
            rejections.add(new InboxFile.Rejection(0, null, "not text (contains NUL bytes)"));
            return new InboxFile(source, ids, rejections);
        }
        String trimmed = text.strip();
        if (json || trimmed.startsWith("{") || trimmed.startsWith("[")) {
            readJson(trimmed, ids, rejections);
        } else {
            readLines(text, 1, ids, rejections);
        }
        return new InboxFile(source, dedupe(ids), rejections);
    }

    /**
     * Reads the lines appended to a file after its first {@code from} bytes were read. Only whole
     * lines are taken while the writer may still be writing; a last line without its line end is
     * taken once the file has settled.
     *
     * @return the appended ids; its linesEnd is where the next read starts, -1 when no further
     *         read makes sense (the file grew too large or holds what is not text)
     */
    public InboxFile readAppended(java.io.File done, String source, long from) throws IOException {
        Path file = done.toPath();
        boolean settled = hasSettled(file);
        List<String> ids = new ArrayList<>();
        List<InboxFile.Rejection> rejections = new ArrayList<>();
        byte[] bytes = Files.size(file) > maxFileSize ? null : readBounded(file);
        if (bytes == null || bytes.length > maxFileSize) {
            rejections.add(new InboxFile.Rejection(0, null, "lines appended after the file was read took it past the limit of "
                    + maxFileSize + " bytes (jimeng.inbox.max-file-size); later appends are not read"));
            return new InboxFile(source, ids, rejections, -1, from);
        }
        if (bytes.length <= from) {
            // Nothing new; shorter than before means the file was rewritten, which is not an append.
            return new InboxFile(source, ids, rejections, bytes.length < from ? -1 : from, from);
        }
        int end = settled ? bytes.length : wholeLinesEnd(bytes, (int) from);
        if (end <= from) {
            return new InboxFile(source, ids, rejections, from, from);
        }
        int firstLine = 1;
        for (int i = 0; i < from; i++) {
            if (bytes[i] == '\n') {
                firstLine++;
            }
        }
        String text;
        try {
            text = strictUtf8(ByteBuffer.wrap(bytes, (int) from, end - (int) from));
        } catch (CharacterCodingException e) {
            rejections.add(new InboxFile.Rejection(firstLine, null, "appended bytes are not text (not valid UTF-8); later appends are not read"));
            return new InboxFile(source, ids, rejections, -1, from);
        }
        if (text.indexOf('\0') >= 0) {
            rejections.add(new InboxFile.Rejection(firstLine, null, "appended bytes are not text (contain NUL bytes); later appends are not read"));
            return new InboxFile(source, ids, rejections, -1, from);
        }
        readLines(text, firstLine, ids, rejections);
        return new InboxFile(source, dedupe(ids), rejections, end, from);
    }

    /** Where the last whole line after from ends (just after its line end); from when there is none. */
    private static int wholeLinesEnd(byte[] bytes, int from) {
        for (int i = bytes.length - 1; i >= from; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return from;
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

    private static void readLines(String text, int firstLine, List<String> ids, List<InboxFile.Rejection> rejections) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            accept(line, firstLine + i, ids, rejections, "");
        }
    }

    private static void readJson(String text, List<String> ids, List<InboxFile.Rejection> rejections) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            rejections.add(new InboxFile.Rejection(e.getLocation() == null ? 0 : e.getLocation().getLineNr(), null,
                    "not valid JSON: " + e.getOriginalMessage()));
            return;
        }
        List<JsonNode> found = new ArrayList<>(root == null ? List.of() : root.findValues("task_id"));
        // {"task_ids": ["a", "b"]}: a list of ids, as scripts send them.
        for (JsonNode list : root == null ? List.<JsonNode>of() : root.findValues("task_ids")) {
            if (list.isArray()) {
                list.forEach(found::add);
            } else {
                found.add(list);
            }
        }
        if (found.isEmpty()) {
            rejections.add(new InboxFile.Rejection(0, null, "JSON document has no task_id or task_ids field"));
            return;
        }
        for (JsonNode value : found) {
            if (value.isTextual()) {
                accept(value.asText().strip(), 0, ids, rejections, "");
            } else if (!value.isNull()) {
                rejections.add(new InboxFile.Rejection(0, shown(value.toString()), "task_id is not a string"));
            }
        }
    }

    private static void accept(String candidate, int line, List<String> ids, List<InboxFile.Rejection> rejections, String context) {
        String problem = TaskIds.problemWith(candidate);
        if (problem == null) {
            ids.add(candidate);
        } else {
            rejections.add(new InboxFile.Rejection(line, shown(candidate), context + problem));
        }
    }

    private static boolean isUtf16(byte[] bytes) {
        return bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE
                || (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF);
    }

    private static String decode(byte[] bytes) throws CharacterCodingException {
        Charset charset = StandardCharsets.UTF_8;
        int offset = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            offset = 3;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            charset = StandardCharsets.UTF_16LE;
            offset = 2;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            charset = StandardCharsets.UTF_16BE;
            offset = 2;
        }
        return strict(charset, ByteBuffer.wrap(bytes, offset, bytes.length - offset));
    }

    private static String strictUtf8(ByteBuffer bytes) throws CharacterCodingException {
        return strict(StandardCharsets.UTF_8, bytes);
    }

    private static String strict(Charset charset, ByteBuffer bytes) throws CharacterCodingException {
        return charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes)
                .toString();
    }

    /** Long input is cut for the record; JSON encoding escapes control characters. */
    private static String shown(String text) {
        return text.length() <= SHOWN_TEXT_LIMIT ? text : text.substring(0, SHOWN_TEXT_LIMIT) + "... (" + text.length() + " characters)";
    }

    private static List<String> dedupe(List<String> ids) {
        Set<String> unique = new LinkedHashSet<>(ids);
        return new ArrayList<>(unique);
    }
}
