package io.github.jimengfetcher.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The SHA-256 of a part file, computed from the file as it grows, on a finishing thread: on
 * another core than the transfer, which it would otherwise slow down by a third. The transfer
 * only says how far it has written; the bytes are read back from the file (still in the page
 * cache), so no video is held in memory.
 */
final class PartHasher {

    /** The checksum is computed from the file, on a finishing thread, in steps of at least this much. */
    private static final long HASH_STEP = 4L << 20;
    private static final int HASH_BUFFER = 256 * 1024;
    private static final long WARM_UP = 32L << 20;
    /** Written bytes are forced to disk in steps of this much while the transfer goes on (smaller steps slowed the transfer). */
    private static final long FLUSH_STEP = 256L << 20;

    private final Path part;
    private final Executor finishing;
    private final LongSupplier written;
    private final MessageDigest sha = sha256();
    private final Object lock = new Object();
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile long hashed;
    private volatile long flushed;
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private FileChannel reader;
    private boolean closed;

    /**
     * @param written how far the file is written now; read when a queued step runs, not when it is queued
     */
    PartHasher(Path part, Executor finishing, LongSupplier written) {
        this.part = part;
        this.finishing = finishing;
        this.written = written;
    }

    /** Called on the I/O thread after each write: queues a step once a step's worth is unhashed, one at a time. */
    void wrote(long writtenNow) {
        flushNowAndThen(writtenNow);
        if (writtenNow - hashed >= HASH_STEP && queued.compareAndSet(false, true)) {
            try {
                finishing.execute(() -> {
                    queued.set(false);
                    try {
                        hashUpTo(written.getAsLong());
                    } catch (IOException e) {
                        // the transfer broke off meanwhile, or the disk fails: the final check hashes again and tells
                    }
                });
            } catch (RejectedExecutionException stopping) {
                queued.set(false);
            }
        }
    }

    /** Feeds the checksum with the file's bytes up to limit, from where it stopped. */
    void hashUpTo(long limit) throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new IOException("transfer already ended");
            }
            if (reader == null) {
                reader = FileChannel.open(part, StandardOpenOption.READ);
            }
            ByteBuffer buffer = ByteBuffer.allocate(HASH_BUFFER);
            long position = hashed;
            while (position < limit) {
                buffer.clear().limit((int) Math.min(HASH_BUFFER, limit - position));
                int n = reader.read(buffer, position);
                if (n < 0) {
                    throw new IOException("file ended at byte " + position + " while hashing it");
                }
                buffer.flip();
                sha.update(buffer);
                position += n;
                hashed = position;
            }
        }
    }

    /**
     * Forces what is written so far to disk once a flush step's worth is waiting, on another finishing
     * thread than the hashing (a force of 64 MB can take a tenth of a second or more, and the hash
     * must keep pace with the transfer): the disk writes a big video while it arrives, and the force
     * after its last byte has only the last step left. Nothing for small videos.
     */
    private void flushNowAndThen(long writtenNow) {
        if (writtenNow - flushed >= FLUSH_STEP && flushQueued.compareAndSet(false, true)) {
            try {
                finishing.execute(() -> {
                    try (FileChannel file = FileChannel.open(part, StandardOpenOption.READ)) {
                        file.force(false);
                        flushed = writtenNow;
                    } catch (IOException e) {
                        // the transfer ended meanwhile, or the disk fails: the final force tells
                    } finally {
                        flushQueued.set(false);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                flushQueued.set(false);
            }
        }
    }

    /** The checksum of the file up to limit, in hex; the hasher is done after this. */
    String digestUpTo(long limit) throws IOException {
        hashUpTo(limit);
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The transfer ended: steps still queued do nothing. */
    void close() {
        synchronized (lock) {
            closed = true;
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException ignored) {
                    // read only
                }
                reader = null;
            }
        }
    }

    /**
     * Hashes some megabytes of nothing the way a transfer does, once at start: the JIT then runs the
     * checksum on the CPU's SHA instructions from the first video on. Left to a burst of downloads
     * (hundreds of tasks turning ready together), that compilation waits behind everything else the
     * burst compiles, and the first few hundred megabytes hash in plain Java at a tenth of the speed.
     */
    static void warmUp() {
        MessageDigest sha = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(HASH_BUFFER);
        for (long hashed = 0; hashed < WARM_UP; hashed += HASH_BUFFER) {
            buffer.clear();
            sha.update(buffer);
        }
        sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
