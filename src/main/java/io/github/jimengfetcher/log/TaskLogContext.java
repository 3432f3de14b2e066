package io.github.jimengfetcher.log;

import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelLogger;
import org.apache.camel.spi.LogListener;
import org.slf4j.MDC;

/**
 * Tells the JSON log which task a route's log step is about: the exchange's task (variable
 * {@code taskId}, or header {@code JimengTaskId} in the hook routes) goes into the logging thread's
 * context just before the step logs. {@link TaskIdResolver} takes it only for a line that starts
 * with that id, so a value left on a pooled thread never labels another line.
 */
public final class TaskLogContext implements LogListener {

    static final String KEY = "task_id";

    @Override
    public String onLog(Exchange exchange, CamelLogger camelLogger, String message) {
        // The variable holds a TaskId, whose text is the bare id; no type conversion on every log line.
        Object variable = exchange.getVariable("taskId");
        String id = variable != null ? variable.toString() : exchange.getMessage().getHeader("JimengTaskId", String.class);
        if (id == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, id);
        }
        return message;
    }
}
