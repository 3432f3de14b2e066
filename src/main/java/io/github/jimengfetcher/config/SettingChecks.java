package io.github.jimengfetcher.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.TimeUtils;

/**
 * The kind of every jimeng.* duration, size and count setting, checked in one place before any
 * piece is made. Camel reads a bare number as milliseconds, so "7200" for two hours would mean
 * 7.2 seconds: a duration must name its unit. A size without a unit is a number of bytes.
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

    enum Kind { DURATION_OR_EMPTY, BROKERS_OR_EMPTY, HOSTS_OR_EMPTY, KAFKA_NAME, NAME_OR_EMPTY, DURATION, DURATION_OR_ZERO, DURATION_LIST, SIZE, SIZE_OR_ZERO, POSITIVE_COUNT, COUNT, PORT, PAGE_SIZE, BOOLEAN, LOG_FORMAT }

    record Setting(String key, Kind kind) {
    }

    static final List<Setting> SETTINGS = List.of(
            new Setting("jimeng.demo.task-time", Kind.DURATION),
            new Setting("jimeng.fetch.interval", Kind.DURATION),
            new Setting("jimeng.fetch.adaptive", Kind.BOOLEAN),
            new Setting("jimeng.fetch.min-interval", Kind.DURATION_OR_EMPTY),
            new Setting("jimeng.fetch.max-interval", Kind.DURATION_OR_EMPTY),
            new Setting("jimeng.fetch.task-timeout", Kind.DURATION),
            new Setting("jimeng.fetch.timeout-recheck", Kind.DURATION_LIST),
            new Setting("jimeng.fetch.max-concurrent", Kind.POSITIVE_COUNT),
            new Setting("jimeng.fetch.retry-initial-delay", Kind.DURATION),
            new Setting("jimeng.fetch.retry-max-delay", Kind.DURATION),
            new Setting("jimeng.fetch.rate-limit-pause", Kind.DURATION),
            new Setting("jimeng.fetch.rate-limit-max-pause", Kind.DURATION),
            new Setting("jimeng.fetch.key-refused-pause", Kind.DURATION),
            new Setting("jimeng.fetch.scheduler-tick", Kind.DURATION),
            new Setting("jimeng.download.max-concurrent", Kind.POSITIVE_COUNT),
            new Setting("jimeng.download.max-size", Kind.SIZE),
            new Setting("jimeng.download.connect-timeout", Kind.DURATION),
            new Setting("jimeng.download.stall-timeout", Kind.DURATION),
            new Setting("jimeng.download.min-speed", Kind.SIZE_OR_ZERO),
            new Setting("jimeng.download.max-attempts", Kind.POSITIVE_COUNT),
            new Setting("jimeng.download.max-url-refreshes", Kind.COUNT),
            new Setting("jimeng.inbox.max-file-size", Kind.SIZE),
            new Setting("jimeng.inbox.settle-time", Kind.DURATION),
            new Setting("jimeng.inbox.follow-up-time", Kind.DURATION_OR_ZERO),
            new Setting("jimeng.http.enabled", Kind.BOOLEAN),
            new Setting("jimeng.camel-cli.enabled", Kind.BOOLEAN),
            new Setting("jimeng.http.port", Kind.PORT),
            new Setting("jimeng.http.header-timeout", Kind.DURATION),
            new Setting("jimeng.http.max-connections", Kind.POSITIVE_COUNT),
            new Setting("jimeng.http.allowed-hosts", Kind.HOSTS_OR_EMPTY),
            new Setting("jimeng.http.rejected-shown", Kind.PAGE_SIZE),
            new Setting("jimeng.health.api-failing-limit", Kind.DURATION),
            new Setting("jimeng.health.min-free-space", Kind.SIZE_OR_ZERO),
            new Setting("jimeng.api.connect-timeout", Kind.DURATION),
            new Setting("jimeng.api.read-timeout", Kind.DURATION),
            new Setting("jimeng.api.request-timeout", Kind.DURATION),
            new Setting("jimeng.api.max-answer-size", Kind.SIZE),
            new Setting("jimeng.store.instance-id", Kind.NAME_OR_EMPTY),
            new Setting("jimeng.store.lease-time", Kind.DURATION),
            new Setting("jimeng.log.format", Kind.LOG_FORMAT),
            new Setting("jimeng.kafka.brokers", Kind.BROKERS_OR_EMPTY),
            new Setting("jimeng.kafka.inbox-topic", Kind.KAFKA_NAME),
            new Setting("jimeng.kafka.events-topic", Kind.KAFKA_NAME),
            new Setting("jimeng.kafka.group-id", Kind.KAFKA_NAME));

    private SettingChecks() {
    }

    /** Throws, naming the setting and an example of a good value, at the first one that is not of its kind. */
    public static void check(PropertiesComponent properties) {
        for (Setting setting : SETTINGS) {
            String value = properties.resolveProperty(setting.key()).orElse("").strip();
            String problem = problem(setting.kind(), value);
            if (problem != null) {
                String written = RenamedSettings.nameWritten(properties, setting.key());
                throw new IllegalStateException(written + "=" + value + " " + problem + " (" + whatItIs(written, setting.key()) + ")");
            }
        }
        checkPollBounds(properties);
        checkLeaseTime(properties);
    }

    /** Below it, a renewal (every third of the lease) can come too late: the task is taken over while its work runs. */
    static final long SHORTEST_LEASE = 2_000;

    /** Either store: a lease shorter than {@link #SHORTEST_LEASE} lapses under work in flight, which is then done again and again. */
    static void checkLeaseTime(PropertiesComponent properties) {
        String value = properties.resolveProperty("jimeng.store.lease-time").orElse("").strip();
        if (TimeUtils.toMilliSeconds(value) < SHORTEST_LEASE) {
            throw new IllegalStateException("jimeng.store.lease-time=" + value + " is too short: write " + shortDuration(SHORTEST_LEASE)
                    + " or more, e.g. 30s (work in flight renews its lease every third of it; a shorter lease runs out under"
                    + " running work, which another claim then does again) (environment variable JIMENG_STORE_LEASE_TIME)");
        }
    }

    /** The learned schedule's bounds around the interval: min <= interval <= max, set or derived. */
    static void checkPollBounds(PropertiesComponent properties) {
        long interval = TimeUtils.toMilliSeconds(properties.resolveProperty("jimeng.fetch.interval").orElse("").strip());
        String minSetting = properties.resolveProperty("jimeng.fetch.min-interval").orElse("").strip();
        String maxSetting = properties.resolveProperty("jimeng.fetch.max-interval").orElse("").strip();
        long min = io.github.jimengfetcher.task.TaskPolicy.minGap(interval, minSetting);
        long max = io.github.jimengfetcher.task.TaskPolicy.maxGap(interval, maxSetting);
        if (min > interval || interval > max) {
            throw new IllegalStateException(RenamedSettings.nameWritten(properties, "jimeng.fetch.min-interval") + " <= "
                    + RenamedSettings.nameWritten(properties, "jimeng.fetch.interval") + " <= "
                    + RenamedSettings.nameWritten(properties, "jimeng.fetch.max-interval") + " does not hold: "
                    + (minSetting.isEmpty() ? "(derived) " : "") + shortDuration(min) + ", "
                    + shortDuration(interval) + ", " + (maxSetting.isEmpty() ? "(derived) " : "")
                    + shortDuration(max) + " (environment variables JIMENG_FETCH_MIN_INTERVAL, JIMENG_FETCH_INTERVAL, "
                    + "JIMENG_FETCH_MAX_INTERVAL; empty min or max: derived from the interval)");
        }
    }

    /** 1800ms, 2s, 1m: as a setting would be written. */
    private static String shortDuration(long millis) {
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
            case BROKERS_OR_EMPTY -> "write a comma-separated list of host:port, such as kafka-1:9092,kafka-2:9092 (or leave it empty: Kafka off)";
            case HOSTS_OR_EMPTY -> "write a comma-separated list of host names without ports, such as fetcher.lan,10.0.0.5 (or leave it empty)";
            case KAFKA_NAME -> "use 1 to 249 letters, digits, '.', '_' or '-'";
            case NAME_OR_EMPTY -> "use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' (or leave it empty)";
        };
    }

    /** A complaint names the setting as the user wrote it; an old name is told with the new one. */
    static String whatItIs(String written, String key) {
        return written.equals(key) ? "environment variable " + environmentVariable(key) : "the old name of " + key;
    }

    static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
