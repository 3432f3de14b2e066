package io.github.jimengfetcher.kafka;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.task.TaskState;

/**
 * Finish events waiting for the broker (bean {@code kafkaOutbox}): one file each in
 * {jimeng.work.folder}/kafka-outbox/ (the instance's own part of it with a shared store), written by
 * temporary file and rename before the store is told the task is done, removed once the broker
 * acknowledged the event. File names sort in the order the tasks finished, so a task's
 * {@code failed} event goes out before a later {@code succeeded} one.
 *
 * Bounded: at most {@link #LIMIT} events wait; beyond that an event is not kept (its task's record
 * under output/ still is), which is logged and makes health DOWN. With Kafka off (no
 * jimeng.kafka.brokers) nothing is written.
 */
public class EventOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);

    /** About 100 MB of waiting events at most. */
    public static final int LIMIT = 100_000;
    private static final int BATCH = 200;
    private static final String SUFFIX = ".json";

    /** One waiting event: its file and what is sent. */
    public record Event(Path file, String taskId, byte[] json) {
    }

    private final Path folder;
    private final OutputFolders outputs;
    private final String instanceId;
    private final boolean enabled;
    private final int limit;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile long fullSince;

    public EventOutbox(Path folder, OutputFolders outputs, String instanceId, boolean enabled) {
        this(folder, outputs, instanceId, enabled, LIMIT);
    }

    EventOutbox(Path folder, OutputFolders outputs, String instanceId, boolean enabled, int limit) {
        this.folder = folder;
        this.outputs = outputs;
        this.instanceId = instanceId;
        this.enabled = enabled;
        this.limit = limit;
    }

    /** Creates the folder, clears temporary files of a stop mid-write, counts what waits. */
    public void start() throws IOException {
        if (!enabled) {
            return;
        }
        Files.createDirectories(folder);
        int count = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(SUFFIX)) {
                    count++;
                }
            }
        }
        waiting.set(count);
        if (count > 0) {
            LOG.info("Kafka outbox: {} finish events wait from before the last stop; they are sent once the broker can be reached", count);
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** The task's record was written: its event waits, succeeded or failed as the outcome says. */
    public void finished(@Variable("taskId") String taskId, @Variable("outcome") TaskState outcome) throws IOException {
        if (outcome == TaskState.SUCCEEDED) {
            succeeded(taskId);
        } else {
            failed(taskId);
        }
    }

    /** The task's result record was written: its succeeded event waits. */
    public void succeeded(@Variable("taskId") String taskId) throws IOException {
        if (enabled) {
            add(taskId, FinishEvent.succeeded(outputs.resultFile(taskId), instanceId));
        }
    }

    /** The task's failure record was written: its failed event waits. */
    public void failed(@Variable("taskId") String taskId) throws IOException {
        if (enabled) {
            add(taskId, FinishEvent.failed(outputs.failureFile(taskId), instanceId));
        }
    }

    /**
     * A task whose record was written before a stop that came before the store was told: its
     * event may not have been kept, so it waits (again: at least once).
     */
    public void recorded(@Variable("taskId") String taskId) throws IOException {
        if (!enabled) {
            return;
        }
        if (FinishEvent.readable(outputs.resultFile(taskId))) {
            succeeded(taskId);
        } else if (FinishEvent.readable(outputs.failureFile(taskId))) {
            failed(taskId);
        }
    }

    private void add(String taskId, Map<String, Object> event) throws IOException {
        if (waiting.get() >= limit) {
            long lost = dropped.incrementAndGet();
            if (fullSince == 0) {
                fullSince = System.currentTimeMillis();
            }
            if (lost == 1 || lost % 1000 == 0) {
                LOG.error("Kafka outbox is full ({} events wait for the broker): the event of {} is not kept ({} so far); "
                        + "its record is in the output folder", limit, taskId, lost);
            }
            return;
        }
        String name = String.format("%013d-%09d", System.currentTimeMillis(), sequence.incrementAndGet() % 1_000_000_000L);
        Path temporary = folder.resolve("." + name + ".tmp");
        Files.createDirectories(folder);
        Files.write(temporary, FinishEvent.bytes(event));
        try {
            Files.move(temporary, folder.resolve(name + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, folder.resolve(name + SUFFIX), StandardCopyOption.REPLACE_EXISTING);
        }
        waiting.incrementAndGet();
    }

    /** The oldest waiting events, in the order they were written, at most a batch. */
    public Deque<Event> batch() throws IOException {
        Deque<Event> batch = new ArrayDeque<>();
        if (!enabled) {
            return batch;
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "[0-9]*" + SUFFIX)) {
            files.forEach(file -> names.add(file.getFileName().toString()));
        }
        names.sort(null);
        for (String name : names.subList(0, Math.min(BATCH, names.size()))) {
            Path file = folder.resolve(name);
            try {
                byte[] json = Files.readAllBytes(file);
                batch.add(new Event(file, FinishEvent.taskId(json), json));
            } catch (NoSuchFileException gone) {
                // sent meanwhile
            } catch (IOException unreadable) {
                LOG.error("Kafka outbox: {} cannot be read ({}), set aside as {}.bad", file, unreadable.getMessage(), name);
                Files.move(file, folder.resolve(name + ".bad"), StandardCopyOption.REPLACE_EXISTING);
                waiting.decrementAndGet();
            }
        }
        return batch;
    }

    /** The broker acknowledged the event: it waits no more. */
    public void sent(Event event) throws IOException {
        if (Files.deleteIfExists(event.file())) {
            waiting.decrementAndGet();
        }
        if (fullSince != 0 && waiting.get() < limit) {
            LOG.warn("Kafka outbox has room again; {} events were not kept while it was full", dropped.get());
            fullSince = 0;
        }
    }

    /** How many events wait. */
    public int waiting() {
        return waiting.get();
    }

    /** Since when events are not kept for want of room (epoch ms), or 0. */
    public long fullSince() {
        return fullSince;
    }

    public long dropped() {
        return dropped.get();
    }
}
