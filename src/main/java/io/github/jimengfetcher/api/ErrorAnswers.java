package io.github.jimengfetcher.api;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The shapes in which gateways say something went wrong: an error object or text, a failing
 * envelope code, {@code "success": false}, the "task_not_exist" answer, and the message to show
 * for each. Messages never carry an API key, even one the gateway echoes back.
 */
final class ErrorAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Envelope codes that mean "no error": this gateway's "success", HTTP-like 200, Jimeng's own 10000. */
    private static final Set<String> OK_CODES = Set.of("SUCCESS", "OK", "0", "200", "10000");
    private static final Pattern KEY_LIKE = Pattern.compile("sk-[A-Za-z0-9*._-]+");
    private static final int MAX_MESSAGE = 500;
    private static final int MAX_UNREADABLE_REFUSAL = 200;

    private ErrorAnswers() {
    }

    /** An error object, a code that is not a success code, or "success": false. */
    static boolean carriesError(JsonNode root, JsonNode data) {
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

    /** The gateway's own words about an error: error.message, an error text, or the envelope's message; else its code. */
    static String gatewayMessage(JsonNode root, JsonNode data) {
        for (JsonNode candidate : List.of(root.path("error").path("message"), root.path("error"), data.path("error").path("message"),
                data.path("error"), root.path("message"), root.path("msg"))) {
            if (candidate.isTextual() && !candidate.asText().isBlank()
                    && !OK_CODES.contains(candidate.asText().strip().toUpperCase(Locale.ROOT))) {
                String message = KEY_LIKE.matcher(candidate.asText().strip()).replaceAll("sk-...");
                return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
            }
        }
        JsonNode code = root.path("code");
        return code.isValueNode() && !code.isNull() && !code.asText().isBlank() ? "code " + code.asText().strip() : "";
    }

    /** Is this a "task_not_exist" error answer (HTTP 400)? */
    static boolean isTaskNotFound(String body) {
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

    /** "the API refused this task (HTTP 403): banned": the gateway's message, or the start of a body that is not JSON. */
    static String refusalReason(String body) {
        String message = "";
        try {
            JsonNode root = body == null || body.isBlank() ? null : JSON.readTree(body);
            if (root != null && root.isObject()) {
                message = gatewayMessage(root, root.path("data"));
            }
        } catch (JsonProcessingException e) {
            String text = KEY_LIKE.matcher(body.strip()).replaceAll("sk-...");
            message = text.length() > MAX_UNREADABLE_REFUSAL ? text.substring(0, MAX_UNREADABLE_REFUSAL) : text;
        }
        return "the API refused this task (HTTP 403)" + (message.isEmpty() ? "" : ": " + message);
    }
}
