package io.github.jimengfetcher.log;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * jimeng.log.format: the console's lines as text (PatternLayout) or one JSON object each
 * (JsonTemplateLayout, template jimeng-log.json). log4j2.properties sends the root logger to the
 * appender named by the system property {@value #LAYOUT_PROPERTY}, so the choice must be made
 * before the first line is logged: main() reads it from the environment and the settings file
 * ({@link #selectAtStart}); once Camel has read all settings, {@link #apply} makes sure the logs
 * follow the checked value (and reconfigures Log4j only if it differs).
 */
public final class LogFormat {

    public static final String SETTING = "jimeng.log.format";
    /** Read by log4j2.properties; not a jimeng.* name, so Camel never takes it for the setting. */
    static final String LAYOUT_PROPERTY = "jimengfetcher.log.layout";
    static final String TEXT = "text";
    static final String JSON = "json";

    private LogFormat() {
    }

    /** Null when the value is a format, else what is wrong with it. */
    public static String problem(String value) {
        String format = value.strip().toLowerCase(Locale.ROOT);
        return format.equals(TEXT) || format.equals(JSON) ? null : "is not a log format: write text or json";
    }

    /**
     * Before anything logs: the format from JIMENG_LOG_FORMAT or the settings file. A bad value is
     * left to the settings check, which stops the start naming it.
     */
    public static void selectAtStart(Path settingsFile) {
        String value = System.getenv("JIMENG_LOG_FORMAT");
        if (value == null || value.isBlank()) {
            Properties settings = new Properties();
            try (Reader reader = Files.newBufferedReader(settingsFile)) {
                settings.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                return;
            }
            value = settings.getProperty(SETTING, TEXT);
        }
        if (problem(value) == null) {
            System.setProperty(LAYOUT_PROPERTY, value.strip().toLowerCase(Locale.ROOT));
        }
    }

    /** The checked setting: the console follows it, and with json route log steps name their task. */
    public static void apply(String value, CamelContext context) {
        String format = value.strip().toLowerCase(Locale.ROOT);
        String current = System.getProperty(LAYOUT_PROPERTY, TEXT);
        if (!current.equals(format)) {
            System.setProperty(LAYOUT_PROPERTY, format);
            if (LogManager.getContext(false) instanceof LoggerContext logs) {
                logs.reconfigure();
            }
        }
        if (format.equals(JSON)) {
            context.getCamelContextExtension().addLogListener(new TaskLogContext());
        }
    }
}
