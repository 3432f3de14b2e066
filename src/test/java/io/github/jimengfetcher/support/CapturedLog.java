package io.github.jimengfetcher.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/** Every log line written while it is open, as the application formats it, for assertions. */
public final class CapturedLog extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private CapturedLog() {
        super("captured-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    }

    public static CapturedLog capture() {
        CapturedLog log = new CapturedLog();
        log.start0();
        return log;
    }

    private void start0() {
        start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.getRootLogger().addAppender(this, null, null);
        context.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
        messages.add(event.getMessage().getFormattedMessage());
        StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            line.append(' ').append(event.getThrown());
            for (Throwable cause = event.getThrown().getCause(); cause != null; cause = cause.getCause()) {
                line.append(" caused by ").append(cause);
            }
        }
        lines.add(line.toString());
    }

    /** Each event as "LEVEL message", with its exception and causes. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Each event's message alone, as the app's loggers formatted it. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    public List<String> containing(String text) {
        return messages.stream().filter(m -> m.contains(text)).toList();
    }

    public long count(String text) {
        return lines.stream().filter(l -> l.contains(text)).count();
    }

    public String all() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
