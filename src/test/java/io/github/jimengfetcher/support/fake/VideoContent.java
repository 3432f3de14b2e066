package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of one video: given ones, or any number of them made up as they are sent (a well-formed
 * MP4 head, then a fixed pattern), so a benchmark can serve gigabytes without holding them.
 */
final class VideoContent {

    /** A fixed pseudo-random pattern (not compressible): the made-up videos' mdat content. */
    private static final byte[] PATTERN = pattern();

    private final byte[] bytes;
    private final long size;
    private final byte[] head;

    private VideoContent(byte[] bytes, long size) {
        this.bytes = bytes;
        this.size = size;
        this.head = bytes == null ? boxes(size) : null;
    }

    static VideoContent of(byte[] bytes) {
        return bytes == null ? null : new VideoContent(bytes, bytes.length);
    }

    static VideoContent madeUp(long size) {
        return new VideoContent(null, size);
    }

    long length() {
        return size;
    }

    /** Writes bytes [from, to). */
    void write(OutputStream out, long from, long to) throws IOException {
        if (bytes != null) {
            out.write(bytes, (int) from, (int) (to - from));
            return;
        }
        long position = from;
        if (position < head.length && position < to) {
            int n = (int) Math.min(head.length - position, to - position);
            out.write(head, (int) position, n);
            position += n;
        }
        while (position < to) {
            int offset = (int) (position % PATTERN.length);
            int n = (int) Math.min(PATTERN.length - offset, to - position);
            out.write(PATTERN, offset, n);
            position += n;
        }
    }

    /**
     * The first bytes of a made-up video of this size: an ftyp box, a small moov box, and the header of
     * an mdat box that runs to the end (with a 64-bit size when it needs one), so the app's MP4 check passes.
     */
    static byte[] boxes(long size) {
        ByteBuffer head = ByteBuffer.allocate(24 + 108 + 16);
        head.putInt(24).put(ascii("ftyp")).put(ascii("isom")).putInt(0x200).put(ascii("isom")).put(ascii("mp41"));
        head.putInt(108).put(ascii("moov")).position(24 + 108);
        long mdat = size - 24 - 108;
        if (mdat <= 0xFFFFFFFFL) {
            head.putInt((int) mdat).put(ascii("mdat"));
        } else {
            head.putInt(1).put(ascii("mdat")).putLong(mdat);
        }
        return Arrays.copyOf(head.array(), head.position());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] pattern() {
        byte[] pattern = new byte[1 << 20];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < pattern.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            pattern[i] = (byte) x;
        }
        return pattern;
    }
}
