package io.github.jimengfetcher.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The event of one finished task, made from its record (output/results/{id}.json or
 * output/failed/{id}.json) so that it says exactly what the record says, whoever makes it and
 * whenever: the task's own pipeline, or a start-up that finds a record written before a kill.
 */
public final class FinishEvent {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FinishEvent() {
    }

    /** The event of a result record; paths are relative to the output folder (jimeng.output.folder). */
    public static Map<String, Object> succeeded(Path resultFile, String instanceId) throws IOException {
        JsonNode record = JSON.readTree(resultFile.toFile());
        String id = record.path("task_id").asText();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("task_id", id);
        event.put("provider", provider(record));
        event.put("outcome", "succeeded");
        event.put("result_file", "results/" + id + ".json");
        event.put("video_file", record.path("video_file").asText("videos/" + id + ".mp4"));
        event.put("video_sha256", record.path("video_sha256").asText(null));
        event.put("video_bytes", record.path("video_bytes").asLong());
        if (record.hasNonNull("s3_uri")) {
            event.put("s3_uri", record.path("s3_uri").asText());
        }
        event.put("instance_id", instanceId);
        event.put("finished_at", record.path("finished_at").asText(null));
        return event;
    }

    /** The event of a failure record. */
    public static Map<String, Object> failed(Path failureFile, String instanceId) throws IOException {
        JsonNode record = JSON.readTree(failureFile.toFile());
        String id = record.path("task_id").asText();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("task_id", id);
        event.put("provider", provider(record));
        event.put("outcome", "failed");
        event.put("reason_class", record.path("reason_class").asText(null));
        event.put("reason", record.path("reason").asText(null));
        event.put("failure_file", "failed/" + id + ".json");
        event.put("instance_id", instanceId);
        event.put("finished_at", record.path("finished_at").asText(null));
        return event;
    }

    /** The record's provider; a record written before records named one is jimeng-gateway's. */
    private static String provider(JsonNode record) {
        return record.path("provider").asText("jimeng-gateway");
    }

    static byte[] bytes(Map<String, Object> event) throws IOException {
        return JSON.writeValueAsBytes(event);
    }

    static String taskId(byte[] event) throws IOException {
        return JSON.readTree(event).path("task_id").asText();
    }

    /** True when the file holds a readable record (not one cut short). */
    static boolean readable(Path record) {
        try {
            return Files.isRegularFile(record) && JSON.readTree(record.toFile()).hasNonNull("task_id");
        } catch (IOException e) {
            return false;
        }
    }
}
