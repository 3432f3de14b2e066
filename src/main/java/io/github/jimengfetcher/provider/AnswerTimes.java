package io.github.jimengfetcher.provider;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A time an answer gives, as epoch ms: numbers (or numeric text) are Unix seconds, or milliseconds
 * already when that large; other text is ISO-8601 (without an offset: UTC). Null for 0, absent or
 * unreadable values: the schedule then counts from what it saw itself.
 */
final class AnswerTimes {

    private AnswerTimes() {
    }

    static Long epochMillis(JsonNode value) {
        if (value.isNumber()) {
            return fromNumber(value.asDouble());
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            return null;
        }
        String text = value.asText().strip();
        try {
            return fromNumber(Double.parseDouble(text));
        } catch (NumberFormatException notANumber) {
            // a date, then
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException noOffset) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException notADate) {
                try {
                    return Instant.parse(text).toEpochMilli();
                } catch (DateTimeParseException unreadable) {
                    return null;
                }
            }
        }
    }

    private static Long fromNumber(double number) {
        if (!(number > 0) || Double.isInfinite(number)) {
            return null;
        }
        return number >= 1e11 ? (long) number : Math.round(number * 1000);
    }
}
