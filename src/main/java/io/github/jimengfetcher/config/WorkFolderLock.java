package io.github.jimengfetcher.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process per work folder. Two processes on the same folders would each compact the
 * journal and clean up the other's half-written files, so the second one refuses to start,
 * at once, before any bean or route touches a folder. With a shared store (jimeng.store.url)
 * the folder is the instance's own, {work}/{instance-id}: instances with different ids may
 * share one work folder, two with the same id may not.
 *
 * The lock is the operating system's (a lock on work/lock held for the life of the process),
 * so a killed process leaves nothing stale behind: its lock goes with it.
 */
public class WorkFolderLock {

    private static final Logger LOG = LoggerFactory.getLogger(WorkFolderLock.class);

    static final String LOCK_FILE = "lock";

    private FileChannel channel;
    private FileLock lock;

    /** Taken at the start, before any bean or route touches a folder; held until {@link #release()}. */
    public void lock(InstanceScope scope) {
        acquire(scope.ownFolder(), scope);
        LOG.info("Instance {}: tasks in {}; lock and partial downloads in {}", scope.id(), scope.storeDescription(),
                scope.ownFolder().toAbsolutePath());
    }

    synchronized void acquire(Path folder, InstanceScope scope) {
        Path file = folder.resolve(LOCK_FILE);
        try {
            Files.createDirectories(folder);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                channel = null;
                if (scope.shared()) {
                    throw new IllegalStateException("another jimeng-fetcher" + holder + " with the instance id " + scope.id()
                            + " is already running on the work folder " + scope.work().toAbsolutePath()
                            + "; stop it first, or give this one its own jimeng.store.instance-id (env JIMENG_STORE_INSTANCE_ID)");
                }
                throw new IllegalStateException("another jimeng-fetcher" + holder + " is already running on the work folder "
                        + folder.toAbsolutePath() + "; stop it first, or give this one its own jimeng.work.folder (env JIMENG_WORK_FOLDER)");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock the work folder " + folder.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    public synchronized void release() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
        lock = null;
        channel = null;
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        return pid.matches("\\d{1,10}") ? " (process " + pid + ")" : "";
    }
}
