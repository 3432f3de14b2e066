package io.github.jimengfetcher.config;

import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.camel.util.TimeUtils;

/**
 * The kinds of settings (durations, sizes, counts, names, ...) and what is wrong with a value of
 * each, in the words the start's one-line error uses; {@link SettingsReader} asks as it reads.
 * Camel reads a bare number as milliseconds, so "7200" for two hours would mean 7.2 seconds: a
 * duration must name its unit. A size without a unit is a number of bytes.
 */
public final class SettingChecks {

    /** The most tasks one page of the task list may show: the HTTP contract's, and so the bound of every page-size setting. */
    public static final int MAX_PAGE_SIZE = 1_000;

    /** An instance id: it names a folder and a metrics label, so nothing a path or a label could trip on. */
    static final Pattern INSTANCE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    /** A Kafka topic's legal characters (also asked of the group id, which goes into an endpoint URI). */
    private static final Pattern KAFKA_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    /** host:port, the host a name, an IPv4 address or a bracketed IPv6 address. */
    private static final Pattern BROKER = Pattern.compile("([A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})");
    /** A host name, an IPv4 address or a bracketed IPv6 address, without a port. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]");
    private static final Pattern BARE_NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d+)?");

    enum Kind { DURATION_OR_EMPTY, BROKERS_OR_EMPTY, HOSTS_OR_EMPTY, KAFKA_NAME, NAME_OR_EMPTY, DURATION, DURATION_OR_ZERO, DURATION_LIST, SIZE, SIZE_OR_ZERO, POSITIVE_COUNT, COUNT, PORT, PAGE_SIZE, BOOLEAN, LOG_FORMAT, PROVIDER_NAME, VIDEO_NAME, URL_OR_EMPTY }

    private SettingChecks() {
    }

    /** The one line a bad value stops the start with: the setting, its value, what to write, its environment variable. */
    static String message(String key, String value, String problem) {
        return message(key, key, value, problem);
    }

    /** @param written the name the value came under: the key, or its old name, which the line then names with the new one */
    static String message(String written, String key, String value, String problem) {
        return written + "=" + value + " " + problem + " (" + whatItIs(written, key) + ")";
    }

    /** A complaint names the setting as the user wrote it; an old name is told with the new one. */
    static String whatItIs(String written, String key) {
        return written.equals(key) ? "environment variable " + environmentVariable(key) : "the old name of " + key;
    }

