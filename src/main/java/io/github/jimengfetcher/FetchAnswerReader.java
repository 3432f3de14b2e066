package io.github.jimengfetcher;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the fetch API's answer defensively: the provider's schema and its own
 * example disagree, and gateways move the video URL around (see README, "The API").
 */
public class FetchAnswerReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HTTP_URL = Pattern.compile("https?://\\S+", Pattern.CASE_INSENSITIVE);
    private static final Set<String> URL_FIELD_NAMES = Set.of("video", "video_url", "videourl", "url", "result_url");

    private Set<String> allowedHosts = Set.of();

    /** Comma-separated host names the video may come from; empty allows any host. */
    public void setAllowedVideoHosts(String hosts) {
        this.allowedHosts = hosts == null || hosts.isBlank() ? Set.of()
                : Set.of(hosts.toLowerCase(Locale.ROOT).replace(" ", "").split(","));
    }

    public FetchAnswer read(String raw) {
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
        String status = text(data, "status");
        if (status.isEmpty()) {
            status = text(data, "task_status");
        }
        status = status.isEmpty() ? "UNKNOWN" : status.toUpperCase(Locale.ROOT);
        String failReason = text(data, "fail_reason");

        String url = null;
        String urlProblem = null;
        if ("SUCCESS".equals(status)) {
            for (String candidate : urlCandidates(root, data, failReason)) {
                String problem = problemWithUrl(candidate);
                if (problem == null) {
                    url = candidate;
                    urlProblem = null;
                    break;
                }
                if (urlProblem == null) {
                    urlProblem = problem;
                }
            }
        }
        return new FetchAnswer(status, text(data, "progress"), failReason, url, urlProblem, raw);
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

    /** In the documented order: the raw answer's video, result_url, a URL in fail_reason, then any URL-like field. */
    private static List<String> urlCandidates(JsonNode root, JsonNode data, String failReason) {
        java.util.List<String> candidates = new java.util.ArrayList<>();
        addIfText(candidates, data.path("data").path("data").path("data").path("video"));
        addIfText(candidates, data.path("result_url"));
        Matcher m = HTTP_URL.matcher(failReason);
        if (m.find()) {
            candidates.add(m.group());
        }
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            JsonNode node = todo.poll();
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> field = it.next();
                    JsonNode value = field.getValue();
                    if (value.isTextual() && URL_FIELD_NAMES.contains(field.getKey().toLowerCase(Locale.ROOT))
                            && HTTP_URL.matcher(value.asText().strip()).lookingAt()) {
                        candidates.add(value.asText().strip());
                    } else if (value.isContainerNode()) {
                        todo.add(value);
                    }
                }
            } else if (node.isArray()) {
                node.forEach(todo::add);
            }
        }
        return candidates;
    }

    private static void addIfText(List<String> candidates, JsonNode node) {
        if (node.isTextual() && !node.asText().isBlank()) {
            candidates.add(node.asText().strip());
        }
    }

    /** Only http(s) URLs, optionally only to allowed hosts, are followed. */
    String problemWithUrl(String candidate) {
        URI uri;
        try {
            uri = URI.create(candidate);
        } catch (IllegalArgumentException e) {
            return "video URL is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "video URL scheme '" + scheme + "' is not allowed (only http and https)";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "video URL has no host";
        }
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            return "video host '" + uri.getHost() + "' is not in jimeng.download.allowed-hosts";
        }
        return null;
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
    }
}
