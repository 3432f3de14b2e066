package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.KafkaBroker;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.task.ProviderName;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Task ids in from a topic, one finish event out per task, against a real KRaft broker in this JVM. */
class KafkaTest extends AppTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaBroker broker;
    private static int topics;

    private String inboxTopic;
    private String eventsTopic;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /** Each test has topics of its own on the shared broker. */
    private Map<String, String> kafkaSettings(KafkaBroker kafka) {
        topics++;
        inboxTopic = "ids-" + topics;
        eventsTopic = "events-" + topics;
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.kafka.brokers", kafka.bootstrap());
        settings.put("jimeng.kafka.inbox-topic", inboxTopic);
        settings.put("jimeng.kafka.events-topic", eventsTopic);
        settings.put("jimeng.kafka.group-id", "fetcher-" + topics);
        return settings;
    }

    private void succeeds(String id) {
        String url = api.video(id + ".mp4", Videos.mp4(4096, id.hashCode()));
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "50%"), FakeGateway.success(id, url));
    }

    /** Reads the events topic until the events of all these tasks are in; returns them by task id. */
    private static Map<String, List<ConsumerRecord<String, String>>> awaitEvents(KafkaConsumer<String, String> consumer,
            Map<String, List<ConsumerRecord<String, String>>> seen, String... ids) {
        await().atMost(WAIT).until(() -> {
            for (ConsumerRecord<String, String> record : KafkaBroker.poll(consumer)) {
                seen.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record);
            }
            return Stream.of(ids).allMatch(seen::containsKey);
        });
        return seen;
    }

    private static JsonNode json(ConsumerRecord<String, String> record) throws Exception {
        return JSON.readTree(record.value());
    }

    @Test
    void idsFromTheTopicEndAsResultsAndEachFinishedTaskSendsOneEventWithItsFacts() throws Exception {
        startApp(kafkaSettings(broker));
        succeeds("cgt-kafka-1");
        succeeds("cgt-kafka-2");
        api.statuses("cgt-kafka-3", FakeGateway.failure("cgt-kafka-3", "content policy"));

        broker.send(inboxTopic, "cgt-kafka-1");
        broker.send(inboxTopic, "{\"task_ids\": [\"cgt-kafka-2\", \"cgt-kafka-3\"]}");

        JsonNode result = awaitResult("cgt-kafka-1");
        awaitResult("cgt-kafka-2");
        awaitFailure("cgt-kafka-3");
        assertTrue(Files.size(app.video("cgt-kafka-2")) == 4096);

        Map<String, List<ConsumerRecord<String, String>>> events = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = broker.consumer(eventsTopic)) {
            awaitEvents(consumer, events, "cgt-kafka-1", "cgt-kafka-2", "cgt-kafka-3");
            // Nothing more comes: one event per task.
            for (int i = 0; i < 5; i++) {
                KafkaBroker.poll(consumer).forEach(r -> events.get(r.key()).add(r));
            }
        }
        events.forEach((id, list) -> assertEquals(1, list.size(), "one event for " + id + ": " + list));

        JsonNode succeeded = json(events.get("cgt-kafka-1").get(0));
        assertEquals(List.of("task_id", "provider", "outcome", "result_file", "video_file", "video_sha256", "video_bytes", "instance_id",
                "finished_at"), fieldNames(succeeded));
        assertEquals("jimeng-gateway", succeeded.path("provider").asText(), "the event names the provider, as the record does");
        assertEquals("cgt-kafka-1", succeeded.path("task_id").asText());
        assertEquals("succeeded", succeeded.path("outcome").asText());
        assertEquals("results/cgt-kafka-1.json", succeeded.path("result_file").asText());
        assertEquals("videos/cgt-kafka-1.mp4", succeeded.path("video_file").asText());
        assertEquals(Videos.sha256(Files.readAllBytes(app.video("cgt-kafka-1"))), succeeded.path("video_sha256").asText());
        assertEquals(4096, succeeded.path("video_bytes").asLong());
        assertEquals(result.path("finished_at").asText(), succeeded.path("finished_at").asText());
        assertFalse(succeeded.path("instance_id").asText().isBlank());

        JsonNode failed = json(events.get("cgt-kafka-3").get(0));
        assertEquals(List.of("task_id", "provider", "outcome", "reason_class", "reason", "failure_file", "instance_id", "finished_at"),
                fieldNames(failed));
        assertEquals("jimeng-gateway", failed.path("provider").asText());
        assertEquals("failed", failed.path("outcome").asText());
        JsonNode failure = JSON.readTree(app.failure("cgt-kafka-3").toFile());
        assertEquals(failure.path("reason_class").asText(), failed.path("reason_class").asText());
        assertEquals(failure.path("reason").asText(), failed.path("reason").asText());
        assertEquals("failed/cgt-kafka-3.json", failed.path("failure_file").asText());

        // The offsets are committed once the ids are registered.
        await().atMost(WAIT).until(() -> committed(inboxTopic, "fetcher-" + topics) == 2);
        // The outbox is empty once the broker has them.
        await().atMost(WAIT).until(() -> outboxFiles() == 0);
    }

    @Test
    void aRecordWithoutAValidIdIsRecordedAsRejectedAndTheRecordsAfterItAreRegistered() throws Exception {
        startApp(kafkaSettings(broker));
        succeeds("cgt-after-bad");
        broker.send(inboxTopic, "not an id! <script>\u0007");
        broker.send(inboxTopic, "{\"no_ids\": true}");
        broker.send(inboxTopic, "cgt-after-bad");

        awaitResult("cgt-after-bad");
        await().atMost(WAIT).until(() -> app.filesIn("rejected") == 2);
        JsonNode first = JSON.readTree(app.output("rejected").resolve(rejectedName(0)).toFile());
        assertEquals("kafka", first.path("source").asText());
        assertEquals(inboxTopic, first.path("topic").asText());
        assertEquals(0, first.path("partition").asInt());
        assertEquals(0, first.path("offset").asLong());
        assertEquals("not an id! <script>\u0007", first.path("value").asText());
        assertTrue(first.path("rejected").get(0).path("reason").asText().length() > 0, first.toString());
        String raw = Files.readString(app.output("rejected").resolve(rejectedName(0)));
        assertTrue(raw.contains("\\u0007"), "control characters are escaped: " + raw);
        JsonNode second = JSON.readTree(app.output("rejected").resolve(rejectedName(1)).toFile());
        assertEquals(1, second.path("offset").asLong());
        assertTrue(second.path("rejected").get(0).path("reason").asText().contains("no task_id"), second.toString());
        // Every offset committed, the bad ones too.
        await().atMost(WAIT).until(() -> committed(inboxTopic, "fetcher-" + topics) == 3);
    }

    @Test
    void aRecordOfSeveralJsonDocumentsRegistersTheIdsOfEachAndRejectsOneCutShort() throws Exception {
        startApp(kafkaSettings(broker));
        broker.send(inboxTopic, "{\"task_id\": \"cgt-kafka-doc-1\"}\n{\"task_id\": \"cgt-kafka-doc-2\"}\n{\"task_id\": \"cgt-kafka-");

        await().atMost(WAIT).until(() -> store().find(taskId("cgt-kafka-doc-1")).isPresent() && store().find(taskId("cgt-kafka-doc-2")).isPresent()
                && app.filesIn("rejected") == 1);
        JsonNode record = JSON.readTree(app.output("rejected").resolve(rejectedName(0)).toFile());
        assertEquals(2, record.path("accepted_ids").asInt(), record.toString());
        assertEquals(1, record.path("rejected_count").asInt(), record.toString());
        assertEquals(3, record.path("rejected").get(0).path("line").asInt(), record.toString());
        assertTrue(record.path("rejected").get(0).path("reason").asText().contains("cut short"), record.toString());
        await().atMost(WAIT).until(() -> committed(inboxTopic, "fetcher-" + topics) == 1);
    }

    @Test
    void aRecordsIdsNameTheirProviderAndAnUnknownProviderIsRecordedAsRejected() throws Exception {
        startApp(kafkaSettings(broker));
        for (String id : List.of("cgt-kafka-ark", "cgt-kafka-json")) {
            api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "1%")));
        }
        broker.send(inboxTopic, "ark:cgt-kafka-ark\nnosuch:cgt-kafka-nosuch\n");
        broker.send(inboxTopic, "{\"task_id\": \"cgt-kafka-json\", \"provider\": \"new-api\"}");

        // Registered, then (no base URL or key for ark or new-api here) failed as provider_not_configured: the store keeps the provider either way.
        await().atMost(WAIT).until(() -> store().providerOf(taskId("cgt-kafka-ark")).isPresent()
                && store().providerOf(taskId("cgt-kafka-json")).isPresent() && app.filesIn("rejected") == 1);
        assertEquals(new ProviderName("ark"), store().providerOf(taskId("cgt-kafka-ark")).orElseThrow());
        assertEquals(new ProviderName("new-api"), store().providerOf(taskId("cgt-kafka-json")).orElseThrow());
        assertFalse(store().providerOf(taskId("cgt-kafka-nosuch")).isPresent(), "nothing registered for an unknown provider");
        JsonNode record = JSON.readTree(app.output("rejected").resolve(rejectedName(0)).toFile());
        assertEquals(1, record.path("accepted_ids").asInt(), record.toString());
        assertEquals("nosuch:cgt-kafka-nosuch", record.path("rejected").get(0).path("text").asText(), record.toString());
        assertTrue(record.path("rejected").get(0).path("reason").asText().contains("unknown provider 'nosuch'"), record.toString());
        await().atMost(WAIT).until(() -> committed(inboxTopic, "fetcher-" + topics) == 2);
    }

    private String rejectedName(int offset) throws Exception {
        try (Stream<Path> files = Files.list(app.output("rejected"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("kafka-" + inboxTopic + "-0-" + offset + "."))
                    .findFirst().orElseThrow();
        }
    }

    @Test
    void whileTheBrokerIsAwayTasksGoOnHealthSaysWhyAndEveryEventArrivesOnceItIsBackAlsoAcrossARestart() throws Exception {
        try (KafkaBroker own = KafkaBroker.start()) {
            Map<String, String> settings = kafkaSettings(own);
            int port = Http.enable(settings);
            startApp(settings);
            await().atMost(WAIT).until(() -> kafkaCheck(port).map(c -> c.path("status").asText()).orElse("").equals("UP"));

            own.stopBroker();
            String reason = await().atMost(WAIT).until(() -> kafkaCheck(port).filter(c -> c.path("status").asText().equals("DOWN"))
                    .map(c -> c.path("message").asText()), Optional::isPresent).orElseThrow();
            assertTrue(reason.contains("jimeng.kafka.brokers"), reason);

            // The inbox folder goes on; the events wait on disk.
            for (int i = 1; i <= 3; i++) {
                succeeds("cgt-away-" + i);
            }
            app.drop("away.txt", "cgt-away-1\ncgt-away-2\n");
            awaitResult("cgt-away-1");
            awaitResult("cgt-away-2");
            await().atMost(WAIT).until(() -> outboxFiles() == 2);

            // A restart while the broker is away loses none of them.
            startApp(settings);
            app.drop("away-later.txt", "cgt-away-3\n");
            awaitResult("cgt-away-3");
            await().atMost(WAIT).until(() -> outboxFiles() == 3);

            own.startBroker();
            Map<String, List<ConsumerRecord<String, String>>> events = new HashMap<>();
            try (KafkaConsumer<String, String> consumer = own.consumer(eventsTopic)) {
                awaitEvents(consumer, events, "cgt-away-1", "cgt-away-2", "cgt-away-3");
            }
            for (List<ConsumerRecord<String, String>> list : events.values()) {
                assertEquals("succeeded", json(list.get(0)).path("outcome").asText());
            }
            await().atMost(WAIT).until(() -> outboxFiles() == 0);
            await().atMost(WAIT).until(() -> kafkaCheck(port).map(c -> c.path("status").asText()).orElse("").equals("UP"));
        }
    }

    /**
     * A kill after a task's record was written and before its event reached the outbox: the
     * journal, read at the next start, finds the record ("RECORDED before a stop") and the event
     * is sent then, with the record's facts.
     */
    @Test
    void aTaskWhoseRecordWasWrittenBeforeAKillSendsItsEventAtTheNextStart() throws Exception {
        Map<String, String> settings = kafkaSettings(broker);
        settings.put("jimeng.fetch.interval", "1h");
        startApp(settings);
        String id = "cgt-recorded-before-kill";
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "10%"));
        broker.send(inboxTopic, id);
        await().atMost(WAIT).until(() -> api.fetchesOf(id).size() == 1);
        app.close();
        app = null;

        // As a kill right after the failure record's rename would leave it.
        Files.createDirectories(root.resolve("output/failed"));
        Files.writeString(root.resolve("output/failed/" + id + ".json"), """
                {"task_id": "%s", "status": "FAILED", "reason_class": "api_failure", "reason": "upstream error",
                 "registered_at": "2025-08-29T16:50:00Z", "finished_at": "2025-08-29T16:53:14.118Z", "fetches": 2}
                """.formatted(id));
        startApp(settings);

        Map<String, List<ConsumerRecord<String, String>>> events = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = broker.consumer(eventsTopic)) {
            awaitEvents(consumer, events, id);
        }
        JsonNode event = json(events.get(id).get(0));
        assertEquals("failed", event.path("outcome").asText());
        assertEquals("api_failure", event.path("reason_class").asText());
        assertEquals("upstream error", event.path("reason").asText());
        assertEquals("2025-08-29T16:53:14.118Z", event.path("finished_at").asText());
        assertEquals(1, api.fetchesOf(id).size(), "not fetched again: finished as its record says");
    }

    @Test
    void aTaskThatSucceedsAfterItTimedOutSendsItsSucceededEventAfterItsFailedOne() throws Exception {
        String id = "cgt-kafka-late";
        api.answer(id, Answer.json(FakeGateway.status(id, "IN_PROGRESS", "99%")));
        Map<String, String> settings = kafkaSettings(broker);
        settings.put("jimeng.fetch.task-timeout", "1s");
        settings.put("jimeng.fetch.timeout-recheck", "1s,2s");
        startApp(settings);
        broker.send(inboxTopic, id);
        awaitFailure(id);
        api.answer(id, Answer.json(
                FakeGateway.success(id, api.video("late.mp4", Videos.mp4(4096, 5)))));
        awaitResult(id);

        List<ConsumerRecord<String, String>> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = broker.consumer(eventsTopic)) {
            await().atMost(WAIT).until(() -> {
                events.addAll(KafkaBroker.poll(consumer));
                return events.size() >= 2;
            });
        }
        assertEquals(List.of("failed", "succeeded"), events.stream().map(e -> e.value().contains("\"outcome\":\"failed\"") ? "failed"
                : e.value().contains("\"outcome\":\"succeeded\"") ? "succeeded" : e.value()).toList());
        assertTrue(events.stream().allMatch(e -> e.key().equals(id)));
        assertTrue(events.get(0).offset() < events.get(1).offset());
    }

    @Test
    void withTheBrokerDownAtStartTheAppStartsWorksFromTheInboxFolderAndHealthSaysWhy() throws Exception {
        Map<String, String> settings = kafkaSettings(broker);
        settings.put("jimeng.kafka.brokers", "127.0.0.1:" + Http.freePort());
        int port = Http.enable(settings);
        startApp(settings);
        succeeds("cgt-broker-down-at-start");
        app.drop("ids.txt", "cgt-broker-down-at-start\n");
        awaitResult("cgt-broker-down-at-start");
        await().atMost(WAIT).until(() -> outboxFiles() == 1);
        String reason = await().atMost(WAIT).until(() -> kafkaCheck(port).filter(c -> c.path("status").asText().equals("DOWN"))
                .map(c -> c.path("message").asText()), Optional::isPresent).orElseThrow();
        assertTrue(reason.contains("cannot be reached"), reason);
    }

    @Test
    void onTheSharedPostgresStoreIdsFromTheTopicEndAsResultsWithTheirEvents() throws Exception {
        int dbPort = Http.freePort();
        Path data = Files.createDirectories(root.resolve("pg-data"));
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres db = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setPort(dbPort).setDataDirectory(data).start()) {
            Map<String, String> settings = kafkaSettings(broker);
            settings.put("jimeng.store.url", "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres");
            settings.put("jimeng.store.user", "postgres");
            settings.put("jimeng.store.instance-id", "studio-k");
            startApp(settings);
            succeeds("cgt-kafka-shared");
            broker.send(inboxTopic, "cgt-kafka-shared");
            awaitResult("cgt-kafka-shared");
            Map<String, List<ConsumerRecord<String, String>>> events = new HashMap<>();
            try (KafkaConsumer<String, String> consumer = broker.consumer(eventsTopic)) {
                awaitEvents(consumer, events, "cgt-kafka-shared");
            }
            JsonNode event = json(events.get("cgt-kafka-shared").get(0));
            assertEquals("succeeded", event.path("outcome").asText());
            assertEquals("studio-k", event.path("instance_id").asText());
            // The outbox is the instance's own, under {work}/{instance-id}/.
            assertTrue(Files.isDirectory(app.work().resolve("studio-k/kafka-outbox")));
            app.close();
            app = null;
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jimeng.kafka.brokers | kafka-1 | jimeng.kafka.brokers=kafka-1 'kafka-1' is not host:port",
        "jimeng.kafka.brokers | kafka-1:9092,kafka-2:99999 | jimeng.kafka.brokers=kafka-1:9092,kafka-2:99999 'kafka-2:99999' is not host:port",
        "jimeng.kafka.inbox-topic | task ids | jimeng.kafka.inbox-topic=task ids is not a Kafka name",
        "jimeng.kafka.events-topic | events/out | jimeng.kafka.events-topic=events/out is not a Kafka name",
        "jimeng.kafka.group-id | a&b | jimeng.kafka.group-id=a&b is not a Kafka name",
    })
    void aMalformedKafkaSettingStopsTheStart(String key, String value, String expected) {
        Map<String, String> settings = RunningApp.testSettings(root, api.baseUrl());
        settings.put(key, value);
        Main main = JimengFetcherApplication.create();
        settings.forEach(main::addOverrideProperty);
        Exception failure = assertThrows(Exception.class, main::run, key + "=" + value + " must stop the start");
        String reason = JimengFetcherApplication.reason(failure);
        assertTrue(reason.startsWith(expected), reason);
    }

    @Test
    void withoutBrokersNoKafkaRouteRunsAndNoEventIsKept() throws Exception {
        startApp(Map.of());
        succeeds("cgt-no-kafka");
        app.drop("plain.txt", "cgt-no-kafka\n");
        awaitResult("cgt-no-kafka");
        assertFalse(app.context().getRouteController().getRouteStatus("kafka-inbox").isStarted());
        assertFalse(app.context().getRouteController().getRouteStatus("kafka-events-out").isStarted());
        assertFalse(Files.exists(app.work().resolve("kafka-outbox")));
    }

    private long outboxFiles() throws Exception {
        Path outbox = app.work().resolve("kafka-outbox");
        if (!Files.isDirectory(outbox)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    private static Optional<JsonNode> kafkaCheck(int port) throws Exception {
        JsonNode health = JSON.readTree(Http.get(port, "/observe/health?exposureLevel=full").body());
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals("jimeng-kafka")) {
                return Optional.of(check);
            }
        }
        return Optional.empty();
    }

    private static long committed(String topic, String group) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
            return offset == null ? -1 : offset.offset();
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
