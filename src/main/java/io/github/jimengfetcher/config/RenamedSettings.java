package io.github.jimengfetcher.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.Ordered;
import org.apache.camel.spi.LoadablePropertiesSource;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.util.IOHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings that were renamed keep working under their old names (renamed-settings.properties,
 * old = new), in every place a setting can be given, so that a settings file, a unit file or a
 * container definition written for an earlier version still runs. Once, before any setting is
 * read, each new name is decided the way Camel looks it up (system property, override property,
 * environment variable, settings file), with the old name just after the new one at each place:
 * the new name wins where both are given the same way, and an environment variable under either
 * name still overrides the file. A value that came under an old name is then answered for the new
 * one by this source, ahead of the environment. Every old name found is said once, as a warning
 * naming the new one; values are never logged (some are secrets).
 */
public final class RenamedSettings implements PropertiesSource, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(RenamedSettings.class);

    static final String NAME = "renamed-settings";

    /** Old name to new name, in the order of the list. */
    public static final Map<String, String> NEW_BY_OLD = load();

    /** New name to the value given under an old name, where that value is the one that counts. */
    private final Map<String, String> values = new HashMap<>();
    /** New name to the name the user wrote its value under, when that was an old one. */
    private final Map<String, String> written = new HashMap<>();

    /** One way a name was given: how it is written there, where, and its value. */
    private record Given(String written, String place, String value, boolean old) {
    }

    /** Once, before any setting is read ({@link io.github.jimengfetcher.AppLifecycle}). */
    public static void install(PropertiesComponent properties) {
        new RenamedSettings().apply(properties);
    }

    private PropertiesComponent properties;

    /** Decides every renamed setting once and puts this source in front of the environment. */
    void apply(PropertiesComponent properties) {
        if (properties.getPropertiesSource(NAME) != null) {
            return;
        }
        this.properties = properties;
        NEW_BY_OLD.forEach((old, key) -> decide(properties, old, key));
        properties.addPropertiesSource(this);
    }

    private void decide(PropertiesComponent properties, String old, String key) {
        List<Given> given = new ArrayList<>();
        Properties overrides = properties instanceof org.apache.camel.component.properties.PropertiesComponent camel
                ? camel.getOverrideProperties() : null;
        add(given, key, "system property", System.getProperty(key), false);
        add(given, key, "override property", overrides == null ? null : overrides.getProperty(key), false);
        add(given, old, "system property", System.getProperty(old), true);
        add(given, old, "override property", overrides == null ? null : overrides.getProperty(old), true);
        add(given, environmentVariable(key), "environment variable", environment(key), false);
        if (!environmentVariable(old).equals(environmentVariable(key))) {
            add(given, environmentVariable(old), "environment variable", environment(old), true);
        }
        for (PropertiesSource source : properties.getPropertiesSources()) {
            if (source instanceof LoadablePropertiesSource file) {
                add(given, key, "settings file", file.getProperty(key), false);
                add(given, old, "settings file", file.getProperty(old), true);
            }
        }
        if (given.isEmpty()) {
            return;
        }
        Given winner = given.get(0);
        if (winner.old()) {
            values.put(key, winner.value());
            written.put(key, winner.written());
        }
        for (Given one : given) {
            if (!one.old()) {
                continue;
            }
            if (one == winner) {
                LOG.warn("{} ({}) is the old name of {}: its value is used; rename it{}", one.written(), one.place(), key,
                        one.place().equals("environment variable") ? " " + environmentVariable(key) : "");
            } else {
                LOG.warn("{} ({}) is the old name of {} and is ignored: {} ({}) is set too, and wins", one.written(), one.place(), key,
                        winner.written(), winner.place());
            }
        }
    }

    private static void add(List<Given> given, String written, String place, String value, boolean old) {
        if (value != null) {
            given.add(new Given(written, place, value, old));
        }
    }

    /** As {@link EnvironmentSettings} reads it: an empty variable counts as not set. */
    private static String environment(String key) {
        String value = IOHelper.lookupEnvironmentVariable(key);
        return value == null || value.isBlank() ? null : value;
    }

    static String environmentVariable(String key) {
        return SettingChecks.environmentVariable(key);
    }

    /**
     * The name the value of a setting was written under: its old name (or old environment variable)
     * when it came in that way, else the key itself; so that a complaint names what the user wrote.
     */
    public static String nameWritten(PropertiesComponent properties, String key) {
        return properties.getPropertiesSource(NAME) instanceof RenamedSettings renamed
                ? renamed.written.getOrDefault(key, key) : key;
    }

    @Override
    public String getName() {
        return NAME;
    }

    /** A new name given under its old one; and an old name (in a route written for an earlier version) reads its new one. */
    @Override
    public String getProperty(String name) {
        String key = NEW_BY_OLD.get(name);
        return key == null ? values.get(name) : properties.resolveProperty(key).orElse(null);
    }

    /** Ahead of the environment (which is Ordered.HIGHEST + 1): its values were decided with the environment in view. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST;
    }

    private static Map<String, String> load() {
        Map<String, String> renames = new LinkedHashMap<>();
        try (InputStream in = RenamedSettings.class.getResourceAsStream("/renamed-settings.properties")) {
            if (in == null) {
                throw new IllegalStateException("renamed-settings.properties is missing from the class path");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String entry = line.strip();
                if (!entry.isEmpty() && !entry.startsWith("#")) {
                    int eq = entry.indexOf('=');
                    renames.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(renames);
    }
}