    /** 1800ms, 2s, 1m: as a setting would be written. */
    static String shortDuration(long millis) {
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** What is wrong with the value for its kind, or null when nothing is. */
    static String problem(Kind kind, String value) {
        if (kind == Kind.DURATION_LIST) {
            for (String part : value.split(",")) {
                String problem = part.isBlank() ? null : problem(Kind.DURATION, part.strip());
                if (problem != null) {
                    return "'" + part.strip() + "' " + problem.replace("write", "write a comma-separated list such as 1h,6h,23h; each");
                }
            }
            return null;
        }
        if (kind == Kind.BROKERS_OR_EMPTY) {
            if (value.isEmpty()) {
                return null;
            }
            for (String broker : value.split(",", -1)) {
                java.util.regex.Matcher address = BROKER.matcher(broker.strip());
                if (!address.matches() || Integer.parseInt(address.group(2)) < 1 || Integer.parseInt(address.group(2)) > 65_535) {
                    return "'" + broker.strip() + "' is not host:port: " + example(kind, "");
                }
            }
            return null;
        }
        if (kind == Kind.HOSTS_OR_EMPTY) {
            if (value.isEmpty()) {
                return null;
            }
            for (String host : value.split(",", -1)) {
                if (!HOST_NAME.matcher(host.strip()).matches()) {
                    return "'" + host.strip() + "' is not a host name: " + example(kind, "");
                }
            }
            return null;
        }
        if (kind == Kind.KAFKA_NAME) {
            return KAFKA_NAME.matcher(value).matches() ? null : "is not a Kafka name: " + example(kind, "");
        }
        if (kind == Kind.NAME_OR_EMPTY) {
            return value.isEmpty() || INSTANCE_NAME.matcher(value).matches() ? null : "is not a name: " + example(kind, "");
        }
        if (kind == Kind.DURATION_OR_EMPTY) {
            return value.isEmpty() ? null : problem(Kind.DURATION, value);
        }
        if (kind == Kind.LOG_FORMAT) {
            return io.github.jimengfetcher.log.LogFormat.problem(value);
        }
        if (kind == Kind.URL_OR_EMPTY) {
            return value.isEmpty() || value.matches("https?://[^\\s/?#]+(/\\S*)?") ? null : "is not an http(s) URL: " + example(kind, "");
        }
        if (kind == Kind.VIDEO_NAME) {
            return VideoNameTemplate.problem(value);
        }
        if (kind == Kind.PROVIDER_NAME) {
            return io.github.jimengfetcher.task.ProviderName.problem(value) == null ? null : "is not a provider name: " + example(kind, "");
        }
        if (value.isEmpty()) {
            return "is empty: " + example(kind, "");
        }
        switch (kind) {
            case DURATION:
            case DURATION_OR_ZERO:
                if (BARE_NUMBER.matcher(value).matches()) {
                    return "has no unit: " + example(kind, value);
                }
                long millis;
                try {
                    millis = TimeUtils.toMilliSeconds(value);
                } catch (RuntimeException e) {
                    return "is not a duration: " + example(kind, "");
                }
                return millis > 0 || (millis == 0 && kind == Kind.DURATION_OR_ZERO) ? null : "must be longer than zero: " + example(kind, "");
            case SIZE:
            case SIZE_OR_ZERO:
                long bytes;
                try {
                    bytes = ByteSizes.parse(value);
                } catch (RuntimeException e) {
                    return "is not a size: " + example(kind, "");
                }
                return bytes > 0 || (bytes == 0 && kind == Kind.SIZE_OR_ZERO) ? null : "must be larger than zero: " + example(kind, "");
            case POSITIVE_COUNT:
            case COUNT:
            case PORT:
            case PAGE_SIZE:
                long number;
                try {
                    number = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return "is not a whole number: " + example(kind, "");
                }
                long min = kind == Kind.COUNT ? 0 : 1;
                long max = kind == Kind.PORT ? 65_535 : kind == Kind.PAGE_SIZE ? MAX_PAGE_SIZE : Integer.MAX_VALUE;
                return number >= min && number <= max ? null : "is out of range: " + example(kind, "");
            case BOOLEAN:
                String lower = value.toLowerCase(Locale.ROOT);
                return lower.equals("true") || lower.equals("false") ? null : "is not true or false";
            default:
                return null;
        }
    }

    private static String example(Kind kind, String number) {
        return switch (kind) {
            case DURATION, DURATION_OR_ZERO, DURATION_LIST, DURATION_OR_EMPTY -> number.isEmpty()
                    ? "write a number with its unit, such as 500ms, 30s, 5m or 2h"
                    : "write " + number + "s, " + number + "ms, 5m, 2h, ...";
            case SIZE, SIZE_OR_ZERO -> "write e.g. 64KB, 1MB or 2GB (a bare number is bytes)";
            case POSITIVE_COUNT -> "write a whole number of at least 1";
            case COUNT -> "write a whole number of at least 0";
            case PORT -> "write a port from 1 to 65535";
            case PAGE_SIZE -> "write a whole number from 1 to " + MAX_PAGE_SIZE;
            case BOOLEAN -> "write true or false";
            case LOG_FORMAT -> "write text or json";
            case PROVIDER_NAME -> "write the name of a provider file without .yaml: lower-case letters, digits and '-', such as ark";
            case BROKERS_OR_EMPTY -> "write a comma-separated list of host:port, such as kafka-1:9092,kafka-2:9092 (or leave it empty: Kafka off)";
            case HOSTS_OR_EMPTY -> "write a comma-separated list of host names without ports, such as fetcher.lan,10.0.0.5 (or leave it empty)";
            case KAFKA_NAME -> "use 1 to 249 letters, digits, '.', '_' or '-'";
            case NAME_OR_EMPTY -> "use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' (or leave it empty)";
            case URL_OR_EMPTY -> "write a URL such as http://minio.lan:9000 (or leave it empty)";
            case VIDEO_NAME -> "write a name under output/videos/ such as {task_id}.mp4 or {date}/{kind}/{task_id}.mp4";
        };
    }

    static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
