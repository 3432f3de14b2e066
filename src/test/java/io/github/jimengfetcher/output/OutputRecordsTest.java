package io.github.jimengfetcher.output;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record writer on real files: a record under its own name is always whole. */
class OutputRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private OutputFolders folders() throws Exception {
        OutputFolders folders = new OutputFolders();
        folders.setRoot(root.resolve("output").toString());
        folders.setInstance("studio-1", false);
        folders.start();
        return folders;
    }

    @Test
    void aRecordRewrittenWhileBeingReadIsNeverSeenHalfWritten() throws Exception {
        OutputRecords records = new OutputRecords(folders());
        Path record = root.resolve("output/results/cgt-whole.json");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            while (writing.get()) {
                try {
                    JsonNode read = JSON.readTree(Files.readAllBytes(record));
                    if (read.path("text").asText().length() != read.path("length").asInt()) {
                        return "a record cut short: " + read.path("length");
                    }
                    reads.incrementAndGet();
                } catch (java.nio.file.NoSuchFileException notYet) {
                    // before the first write
                } catch (Exception e) {
                    return "a record that is not whole JSON: " + e;
                }
            }
            return null;
        });
        for (int i = 0; i < 40; i++) {
            int length = i % 2 == 0 ? 2_000_000 : 10;
            records.write(record, ".cgt-whole", Map.of("length", length, "text", "x".repeat(length)));
        }
        writing.set(false);
        assertEquals(null, reader.get());
        assertTrue(reads.get() > 0, "the reader read the record");
        assertEquals(List.of("cgt-whole.json"), names(record.getParent()), "no hidden file left");
    }

    @Test
    void aRecordThatCannotTakeItsNameLeavesNoHiddenFileBehind() throws Exception {
        OutputRecords records = new OutputRecords(folders());
        Path record = Files.createDirectories(root.resolve("output/failed/cgt-blocked.json"));
        Files.writeString(record.resolve("in-the-way"), "a folder where the record goes");

        assertThrows(java.io.IOException.class, () -> records.write(record, ".cgt-blocked", Map.of("task_id", "cgt-blocked")));

        assertEquals(List.of("cgt-blocked.json"), names(record.getParent()));
    }

    @Test
    void whatAKillLeavesUnderTheHiddenNameIsRemovedAtTheNextStart() throws Exception {
        OutputRecords records = new OutputRecords(folders());
        Path output = root.resolve("output");
        for (Path hidden : List.of(records.hiddenFile(output.resolve("results/cgt-a.json"), ".cgt-a"),
                records.hiddenFile(output.resolve("failed/cgt-a.json"), ".cgt-a"),
                records.hiddenFile(output.resolve("rejected/list.txt.20250101-101010123.json"), ".list.txt.20250101-101010123"))) {
            Files.writeString(hidden, "{\"task_id\": \"cgt-");
        }

        folders().start();

        for (String folder : List.of("results", "failed", "rejected")) {
            assertEquals(List.of(), names(output.resolve(folder)), folder);
        }
    }

    @Test
    void aRejectionRecordIsNamedByTheSubmissionsOwnTime() throws Exception {
        OutputRecords records = new OutputRecords(folders());
        Instant received = Instant.parse("2025-08-29T16:51:22.123Z");
        String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmssSSS").withZone(ZoneId.systemDefault()).format(received);

        records.rejected("ids.txt", received, Map.of("source", "ids.txt", "rejected_count", 1));
        records.rejected("ids.txt", received, Map.of("source", "ids.txt", "rejected_count", 1));

        Path rejected = root.resolve("output/rejected");
        assertEquals(List.of("ids.txt." + time + ".json"), names(rejected), "read twice, recorded once");
        assertEquals("ids.txt", JSON.readTree(rejected.resolve("ids.txt." + time + ".json").toFile()).path("source").asText());
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
