package io.github.jimengfetcher.store.journal;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskState;

/**
 * The file behind the local task store: work/tasks.journal, one JSON line per change (a task
 * put, a task finished, a reading of the active clock), replayed at start ({@link TaskJournalReader})
 * and compacted (write-then-rename) as it grows.
 *
 * A crash can only cut the last line short; a line that cannot be read is reported and copied
 * to work/quarantine/, never a reason to stop. A failed write (a full disk) never fails the
 * caller: the store's memory holds the truth while the app runs, and the journal is rewritten
 * whole once writing works again; only {@link #sync()}, for registrations, says when it cannot.
 * Not thread-safe: the task store guards it.
 */
final class TaskJournal {

    private static final Logger LOG = LoggerFactory.getLogger(TaskJournal.class);

    private final Path folder;
    private final ActiveClock clock;
    private final Supplier<Collection<Task>> snapshot;
    private final Supplier<Map<TaskId, TaskState>> finishedIds;
    private final FinishedProviders providers;
    private final TaskJournalReader reader;

    private FileOutputStream file;
    private BufferedWriter writer;
    private long lines;
    private long clockWrittenAt;
    /** The last write failed: the file lags behind memory until it is rewritten whole. */
    private boolean failing;
    private long lastRepairAttempt;
    /** The identity of the file appended to, and when it was last checked. */
    private Object fileKey;
    private long lastPlaceCheck;

    /** @param snapshot the pending tasks, and finishedIds the finished ids with their providers, for a compaction */
    TaskJournal(Path folder, ActiveClock clock, Supplier<Collection<Task>> snapshot, Supplier<Map<TaskId, TaskState>> finishedIds,
                FinishedProviders providers) {
        this.folder = folder;
        this.clock = clock;
        this.snapshot = snapshot;
        this.finishedIds = finishedIds;
        this.providers = providers;
        this.reader = new TaskJournalReader(folder, clock, JournalLines.JSON);
    }

    Path path() {
        return folder.resolve("tasks.journal");
    }

    /** Reads the journal into these: the pending tasks and finished ids its lines leave; restores the clock's last reading. */
    void read(Map<TaskId, Task> tasks, Map<TaskId, TaskState> finished) throws IOException {
        Files.createDirectories(folder);
        reader.read(path(), tasks, finished, providers);
    }

    int loaded() {
        return reader.loaded;
    }

    int quarantined() {
        return reader.quarantined;
    }

    void put(Task task) {
        append(putLine(task));
    }

    /** The line that puts a task, made before the store's lock is taken: writing JSON takes the longest. */
    static String putLine(Task task) {
        return JournalLines.put(task);
    }

    void finished(TaskId id, TaskState outcome, ProviderName provider) {
        append(JournalLines.finished(id, outcome, provider));
    }

    /** Appends one line (a put made by {@link #putLine}). */
    void append(String line) {
        if (failing) {
            return; // the rewrite will hold this change
        }
        try {
            writer.write(line);
            writer.write('\n');
            lines++;
            if (lines > Math.max(10_000, 4L * snapshot.get().size()) + finishedIds.get().size()) {
                rewrite();
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Hands what was appended to the operating system (safe from a killed process); a clock reading now and then. */
    void flush() {
        if (failing) {
            return;
        }
        try {
            long now = System.currentTimeMillis();
            if (now - clockWrittenAt > 10_000) {
                appendClock(now);
            }
            writer.flush();
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Forces everything to disk; throws when it cannot, for the callers that need durability. */
    void sync() {
        if (failing) {
            repair(0);
        }
        try {
            if (failing) {
                throw new IOException("the journal cannot be written (see the error logged before)");
            }
            writer.flush();
            file.getFD().sync();
        } catch (IOException e) {
            failed(e);
            throw new UncheckedIOException("cannot write the task journal in " + folder.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    void close() throws IOException {
        if (writer != null && !failing) {
            appendClock(System.currentTimeMillis());
            writer.flush();
            file.getFD().sync();
            writer.close();
            writer = null;
        }
    }

    private void appendClock(long now) throws IOException {
        writer.write(JournalLines.clock(clock.reading(now)));
        writer.write('\n');
        lines++;
        clockWrittenAt = now;
    }

    private void failed(IOException e) {
        if (!failing) {
            LOG.error("Task store: cannot write the journal in {} ({}). Work goes on; the journal is rewritten as soon as "
                    + "writing works again (free some space?)", folder.toAbsolutePath(), e.getMessage());
            clock.outageBegan("journal", System.currentTimeMillis());
        }
        failing = true;
        // What the writer still buffers may be half on disk already: drop it, the rewrite replaces the file.
        try {
            file.close();
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
        writer = null;
    }

    /** Called on every scheduler tick: rewrites a failing journal, or one removed from under the app. */
    void maintain() {
        repair(1_000);
        checkInPlace();
    }

    /** Tries to rewrite a failing journal, at most once per interval. */
    private void repair(long interval) {
        long now = System.currentTimeMillis();
        if (!failing || now - lastRepairAttempt < interval) {
            return;
        }
        lastRepairAttempt = now;
        try {
            rewrite();
            failing = false;
            clock.outageEnded("journal", System.currentTimeMillis());
            LOG.info("Task store: the journal in {} is written again", folder.toAbsolutePath());
        } catch (IOException e) {
            // still failing; tried again later
        }
    }

    /**
     * Someone removed the work folder or the journal while the app runs: what is appended would go to
     * a file no one can read again. Checked about once a second; the journal is then written anew.
     */
    private void checkInPlace() {
        long now = System.currentTimeMillis();
        if (failing || now - lastPlaceCheck < 1_000) {
            return;
        }
        lastPlaceCheck = now;
        Object key;
        try {
            key = Files.readAttributes(path(), BasicFileAttributes.class).fileKey();
        } catch (IOException gone) {
            key = null;
        }
        if (key == null || !key.equals(fileKey)) {
            LOG.warn("Task store: the journal {} was removed or replaced while the app runs; it is written anew", path().toAbsolutePath());
            try {
                rewrite();
            } catch (IOException e) {
                failed(e);
            }
        }
    }

    /** Rewrites the journal as one line per pending task and per finished id, then swaps it in by rename. */
    void rewrite() throws IOException {
        if (writer != null && !failing) {
            writer.flush();
        }
        Files.createDirectories(folder);
        Path tmp = folder.resolve("tasks.journal.tmp");
        Collection<Task> tasks = snapshot.get();
        Map<TaskId, TaskState> finished = finishedIds.get();
        try (FileOutputStream out = new FileOutputStream(tmp.toFile());
             BufferedWriter next = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            next.write(JournalLines.clock(clock.reading(System.currentTimeMillis())));
            next.write('\n');
            for (Task task : tasks) {
                next.write(putLine(task));
                next.write('\n');
            }
            for (Map.Entry<TaskId, TaskState> done : finished.entrySet()) {
                next.write(JournalLines.finished(done.getKey(), done.getValue(), providers.of(done.getKey())));
                next.write('\n');
            }
            next.flush();
            out.getFD().sync();
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncFolder();
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // everything it held is in the new file
            }
        }
        file = new FileOutputStream(path().toFile(), true);
        writer = new BufferedWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8), 1 << 16);
        fileKey = Files.readAttributes(path(), BasicFileAttributes.class).fileKey();
        lines = tasks.size() + finished.size() + 1;
        clockWrittenAt = System.currentTimeMillis();
    }

    /** A rename is durable only once its folder is: against a power cut right after a compaction. */
    private void syncFolder() {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException notOnThisSystem) {
            // some systems cannot open a folder for this; the rename itself is still atomic
        }
    }
}
