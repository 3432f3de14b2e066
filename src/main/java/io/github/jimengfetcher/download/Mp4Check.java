package io.github.jimengfetcher.download;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Is it a whole MP4? An MP4 is a sequence of boxes, each starting with its size
 * (32 bits; 1 = a 64-bit size follows the type; 0 = to the end of the file) and a
 * four-letter type. A whole file starts with an {@code ftyp} box, holds a {@code moov}
 * box (without it no player can read the video), and its top-level boxes cover it
 * exactly. Only the box headers are read, by seeking from one to the next.
 *
 * Storage hosts that fail answer with HTML or XML pages, which never start with an
 * ftyp box; a transfer cut off early leaves a file whose last box runs past its end.
 */
public final class Mp4Check {

    /** What the boxes say about a file. */
    public enum Verdict {
        /** Starts with ftyp, holds moov, boxes cover the file exactly. */
        WHOLE,
        /** Well formed so far, but the last box runs past the end of the file: the rest is missing. */
        CUT_SHORT,
        /** Not an MP4, or a broken one. */
        NOT_MP4
    }

    /** The verdict, and why, for logs and failure records. */
    public record Finding(Verdict verdict, String detail) {
    }

    private static final byte[] FTYP = "ftyp".getBytes(StandardCharsets.US_ASCII);
    /** More top-level boxes than any real video has (fragmented ones included): something else. */
    private static final int MAX_BOXES = 1_000_000;

    private Mp4Check() {
    }

    /** Do these first bytes start an MP4 (an ftyp box)? Enough to stop an error page early. */
    public static boolean startsLikeMp4(byte[] head, int length) {
        if (length < 8) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (head[4 + i] != FTYP[i]) {
                return false;
            }
        }
        return true;
    }

    /** Walks the file's top-level boxes. */
    public static Finding check(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return check(channel);
        }
    }

    private static Finding check(FileChannel channel) throws IOException {
        long length = channel.size();
        ByteBuffer header = ByteBuffer.allocate(16);
        long position = 0;
        boolean moov = false;
        for (int boxes = 0; position < length; boxes++) {
            if (boxes == MAX_BOXES) {
                return new Finding(Verdict.NOT_MP4, "more than " + MAX_BOXES + " top-level boxes");
            }
            if (length - position < 8) {
                return new Finding(Verdict.CUT_SHORT, "file ends inside a box header at byte " + position);
            }
            read(channel, header.clear().limit(8), position);
            long size = Integer.toUnsignedLong(header.getInt(0));
            String type = boxType(header);
            if (type == null) {
                return new Finding(Verdict.NOT_MP4, "no box type at byte " + position);
            }
            if (boxes == 0 && !type.equals("ftyp")) {
                return new Finding(Verdict.NOT_MP4, "does not start with an ftyp box");
            }
            long headerSize = 8;
            if (size == 1) {
                if (length - position < 16) {
                    return new Finding(Verdict.CUT_SHORT, "file ends inside the header of box '" + type + "' at byte " + position);
                }
                read(channel, header.clear().position(8).limit(16), position + 8);
                size = header.getLong(8);
                headerSize = 16;
            } else if (size == 0) {
                size = length - position; // to the end of the file: the last box by definition
            }
            if (size < headerSize) {
                return new Finding(Verdict.NOT_MP4, "box '" + type + "' at byte " + position + " has an impossible size " + size);
            }
            moov |= type.equals("moov");
            if (size > length - position) {
                return new Finding(Verdict.CUT_SHORT, "box '" + type + "' at byte " + position + " runs "
                        + (size - (length - position)) + " bytes past the end of the file");
            }
            position += size;
        }
        if (position == 0) {
            return new Finding(Verdict.NOT_MP4, "empty file");
        }
        if (!moov) {
            return new Finding(Verdict.NOT_MP4, "no moov box");
        }
        return new Finding(Verdict.WHOLE, "MP4 boxes cover all " + length + " bytes");
    }

    private static void read(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long next = at;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, next);
            if (n < 0) {
                throw new EOFException("file ended at byte " + next);
            }
            next += n;
        }
    }

    /** Four printable ASCII characters, as every box type is; anything else is not a box. */
    private static String boxType(ByteBuffer header) {
        char[] type = new char[4];
        for (int i = 0; i < 4; i++) {
            int c = header.get(4 + i) & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                return null;
            }
            type[i] = (char) c;
        }
        return new String(type);
    }
}
