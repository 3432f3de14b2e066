package io.github.jimengfetcher.inbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskRef;

/**
 * Task ids handed in, whichever way they came: an inbox file (or lines appended to it, or an
 * entry the inbox does not take), the body of {@code POST /tasks}, or a record of the Kafka inbox
 * topic. The inbox's routes register its ids and record its rejections the same way for each.
 *
 * @param kind     which way it came
 * @param name     its name: the file's, {@code http-post-tasks}, or kafka-{topic}-{partition}-{offset}
 * @param received its own time, which names its rejection record: the file's modification time, the
 *                 Kafka record's time, or when a post or appended lines were read; a submission read
 *                 twice (by instances sharing the inbox, or after a stop) so writes one record
 * @param read     its ids and rejections, read by the inbox's rules
 * @param origin   where it came from, for the head of its rejection record (a Kafka record's topic,
 *                 partition, offset and value); empty when its name says it
 */
public record Submission(Kind kind, String name, Instant received, InboxFile read, Map<String, Object> origin) {

    /** The ways ids come in. */
    public enum Kind {
        INBOX_FILE, HTTP_POST, KAFKA_RECORD
    }

    public static Submission inboxFile(InboxFile read, Instant received) {
        return new Submission(Kind.INBOX_FILE, read.source(), received, read, Map.of());
    }

    /** The same submission with other ids and rejections (those of a .retry file once retried). */
    public Submission withRead(InboxFile other) {
        return new Submission(kind, name, received, other, origin);
    }

    public List<TaskId> ids() {
        return read.ids();
    }

    /** Its ids with their providers, as they are registered. */
    public List<TaskRef> tasks() {
        return read.tasks();
    }

    /** The same submission, the ids the registration refused (registered already for another provider) rejected with the reason. */
    public Submission refusing(TaskStore.Registration registration) {
        return registration.conflicts().isEmpty() ? this : withRead(read.refusing(registration.conflicts()));
    }

    public boolean hasRejections() {
        return read.hasRejections();
    }

    public int rejectedCount() {
        return read.rejectedCount();
    }

    /** Every kept rejection, for the log line. */
    public String reasons() {
        return read.reasons();
    }

    /** A file named *.retry lists failed tasks to fetch again, not tasks to register. */
    public boolean isRetryList() {
        return kind == Kind.INBOX_FILE && read.isRetryList();
    }

    /** The name its copies and records are kept under, short enough for any file system. */
    public String storedName() {
        return StoredNames.fit(name);
    }

    /** For the log: which file (and which part of it), post or record. */
    public String description() {
        if (kind == Kind.KAFKA_RECORD) {
            return "kafka " + origin.get("topic") + " partition " + origin.get("partition") + " offset " + origin.get("offset");
        }
        return read.description();
    }

    /** The record written to output/rejected/: where it came from, then what was rejected and why. */
    public Map<String, Object> rejectionReport() {
        Map<String, Object> rejections = read.rejectionReport();
        if (origin.isEmpty()) {
            return rejections;
        }
        Map<String, Object> report = new LinkedHashMap<>(origin);
        rejections.remove("source");
        report.putAll(rejections);
        return report;
    }
}
