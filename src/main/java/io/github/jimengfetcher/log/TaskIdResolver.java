package io.github.jimengfetcher.log;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolver;
import org.apache.logging.log4j.layout.template.json.util.JsonWriter;
import org.apache.logging.log4j.message.Message;

import io.github.jimengfetcher.task.TaskIds;

/**
 * The {@code task_id} field of a JSON log line: the id of the task the line is about, or no field.
 * A line about a task starts with the task's id (the project's convention in routes and Java). Whose
 * id it is comes from who logged it, never from guessing at the text: a route's log step names its
 * exchange's task ({@link TaskLogContext}, in the thread context), one of the app's Java loggers passes
 * the id as the first argument of a message that starts with it ({@code LOG.info("{} ...", id)}).
 */
final class TaskIdResolver implements EventResolver {

    static final String NAME = "taskId";
    /** Only the app's own loggers follow the convention; Camel's and the libraries' do not. */
    private static final String OWN_LOGGERS = "io.github.jimengfetcher.";

    @Override
    public boolean isResolvable(LogEvent event) {
        return taskId(event) != null;
    }

    @Override
    public void resolve(LogEvent event, JsonWriter writer) {
        writer.writeString(taskId(event));
    }

    static String taskId(LogEvent event) {
        Message message = event.getMessage();
        if (message == null) {
            return null;
        }
        String text = message.getFormattedMessage();
        if (text == null) {
            return null;
        }
        String fromRoute = event.getContextData() == null ? null : event.getContextData().getValue(TaskLogContext.KEY);
        if (fromRoute != null && leads(text, fromRoute)) {
            return fromRoute;
        }
        String format = message.getFormat();
        Object[] parameters = message.getParameters();
        if (event.getLoggerName() != null && event.getLoggerName().startsWith(OWN_LOGGERS)
                && format != null && format.startsWith("{}") && parameters != null && parameters.length > 0
                && parameters[0] != null && !(parameters[0] instanceof Number)) {
            String id = firstWord(String.valueOf(parameters[0]));
            if (TaskIds.problemWith(id) == null && leads(text, id)) {
                return id;
            }
        }
        return null;
    }

    /** The text starts with the id, followed by a space, a colon or nothing. */
    private static boolean leads(String text, String id) {
        if (id.isEmpty() || !text.startsWith(id)) {
            return false;
        }
        return text.length() == id.length() || text.charAt(id.length()) == ' ' || text.charAt(id.length()) == ':';
    }

    private static String firstWord(String text) {
        String stripped = text.strip();
        int end = 0;
        while (end < stripped.length() && stripped.charAt(end) != ' ' && stripped.charAt(end) != ':') {
            end++;
        }
        return stripped.substring(0, end);
    }
}
