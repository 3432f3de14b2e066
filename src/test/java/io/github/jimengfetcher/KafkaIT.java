package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.AppProcess;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.KafkaBroker;
import io.github.jimengfetcher.support.OutputTree;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged app SIGKILLed after it registered the ids of a record and before the record's
 * offset was committed (the broker is stopped under it, so the commit cannot get through):
 * started again, it reads the record again and registers each id once; every task ends once
 * and its finish event reaches the topic. Security settings pass through Camel's
 * camel.component.kafka.* settings, and their secrets stay out of the log.
 */
class KafkaIT {

    private static final int RECORDS = 300;
    private static final Pattern REGISTERED = Pattern.compile("inbox kafka jimeng-task-ids partition 0 offset (\\d+): (\\d+) new tasks, (\\d+) already known");

    /** A password in the client settings (PLAINTEXT here, so unused): never in the log. */
    private static final String SECRET = "kafka-pass-5e1f0c7a9b";
    private static final String[] JVM_OPTIONS = {
        // The killed consumer holds the partition until its session times out: 6 s here, not Kafka's 45 s.
        "-Dcamel.component.kafka.session-timeout-ms=6000",
        "-Dcamel.component.kafka.security-protocol=PLAINTEXT",
        "-Dcamel.component.kafka.sasl-jaas-config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"fetcher\" password=\"" + SECRET + "\";",
    };

    @TempDir
    Path root;

    @Test
    void killedBetweenRegisteringAndCommittingItReadsTheRecordAgainAndRegistersEachIdOnce() throws Exception {
        try (FakeGateway api = new FakeGateway(); KafkaBroker broker = KafkaBroker.start()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                String id = "cgt-kafka-kill-" + i;
                api.statuses(id, FakeGateway.failure(id, "upstream error " + i));
                ids.add(id);
            }
            broker.sendAll("jimeng-task-ids", ids);
            Map<String, String> env = AppProcess.env(root);
            env.put("JIMENG_API_BASE_URL", api.baseUrl());
            env.put("JIMENG_API_KEY", FakeGateway.KEY);
            env.put("JIMENG_KAFKA_BROKERS", broker.bootstrap());

            long t0 = System.nanoTime();
            java.util.function.Consumer<String> mark = what -> System.out.println("KafkaIT " + what + " at " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            Path firstLog = root.resolve("app-killed.log");
            try (AppProcess app = AppProcess.start(firstLog, env, JVM_OPTIONS)) {
                // Some records are in: stop the broker while the rest are being registered, so a
                // registered record's commit cannot reach it, and kill the app once one such commit
                // has failed (a record registered just before the stop may still have been committed
                // by the broker as it stopped: only a failed commit proves a registered record uncommitted).
                await().atMost(Duration.ofSeconds(60)).until(() -> registrations(app.log()).size() >= 20);
                mark.accept("registering");
                broker.stopBroker();
                mark.accept("broker stopped");
                await().atMost(Duration.ofSeconds(40)).until(() -> app.log().contains("not committed, read again"));
                app.kill();
                mark.accept("killed");
            }
            Map<Long, long[]> killedRun = registrations(Files.readString(firstLog));
            assertTrue(killedRun.size() < RECORDS, "killed before it read every record: " + killedRun.size());

            broker.startBroker();
            Path secondLog = root.resolve("app-again.log");
            try (AppProcess app = AppProcess.start(secondLog, env, JVM_OPTIONS)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> OutputTree.finishedIds(root.resolve("output")).size() == RECORDS);
                mark.accept("all finished");
                Map<String, Integer> events = new HashMap<>();
                try (KafkaConsumer<String, String> consumer = broker.consumer("jimeng-task-events")) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> {
                        for (ConsumerRecord<String, String> record : KafkaBroker.poll(consumer)) {
                            events.merge(record.key(), 1, Integer::sum);
                        }
                        return events.size() == RECORDS;
                    });
                }
                mark.accept("all events");
                app.terminate(Duration.ofSeconds(20));
                mark.accept("stopped");
            }
            Map<Long, long[]> againRun = registrations(Files.readString(secondLog));
            for (Path log : List.of(firstLog, secondLog)) {
                String text = Files.readString(log);
                assertTrue(text.contains("saslJaasConfig"), "Camel's start-up summary names the security setting");
                assertFalse(text.contains(SECRET), "the password is never logged");
            }

            // Some record registered before the kill was read again, and found its id known.
            Set<Long> readTwice = new HashSet<>(killedRun.keySet());
            readTwice.retainAll(againRun.keySet());
            assertTrue(!readTwice.isEmpty(), "a record registered but not committed before the kill is read again");
            for (long offset : readTwice) {
                assertEquals(0, againRun.get(offset)[0], "offset " + offset + " registers nothing new the second time");
                assertEquals(1, againRun.get(offset)[1], "offset " + offset + " finds its id known");
            }
            // Every id registered exactly once over both runs, every record read.
            long newTasks = killedRun.values().stream().mapToLong(c -> c[0]).sum() + againRun.values().stream().mapToLong(c -> c[0]).sum();
            assertEquals(RECORDS, newTasks);
            Set<Long> read = new HashSet<>(killedRun.keySet());
            read.addAll(againRun.keySet());
            assertEquals(RECORDS, read.size());
            for (int i = 0; i < RECORDS; i++) {
                String id = "cgt-kafka-kill-" + i;
                assertTrue(Files.exists(root.resolve("output/failed/" + id + ".json")), id);
            }
        }
    }

    /** offset -> {new tasks, already known}, from the inbox's log lines for the topic's records. */
    private static Map<Long, long[]> registrations(String log) {
        Map<Long, long[]> found = new HashMap<>();
        Matcher line = REGISTERED.matcher(log);
        while (line.find()) {
            found.put(Long.parseLong(line.group(1)), new long[] {Long.parseLong(line.group(2)), Long.parseLong(line.group(3))});
        }
        return found;
    }
}
