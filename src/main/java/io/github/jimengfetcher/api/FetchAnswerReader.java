package io.github.jimengfetcher.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.task.Task;

/**
 * Reads the fetch API's answer defensively: the provider's schema and its own example
 * disagree, gateways use many status words and move the video URL around (see docs/gateway-api.md, and
 * docs/operating.md, "The API's answers").
 */
public class FetchAnswerReader {

    private static final Logger LOG = LoggerFactory.getLogger(FetchAnswerReader.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REMEMBERED_WARNINGS = 10_000;

    private VideoUrlCandidates videoUrls = new VideoUrlCandidates("");
    /** Task id and word (or message) already warned about: each is logged once per task. */
    private final Map<String, Boolean> warned = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED_WARNINGS;
        }
    };

    /** Comma-separated host names the video may come from; empty allows any host. Compared in their ASCII (punycode) form. */
    public void setAllowedVideoHosts(java.util.List<String> hosts) {
        this.videoUrls = new VideoUrlCandidates(String.join(",", hosts));
    }

    /**
     * @param taskId the task this answer was fetched for; null reads the answer without checking whose it is
     * @throws MalformedAnswerException      when the answer is not a JSON object
     * @throws ForeignAnswerException        when the answer names another task
     * @throws ErrorAnswerException          when the answer is an error and names no task status
     */
    public FetchAnswer read(@Variable("taskId") String taskId, @Body String raw) {
        JsonNode root;
        try {
            root = raw == null || raw.isBlank() ? null : JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new MalformedAnswerException("answer is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedAnswerException("answer is not a JSON object");
        }
        JsonNode data = root.path("data");
        String otherTask = otherTaskNamed(taskId, root, data);
        if (otherTask != null) {
            throw new ForeignAnswerException(otherTask);
        }
        String word = firstText(data.path("status"), data.path("task_status"), root.path("status"), root.path("task_status"));
        StatusFamily family = StatusFamily.of(word);
        boolean error = ErrorAnswers.carriesError(root, data);
        String message = error ? ErrorAnswers.gatewayMessage(root, data) : "";
        String status = word.isEmpty() ? "UNKNOWN" : word.toUpperCase(Locale.ROOT);
        String who = taskId == null ? "" : taskId + " ";
        if (error) {
            if (word.isEmpty() || "UNKNOWN".equals(status)) {
                throw new ErrorAnswerException(message.isEmpty() ? "no message" : message, raw);
            }
            warnOnce(taskId, "message:" + message, () -> LOG.warn("{}the API's answer carries an error: {}", who, message));
        }
        if (family == StatusFamily.UNRECOGNISED) {
            warnOnce(taskId, "status:" + status, () -> LOG.warn("{}unrecognised status '{}', still polling", who, word));
        }
        String failReason = text(data, "fail_reason");
        VideoUrlCandidates.Pick video = family == StatusFamily.SUCCEEDED ? videoUrls.pick(root, data, failReason) : VideoUrlCandidates.Pick.NONE;
        return new FetchAnswer(status, family, text(data, "progress"), failReason, message, video.url(), video.problem(), raw,
                kind(data), epochMillis(data, "submit_time"), epochMillis(data, "finish_time"), labels(data));
    }

    /** Longer than any real action or model name: a kind is a label in metrics and a key in the store. */
    private static final int MAX_KIND = 64;
    private static final Pattern NOT_IN_KIND = Pattern.compile("[^A-Za-z0-9._/:-]");

    /**
     * The task's kind: the gateway's action (or its upstream's, data.data.action), with the model where the
     * answer names one. Null when it names neither.
     */
    static String kind(JsonNode data) {
        String action = firstText(data.path("action"), data.path("data").path("action"));
        String model = firstText(data.path("model"), data.path("data").path("model"));
        String kind = model.isEmpty() ? action : action.isEmpty() ? model : action + "/" + model;
        if (kind.isEmpty()) {
            return null;
        }
        kind = NOT_IN_KIND.matcher(kind).replaceAll("_");
        return kind.length() <= MAX_KIND ? kind : kind.substring(0, MAX_KIND);
    }

    /** The action and the model apart, as written (the video's name makes them safe). */
    static TaskLabels labels(JsonNode data) {
        return TaskLabels.of(firstText(data.path("action"), data.path("data").path("action")),
                firstText(data.path("model"), data.path("data").path("model")));
    }

    /**
     * A time the answer gives (submit_time, finish_time) as epoch ms: Unix seconds, possibly with a fraction,
     * as a number or a numeric string; a value that large is taken as milliseconds already. Null for 0
     * ("not yet"), absent, or unreadable values.
     */
    static Long epochMillis(JsonNode data, String field) {
        JsonNode value = data.path(field);
        double number;
        if (value.isNumber()) {
            number = value.asDouble();
        } else if (value.isTextual()) {
            try {
                number = Double.parseDouble(value.asText().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        if (!(number > 0) || Double.isInfinite(number)) {
            return null;
        }
        return number > 1e11 ? (long) number : Math.round(number * 1000);
    }

    /** Is this a "task_not_exist" error answer (HTTP 400)? */
    public static boolean isTaskNotFound(String body) {
        return ErrorAnswers.isTaskNotFound(body);
    }

    /** The unusable answer behind a fault (calling the reader from a route wraps it), or null. */
    public static MalformedAnswerException unusableAnswerIn(Throwable fault) {
        return ObjectHelper.getException(MalformedAnswerException.class, fault);
    }

    /** "the API refused this task (HTTP 403): banned", for a 403's last error and failure record. */
    public static String refusalReason(String body) {
        return ErrorAnswers.refusalReason(body);
    }

    /** The first task id in the answer that is not the one fetched, or null. */
    private static String otherTaskNamed(String taskId, JsonNode root, JsonNode data) {
        if (taskId == null) {
            return null;
        }
        // The gateway's record, the raw answer of the gateway behind it (data.data), and its record (data.data.data).
        for (JsonNode named : List.of(root.path("task_id"), data.path("task_id"), data.path("data").path("task_id"),
                data.path("data").path("data").path("task_id"))) {
            String id = named.isValueNode() && !named.isNull() ? named.asText().strip() : "";
            if (!id.isEmpty() && !id.equals(taskId)) {
                return id;
            }
        }
        return null;
    }

    private void warnOnce(String taskId, String what, Runnable log) {
        boolean first;
        synchronized (warned) {
            first = warned.put(taskId + "\n" + what, Boolean.TRUE) == null;
        }
        if (first) {
            log.run();
        }
    }

    private static String firstText(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            if (node.isTextual() && !node.asText().isBlank()) {
                return node.asText().strip();
            }
        }
        return "";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText().strip() : "";
    }

    /** An answer that cannot be read; a passing fault, retried like a 5xx. */
    public static class MalformedAnswerException extends RuntimeException {
        public MalformedAnswerException(String message) {
            super(message);
        }

        /** For the task's last error and the log. */
        public String describe() {
            return "unreadable answer (" + getMessage() + ")";
        }

        /** The kind of fault, logged once per episode. */
        public String episode() {
            return describe();
        }
    }

    /** The answer names another task: never acted on, a passing fault like an unreadable answer. */
    public static class ForeignAnswerException extends MalformedAnswerException {
        public ForeignAnswerException(String namedTask) {
            super("answer names task " + namedTask);
        }

        @Override
        public String describe() {
            return getMessage();
        }

        @Override
        public String episode() {
            return "answers naming other tasks";
        }
    }

    /**
     * The answer is an error (an error object, a failing code) without any task status: a passing
     * fault of this task, until it comes three times in a row (see AfterFault).
     */
    public static class ErrorAnswerException extends MalformedAnswerException {
        private final String raw;

        public ErrorAnswerException(String gatewayMessage, String raw) {
            super(gatewayMessage);
            this.raw = raw;
        }

        /** The answer as received, for the failure record. */
        public String getRaw() {
            return raw;
        }

        @Override
        public String describe() {
            return "the API answered with an error: " + getMessage();
        }

        @Override
        public String episode() {
            return "error answers from the API";
        }
    }
}
