package io.github.jimengfetcher.kafka;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

import io.github.jimengfetcher.inbox.InboxFile;
import io.github.jimengfetcher.inbox.InboxFileReader;
import io.github.jimengfetcher.inbox.Submission;

/**
 * Records of the inbox topic (bean {@code kafkaInbox}): a record's value is read as an inbox
 * file's text would be (one id a line, or JSON documents with task_id / task_ids), and its offset is
 * committed only once its ids are in the store and its rejections recorded.
 */
public class KafkaInbox {

    private final InboxFileReader reader;
    private final long maxSize;

    public KafkaInbox(InboxFileReader reader, long maxSize) {
        this.reader = reader;
        this.maxSize = maxSize;
    }

    /**
     * The ids of the record in the exchange (its value as bytes), named by where the record is and
     * its time as the broker has it: read again after a stop, it writes the same rejection record.
     */
    public Submission read(Exchange exchange) {
        Message message = exchange.getMessage();
        String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
        Integer partition = message.getHeader(KafkaConstants.PARTITION, Integer.class);
        Long offset = message.getHeader(KafkaConstants.OFFSET, Long.class);
        Long timestamp = message.getHeader(KafkaConstants.TIMESTAMP, Long.class);
        byte[] value = message.getBody(byte[].class);
        String source = "kafka-" + topic + "-" + partition + "-" + offset;
        InboxFile read;
        if (value == null || value.length == 0) {
            read = new InboxFile(source, List.of(), List.of(new InboxFile.Rejection(0, "", "the record has no value: no task id")));
        } else if (value.length > maxSize) {
            read = new InboxFile(source, List.of(), List.of(new InboxFile.Rejection(0, null,
                    "the record's value is " + value.length + " bytes, larger than the limit of " + maxSize + " bytes (jimeng.inbox.max-file-size)")));
        } else {
            read = reader.readPosted(source, value, false);
            if (read.ids().isEmpty() && !read.hasRejections()) {
                List<InboxFile.Rejection> none = new ArrayList<>();
                none.add(new InboxFile.Rejection(0, shown(new String(value, java.nio.charset.StandardCharsets.UTF_8)),
                        "the record holds no task id"));
                read = new InboxFile(source, List.of(), none);
            }
        }
        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("source", "kafka");
        origin.put("topic", topic);
        origin.put("partition", partition == null ? -1 : partition);
        origin.put("offset", offset == null ? -1 : offset);
        origin.put("value", value == null ? null : shown(new String(value, java.nio.charset.StandardCharsets.UTF_8)));
        return new Submission(Submission.Kind.KAFKA_RECORD, source, Instant.ofEpochMilli(timestamp == null ? System.currentTimeMillis() : timestamp),
                read, origin);
    }

    /** Commits the offset of the record in the exchange (manual commit, synchronous). */
    public void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("no manual commit on the record: the kafka-inbox route needs allowManualCommit=true");
        }
        commit.commit();
    }

    private static String shown(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " characters)";
    }
}
