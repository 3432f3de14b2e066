package io.github.jimengfetcher.config;

import java.util.List;

/** Kafka at the edges: the brokers (none: Kafka off), the topic task ids arrive on, the topic finish events go to, the consumer group. */
public record KafkaSettings(List<String> brokers, String inboxTopic, String eventsTopic, String groupId) {

    static final String BROKERS = "jimeng.kafka.brokers";
    static final String INBOX_TOPIC = "jimeng.kafka.inbox-topic";
    static final String EVENTS_TOPIC = "jimeng.kafka.events-topic";
    static final String GROUP_ID = "jimeng.kafka.group-id";

    public static KafkaSettings read(SettingsReader settings) {
        return new KafkaSettings(settings.brokers(BROKERS), settings.kafkaName(INBOX_TOPIC), settings.kafkaName(EVENTS_TOPIC),
                settings.kafkaName(GROUP_ID));
    }

    public boolean enabled() {
        return !brokers.isEmpty();
    }
}
