package io.github.jimengfetcher.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Deque;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.output.OutputFolders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox on real files: bounded, in order, kept across a new start, and saying when it is full. */
class EventOutboxTest {

    @TempDir
    Path root;

    private OutputFolders outputs() throws Exception {
        OutputFolders outputs = new OutputFolders();
        outputs.setRoot(root.resolve("output").toString());
        outputs.setInstance("test-1", false);
        outputs.start();
        return outputs;
    }

    private void result(String id) throws Exception {
        Files.writeString(root.resolve("output/results/" + id + ".json"), """
                {"task_id": "%s", "status": "SUCCESS", "video_file": "videos/%1$s.mp4", "video_bytes": 10,
                 "video_sha256": "ab", "finished_at": "2025-08-29T16:53:12Z"}
                """.formatted(id));
    }

    @Test
    void atTheLimitAnEventIsNotKeptWhichHealthSaysAndRoomComesBackAsEventsAreSent() throws Exception {
        OutputFolders outputs = outputs();
        EventOutbox outbox = new EventOutbox(root.resolve("work/kafka-outbox"), outputs, "test-1", true, 2);
        outbox.start();
        KafkaHealth health = new KafkaHealth("127.0.0.1:9", outbox);
        for (String id : new String[] {"cgt-a", "cgt-b", "cgt-c"}) {
            result(id);
            outbox.succeeded(id);
        }
        assertEquals(2, outbox.waiting());
        assertEquals(1, outbox.dropped());
        assertTrue(health.problem().contains("the Kafka outbox is full"), health.problem());

        Deque<EventOutbox.Event> batch = outbox.batch();
        assertEquals("cgt-a", batch.peekFirst().taskId(), "oldest first");
        outbox.sent(batch.pollFirst());
        assertEquals(1, outbox.waiting());
        assertNull(health.problem(), "room again");

        // A new start finds what still waits.
        EventOutbox again = new EventOutbox(root.resolve("work/kafka-outbox"), outputs, "test-1", true, 2);
        again.start();
        assertEquals(1, again.waiting());
        assertEquals("cgt-b", again.batch().peekFirst().taskId());
    }
}
