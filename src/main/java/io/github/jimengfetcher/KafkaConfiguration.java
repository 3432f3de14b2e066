package io.github.jimengfetcher;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;

import io.github.jimengfetcher.config.InboxSettings;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.config.KafkaSettings;
import io.github.jimengfetcher.inbox.InboxFileReader;
import io.github.jimengfetcher.kafka.EventOutbox;
import io.github.jimengfetcher.kafka.KafkaHealth;
import io.github.jimengfetcher.kafka.KafkaInbox;
import io.github.jimengfetcher.output.OutputFolders;

/** Kafka at the edges (routes/kafka.yaml; off while no brokers are set). */
@Configuration
public class KafkaConfiguration {

    /**
     * Finish events waiting for the broker, on disk under the instance's own work folder. Its
     * isEnabled (brokers set) says whether the routes of routes/kafka.yaml start.
     */
    @BindToRegistry(lazy = true, initMethod = "start")
    public EventOutbox kafkaOutbox(InstanceScope scope, OutputFolders outputs, KafkaSettings kafka) {
        return new EventOutbox(scope.ownFolder().resolve("kafka-outbox"), outputs, scope.id(), kafka.enabled());
    }

    @BindToRegistry(lazy = true, destroyMethod = "stop")
    public KafkaHealth kafkaHealth(KafkaSettings kafka, EventOutbox outbox) {
        return new KafkaHealth(String.join(",", kafka.brokers()), outbox);
    }

    /** Records of the inbox topic, read by the inbox's rules, as large as an inbox file may be. */
    @BindToRegistry(lazy = true)
    public KafkaInbox kafkaInbox(InboxFileReader reader, InboxSettings inbox) {
        return new KafkaInbox(reader, inbox.maxFileSize());
    }
}
