package io.github.jimengfetcher.observe;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jimengfetcher.task.TaskIds;

/**
 * A finished task as its record tells it (output/results/{id}.json or output/failed/{id}.json),
 * which is what the hooks receive: the status page and the metrics read the same document.
 *
 * @param reasonClass for a failure, e.g. api_failure; null for a success
 * @param reason      for a failure, the reason as written in its record; null for a success
 * @param duration    from registration to the record, or null when the record has no times
 */
public record FinishedTask(String id, boolean succeeded, String reasonClass, String reason, int fetches,
                           Instant registeredAt, Instant finishedAt, Duration duration) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static FinishedTask fromRecord(String json) throws java.io.IOException {
        JsonNode record = JSON.readTree(json);
        Instant registered = instant(record.path("registered_at").asText(null));
        Instant finished = instant(record.path("finished_at").asText(null));
        boolean success = "SUCCESS".equals(record.path("status").asText());
        return new FinishedTask(
                TaskIds.require(record.path("task_id").asText()),
                success,
                success ? null : record.path("reason_class").asText(null),
                success ? null : record.path("reason").asText(null),
                record.path("fetches").asInt(),
                registered,
                finished == null ? Instant.now() : finished,
                registered == null || finished == null ? null : Duration.between(registered, finished));
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
