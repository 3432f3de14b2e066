package io.github.jimengfetcher.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a video plays, as its movie header says: the {@code mvhd} box inside {@code moov}
 * holds a timescale (units per second) and a duration in those units, 32-bit in a version 0
 * box, 64-bit in a version 1 box. Only box headers and the mvhd fields are read, by seeking,
 * as {@link Mp4Check} does; a file without them has no known duration.
 */
public final class Mp4Duration {

    /** More boxes than any real moov or file holds: stop looking. */
    private static final int MAX_BOXES = 100_000;

    private Mp4Duration() {
    }

    public static Optional<Duration> of(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            Optional<long[]> moov = findBox(channel, 0, length, "moov");
            if (moov.isEmpty()) {
                return Optional.empty();
            }
            Optional<long[]> mvhd = findBox(channel, moov.get()[0], moov.get()[1], "mvhd");
            return mvhd.isEmpty() ? Optional.empty() : movieDuration(channel, mvhd.get()[0], mvhd.get()[1]);
        }
    }

    /** The first box of the type between from and to: its content's start and end. */
    private static Optional<long[]> findBox(FileChannel channel, long from, long to, String wanted) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(16);
        long position = from;
        for (int boxes = 0; boxes < MAX_BOXES && to - position >= 8; boxes++) {
            if (!read(channel, header.clear().limit(8), position)) {
                return Optional.empty();
            }
            long size = Integer.toUnsignedLong(header.getInt(0));
            String type = new String(new byte[] {header.get(4), header.get(5), header.get(6), header.get(7)},
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            long headerSize = 8;
            if (size == 1) {
                if (to - position < 16 || !read(channel, header.clear().position(8).limit(16), position + 8)) {
                    return Optional.empty();
                }
                size = header.getLong(8);
                headerSize = 16;
            } else if (size == 0) {
                size = to - position;
            }
            if (size < headerSize || size > to - position) {
                return Optional.empty();
            }
            if (type.equals(wanted)) {
                return Optional.of(new long[] {position + headerSize, position + size});
            }
            position += size;
        }
        return Optional.empty();
    }

    /** version (1 byte), flags (3), then created, modified, timescale, duration: 4 bytes each in version 0, 8/8/4/8 in version 1. */
    private static Optional<Duration> movieDuration(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer fields = ByteBuffer.allocate(32);
        long available = to - from;
        if (available < 20 || !read(channel, fields.clear().limit((int) Math.min(32, available)), from)) {
            return Optional.empty();
        }
        int version = fields.get(0) & 0xFF;
        long timescale;
        long units;
        if (version == 0) {
            timescale = Integer.toUnsignedLong(fields.getInt(12));
            units = Integer.toUnsignedLong(fields.getInt(16));
            if (units == 0xFFFFFFFFL) {
                return Optional.empty(); // "unknown"
            }
        } else if (version == 1) {
            if (available < 32) {
                return Optional.empty();
            }
            timescale = Integer.toUnsignedLong(fields.getInt(20));
            units = fields.getLong(24);
            if (units == -1L) {
                return Optional.empty();
            }
        } else {
            return Optional.empty();
        }
        if (timescale == 0 || units < 0) {
            return Optional.empty();
        }
        long seconds = units / timescale;
        long nanos = (units % timescale) * 1_000_000_000L / timescale;
        return Optional.of(Duration.ofSeconds(seconds, nanos));
    }

    private static boolean read(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long next = at;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, next);
            if (n < 0) {
                return false;
            }
            next += n;
        }
        return true;
    }
}
