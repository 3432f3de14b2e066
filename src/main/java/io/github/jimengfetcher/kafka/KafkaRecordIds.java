package io.github.jimengfetcher.kafka;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.jimengfetcher.inbox.InboxFile;

/**
 * The task ids of one record of the inbox topic, read by the inbox's own rules, and where the
 * record came from. It answers what routes/inbox.yaml asks of an inbox file (ids, rejections,
 * description, storedName, rejectionReport), so it is registered and its rejections recorded
 * by the very routes that register an inbox file.
 *
 * @param value the record's value as text (cut when long), kept in its rejection record
 */
public record KafkaRecordIds(InboxFile read, String topic, int partition, long offset, long timestamp, String value) {

    private static final DateTimeFormatter RECORD_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmssSSS").withZone(ZoneId.systemDefault());

    public List<String> ids() {
        return read.ids();
    }

    public List<InboxFile.Rejection> rejections() {
        return read.rejections();
    }

    public int rejectedCount() {
        return read.rejectedCount();
    }

    public String reasons() {
        return read.reasons();
    }

    public boolean hasRejections() {
        return read.hasRejections();
    }

    public String firstReason() {
        return read.firstReason();
    }

    /** For the log: which record of which partition. */
    public String description() {
        return "kafka " + topic + " partition " + partition + " offset " + offset;
    }

    /** The record's own name for output/rejected/: read again after a crash, it writes the same file. */
    public String storedName() {
        return "kafka-" + topic + "-" + partition + "-" + offset;
    }

    /** The record's time (as the broker has it), so a record read twice gives its rejection one name. */
    public String recordTime() {
        return RECORD_TIME.format(Instant.ofEpochMilli(timestamp));
    }

    /** The inbox's rejection record, plus where the record is in Kafka. */
    public Map<String, Object> rejectionReport() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("source", "kafka");
        report.put("topic", topic);
        report.put("partition", partition);
        report.put("offset", offset);
        report.put("value", value);
        Map<String, Object> inbox = read.rejectionReport();
        inbox.remove("source");
        report.putAll(inbox);
        return report;
    }
}
