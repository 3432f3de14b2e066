package io.github.jimengfetcher.observe;

import java.time.Duration;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskIds;

/**
 * A finished task as its record tells it (output/results/{id}.json or output/failed/{id}.json),
 * which is what the hooks receive: the status page and the metrics read the same document.
 *
 * @param reasonClass for a failure, e.g. api_failure; null for a success
 * @param reason      for a failure, the reason as written in its record; null for a success
 * @param duration    from registration to the record, or null when the record has no times
 * @param provider    the task API it was fetched from (jimeng-gateway for a record written before records named one)
 * @param s3Uri       for a success delivered to S3, its object (s3://bucket/key); else null
 */
public record FinishedTask(String id, boolean succeeded, String reasonClass, String reason, int fetches,
                           Instant registeredAt, Instant finishedAt, Duration duration, String provider, String s3Uri) {

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
                registered == null || finished == null ? null : Duration.between(registered, finished),
                provider(record.path("provider").asText("")),
                s3Uri(record.path("s3_uri").asText("")));
    }

    private static String s3Uri(String named) {
        return named.startsWith("s3://") ? named : null;
    }

    /** A record's provider; one it does not name, or names wrongly, is counted as jimeng-gateway's (labels stay a small set). */
    private static String provider(String named) {
        return ProviderName.problem(named) == null ? named : ProviderName.JIMENG_GATEWAY.value();
    }

    /**
     * The records' own form, 2025-08-29T09:02:11.120Z or with up to nine fraction digits (what
     * Instant.toString writes), read without the general parser, which took a tenth of a finishing
     * thread's time; any other form through it.
     */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        int length = text.length();
        if (length >= 20 && length <= 30 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(length - 1) == 'Z'
                && (length == 20 || text.charAt(19) == '.' && length > 21)) {
            try {
                int nanos = 0;
                if (length > 20) {
                    nanos = digits(text, 20, length - 1);
                    for (int i = length - 21; i < 9; i++) {
                        nanos *= 10;
                    }
                }
                return LocalDateTime.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10), digits(text, 11, 13),
                        digits(text, 14, 16), digits(text, 17, 19), nanos).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException | NumberFormatException e) {
                // not a date after all: the general parser says so
            }
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException(text);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
