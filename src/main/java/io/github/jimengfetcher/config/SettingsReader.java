package io.github.jimengfetcher.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.TimeUtils;

import io.github.jimengfetcher.config.SettingChecks.Kind;

/**
 * Reads settings as Camel resolves them (placeholders, environment variables), each into its Java
 * type, checked for its kind as it is read: a bad value stops the start with one line naming the
 * setting ({@link SettingChecks}). The groups ({@link AppSettings}) read through this, once.
 */
public final class SettingsReader {

    private final Function<String, Optional<String>> source;
    private final Function<String, String> written;

    public SettingsReader(Function<String, Optional<String>> source) {
        this(source, Function.identity());
    }

    /** @param written the name a setting's value came under (an old name, see {@link RenamedSettings}), which a complaint names */
    public SettingsReader(Function<String, Optional<String>> source, Function<String, String> written) {
        this.source = source;
        this.written = written;
    }

    public static SettingsReader of(PropertiesComponent properties) {
        return new SettingsReader(properties::resolveProperty, key -> RenamedSettings.nameWritten(properties, key));
    }

    /** The name the setting's value came under: the key, or the old name the user wrote. */
    public String written(String key) {
        return written.apply(key);
    }

    /** The value as written, spaces and all (a host with spaces around it is refused, not trimmed). */
    public String raw(String key) {
        return source.apply(key).orElse("");
    }

    /** The value without spaces around it; empty when not set. */
    public String text(String key) {
        return raw(key).strip();
    }

    /** A folder: must be set. */
    public Path folder(String key) {
        String value = text(key);
        if (value.isEmpty()) {
            throw new IllegalStateException(written(key) + " is not set (" + SettingChecks.whatItIs(written(key), key) + ")");
        }
        return Path.of(value);
    }

    public Duration duration(String key) {
        return Duration.ofMillis(TimeUtils.toMilliSeconds(checked(key, Kind.DURATION)));
    }

    public Duration durationOrZero(String key) {
        return Duration.ofMillis(TimeUtils.toMilliSeconds(checked(key, Kind.DURATION_OR_ZERO)));
    }

    /** Empty when the setting is empty. */
    public Optional<Duration> optionalDuration(String key) {
        String value = checked(key, Kind.DURATION_OR_EMPTY);
        return value.isEmpty() ? Optional.empty() : Optional.of(Duration.ofMillis(TimeUtils.toMilliSeconds(value)));
    }

    /** A comma-separated list of durations, in the order written; empty for none. */
    public List<Duration> durations(String key) {
        List<Duration> durations = new ArrayList<>();
        for (String part : checked(key, Kind.DURATION_LIST).split(",")) {
            if (!part.isBlank()) {
                durations.add(Duration.ofMillis(TimeUtils.toMilliSeconds(part.strip())));
            }
        }
        return List.copyOf(durations);
    }

    /** Bytes, from e.g. 64KB, 1MB, 2GB or a bare number. */
    public long size(String key) {
        return ByteSizes.parse(checked(key, Kind.SIZE));
    }

    public long sizeOrZero(String key) {
        return ByteSizes.parse(checked(key, Kind.SIZE_OR_ZERO));
    }

    /** A whole number of at least 1. */
    public int count(String key) {
        return Integer.parseInt(checked(key, Kind.POSITIVE_COUNT));
    }

    /** A whole number of at least 0. */
    public int countOrZero(String key) {
        return Integer.parseInt(checked(key, Kind.COUNT));
    }

    public int port(String key) {
        return Integer.parseInt(checked(key, Kind.PORT));
    }

    public int pageSize(String key) {
        return Integer.parseInt(checked(key, Kind.PAGE_SIZE));
    }

    /** An http:// or https:// URL; empty for none. */
    public String url(String key) {
        return checked(key, Kind.URL_OR_EMPTY);
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(checked(key, Kind.BOOLEAN));
    }

    /** Host names without ports, comma-separated; empty for none. */
    public List<String> hosts(String key) {
        return list(checked(key, Kind.HOSTS_OR_EMPTY));
    }

    /** Kafka brokers as host:port, comma-separated; empty for none. */
    public List<String> brokers(String key) {
        return list(checked(key, Kind.BROKERS_OR_EMPTY));
    }

    public String kafkaName(String key) {
        return checked(key, Kind.KAFKA_NAME);
    }

    /** An instance name, or empty. */
    public String name(String key) {
        return checked(key, Kind.NAME_OR_EMPTY);
    }

    /** A provider's name: the shape of one (whether a file has it is known once the files are read). */
    public String providerName(String key) {
        return checked(key, Kind.PROVIDER_NAME);
    }

    /** Where a finished video goes under output/videos/: a template that cannot name a path outside it. */
    public VideoNameTemplate videoName(String key) {
        return VideoNameTemplate.of(checked(key, Kind.VIDEO_NAME));
    }

    public String logFormat(String key) {
        return checked(key, Kind.LOG_FORMAT);
    }

    /** Comma-separated words, each without spaces around it; empty ones left out. */
    public List<String> words(String key) {
        return list(text(key));
    }

    private static List<String> list(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return List.copyOf(parts);
    }

    private String checked(String key, Kind kind) {
        String value = text(key);
        String problem = SettingChecks.problem(kind, value);
        if (problem != null) {
            throw new IllegalStateException(SettingChecks.message(written(key), key, value, problem));
        }
        return value;
    }
}
