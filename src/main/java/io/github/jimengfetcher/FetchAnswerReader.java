package io.github.jimengfetcher;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the fetch API's answer defensively: the provider's schema and its own example
 * disagree, gateways use many status words and move the video URL around (see README,
 * "The API's answers").
 */
public class FetchAnswerReader {

    private static final Logger LOG = LoggerFactory.getLogger(FetchAnswerReader.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HTTP_URL = Pattern.compile("https?://\\S+", Pattern.CASE_INSENSITIVE);
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    /** Field names (lower case, without '_' and '-') that name a video; preferred over a plain "url". */
    private static final Set<String> VIDEO_FIELD_NAMES = Set.of(
            "video", "videourl", "videouri", "videolink", "resulturl", "downloadurl", "outputurl", "fileurl", "mp4url");
    private static final Set<String> URL_FIELD_NAMES = Set.of("url", "uri");
    /** Envelope codes that mean "no error": this gateway's "success", HTTP-like 200, Jimeng's own 10000. */
    private static final Set<String> OK_CODES = Set.of("SUCCESS", "OK", "0", "200", "10000");
    private static final Pattern KEY_LIKE = Pattern.compile("sk-[A-Za-z0-9*._-]+");
    private static final int MAX_REMEMBERED_WARNINGS = 10_000;

    private Set<String> allowedHosts = Set.of();
    /** Task id and word (or message) already warned about: each is logged once per task. */
    private final Map<String, Boolean> warned = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED_WARNINGS;
        }
    };

    /** Comma-separated host names the video may come from; empty allows any host. Compared in their ASCII (punycode) form. */
    public void setAllowedVideoHosts(String hosts) {
        this.allowedHosts = hosts == null || hosts.isBlank() ? Set.of()
                : Stream.of(hosts.split(",")).map(String::strip).filter(h -> !h.isEmpty())
                        .map(h -> IDN.toASCII(h, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    public FetchAnswer read(String raw) {
        return read(null, raw);
    }

    /**
     * @param taskId the task this answer was fetched for; null reads the answer without checking whose it is
     * @throws MalformedAnswerException      when the answer is not a JSON object
     * @throws ForeignAnswerException        when the answer names another task
     * @throws ErrorAnswerException          when the answer is an error and names no task status
     */
    public FetchAnswer read(String taskId, String raw) {
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
        boolean error = carriesError(root, data);
        String message = error ? gatewayMessage(root, data) : "";
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

        String url = null;
        String urlProblem = null;
        if (family == StatusFamily.SUCCEEDED) {
            for (String candidate : urlCandidates(root, data, failReason)) {
                try {
                    url = wireForm(candidate);
                    urlProblem = null;
                    break;
                } catch (IllegalArgumentException problem) {
                    if (urlProblem == null) {
                        urlProblem = problem.getMessage();
                    }
                }
            }
        }
        return new FetchAnswer(status, family, text(data, "progress"), failReason, message, url, urlProblem, raw);
    }

    /** Is this a "task_not_exist" error answer (HTTP 400)? */
    public static boolean isTaskNotFound(String body) {
        if (body == null || body.isBlank()) {
            return false;
        }
        try {
            JsonNode root = JSON.readTree(body);
            return root != null && ("task_not_exist".equals(root.path("code").asText())
                    || "task_not_exist".equals(root.path("message").asText()));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The unusable answer behind a fault (calling the reader from a route wraps it), or null. */
    public static MalformedAnswerException unusableAnswerIn(Throwable fault) {
        return ObjectHelper.getException(MalformedAnswerException.class, fault);
    }

    /** "the API refused this task (HTTP 403): banned", for a 403's last error and failure record. */
    public static String refusalReason(String body) {
        String message = "";
        try {
            JsonNode root = body == null || body.isBlank() ? null : JSON.readTree(body);
            if (root != null && root.isObject()) {
                message = gatewayMessage(root, root.path("data"));
            }
        } catch (JsonProcessingException e) {
            message = body.strip().length() > 200 ? body.strip().substring(0, 200) : body.strip();
        }
        return "the API refused this task (HTTP 403)" + (message.isEmpty() ? "" : ": " + message);
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

    /** An error object, a code that is not a success code, or "success": false. */
    private static boolean carriesError(JsonNode root, JsonNode data) {
        if (isErrorValue(root.path("error")) || isErrorValue(data.path("error"))) {
            return true;
        }
        JsonNode code = root.path("code");
        if ((code.isTextual() && !code.asText().isBlank()) || code.isNumber()) {
            return !OK_CODES.contains(code.asText().strip().toUpperCase(Locale.ROOT));
        }
        return root.path("success").isBoolean() && !root.path("success").asBoolean();
    }

    private static boolean isErrorValue(JsonNode error) {
        return (error.isObject() && !error.isEmpty()) || (error.isTextual() && !error.asText().isBlank());
    }

    /** The gateway's own words about an error: error.message, an error text, or the envelope's message. */
    private static String gatewayMessage(JsonNode root, JsonNode data) {
        for (JsonNode candidate : List.of(root.path("error").path("message"), root.path("error"), data.path("error").path("message"),
                data.path("error"), root.path("message"), root.path("msg"))) {
            if (candidate.isTextual() && !candidate.asText().isBlank()
                    && !OK_CODES.contains(candidate.asText().strip().toUpperCase(Locale.ROOT))) {
                String message = KEY_LIKE.matcher(candidate.asText().strip()).replaceAll("sk-...");
                return message.length() > 500 ? message.substring(0, 500) + "..." : message;
            }
        }
        JsonNode code = root.path("code");
        return code.isValueNode() && !code.isNull() && !code.asText().isBlank() ? "code " + code.asText().strip() : "";
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

    /**
     * The documented places first, in their order: the raw answer's video, result_url, a URL in
     * fail_reason. Then every other URL field: those named for a video before a plain "url", and
     * anything that may be a video before what is plainly an image (a thumbnail or cover).
     */
    private static List<String> urlCandidates(JsonNode root, JsonNode data, String failReason) {
        List<String> candidates = new ArrayList<>();
        addIfText(candidates, data.path("data").path("data").path("data").path("video"));
        addIfText(candidates, data.path("result_url"));
        Matcher m = HTTP_URL.matcher(failReason);
        if (m.find()) {
            candidates.add(m.group());
        }
        List<String> videoNamed = new ArrayList<>();
        List<String> urlNamed = new ArrayList<>();
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            JsonNode node = todo.poll();
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> field = it.next();
                    JsonNode value = field.getValue();
                    String name = field.getKey().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
                    if (value.isTextual() && HTTP_URL.matcher(value.asText().strip()).lookingAt()) {
                        if (VIDEO_FIELD_NAMES.contains(name)) {
                            videoNamed.add(value.asText().strip());
                        } else if (URL_FIELD_NAMES.contains(name)) {
                            urlNamed.add(value.asText().strip());
                        }
                    } else if (value.isContainerNode()) {
                        todo.add(value);
                    }
                }
            } else if (node.isArray()) {
                node.forEach(todo::add);
            }
        }
        List<String> found = new ArrayList<>(videoNamed);
        found.addAll(urlNamed);
        found.sort(Comparator.comparing(VideoUrls::looksLikeImage)); // stable: the name order holds within each kind
        candidates.addAll(found);
        return candidates;
    }

    private static void addIfText(List<String> candidates, JsonNode node) {
        if (node.isTextual() && !node.asText().isBlank()) {
            candidates.add(node.asText().strip());
        }
    }

    /**
     * The URL as it goes on the wire; only http(s) URLs, optionally only to allowed hosts, are followed.
     *
     * @throws IllegalArgumentException with the reason, for the failure record
     */
    String wireForm(String candidate) {
        Matcher scheme = SCHEME.matcher(candidate);
        String name = scheme.find() ? scheme.group(1).toLowerCase(Locale.ROOT) : "";
        if (!name.equals("http") && !name.equals("https")) {
            throw new IllegalArgumentException("video URL scheme '" + name + "' is not allowed (only http and https)");
        }
        String wire;
        URI uri;
        try {
            wire = VideoUrls.encode(candidate);
            uri = new URI(wire);
        } catch (IllegalArgumentException | URISyntaxException e) {
            throw new IllegalArgumentException("video URL is not a valid URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("video URL has no host");
        }
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("video host '" + uri.getHost() + "' is not in jimeng.download.allowed-hosts");
        }
        return wire;
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
     * fault of this task, until it comes three times in a row (see ApiHealth#errorAnswer).
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
