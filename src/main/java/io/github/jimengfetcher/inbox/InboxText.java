package io.github.jimengfetcher.inbox;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The text of a submission as UTF-8 bytes, checked once without being turned into one large
 * string: a submission is read line by line or document by document from here.
 *
 * @param start after a byte-order mark
 * @param utf16 the input was UTF-16 (with its byte-order mark) and these bytes are its UTF-8 copy,
 *              so offsets are not the input's own
 * @param problem null for text, otherwise what it is not (as "not text (problem)")
 */
record InboxText(byte[] bytes, int start, int end, boolean utf16, String problem) {

    static InboxText of(byte[] bytes, int length) {
        if (length >= 2 && ((bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE || (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF)) {
            Charset charset = (bytes[0] & 0xFF) == 0xFF ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE;
            String text;
            try {
                text = decoder(charset).decode(ByteBuffer.wrap(bytes, 2, length - 2)).toString();
            } catch (CharacterCodingException e) {
                return notText("not valid UTF-8 or UTF-16 with a byte-order mark");
            }
            if (text.indexOf('\0') >= 0) {
                return notText("contains NUL bytes");
            }
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            return new InboxText(utf8, 0, utf8.length, true, null);
        }
        int start = Math.min(bomLength(bytes), length);
        if (!isUtf8(bytes, start, length)) {
            return notText("not valid UTF-8 or UTF-16 with a byte-order mark");
        }
        for (int i = start; i < length; i++) {
            if (bytes[i] == 0) {
                return notText("contains NUL bytes");
            }
        }
        return new InboxText(bytes, start, length, false, null);
    }

    /** The length of a UTF-8 byte-order mark at the start, 0 without one. */
    static int bomLength(byte[] bytes) {
        return bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
    }

    /** UTF-8 bytes already known to be valid, from an offset on. */
    static InboxText checked(byte[] bytes, int start, int end) {
        return new InboxText(bytes, start, end, false, null);
    }

    private static InboxText notText(String problem) {
        return new InboxText(new byte[0], 0, 0, false, problem);
    }

    boolean isText() {
        return problem == null;
    }

    /** A JSON document (or several) rather than id lines: by its name, or by its first character. */
    boolean looksLikeJson(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return true;
        }
        for (int i = start; i < end; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    /** Checked in pieces: a large file is never decoded into one string. */
    static boolean isUtf8(byte[] bytes, int start, int end) {
        CharsetDecoder decoder = decoder(StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, end - start);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return false;
            }
            out.clear();
            if (result.isUnderflow()) {
                return !decoder.flush(out).isError();
            }
        }
    }

    private static CharsetDecoder decoder(Charset charset) {
        return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** Where the last whole line after from ends (just after its line end); from when there is none. */
    static int wholeLinesEnd(byte[] bytes, int from, int end) {
        for (int i = end - 1; i >= from; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return from;
    }

    /** The number of the line that starts at or contains offset (1 for the first). */
    static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
