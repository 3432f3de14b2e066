package io.github.jimengfetcher.provider;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jimengfetcher.api.FetchAnswerReader.MalformedAnswerException;

/**
 * A list query's answer cut into its tasks' answers: each item of the array at the list's
 * {@code items}, as JSON text, by the task id at the answer's {@code id} pointer. Each is then read
 * as that task's own answer is, so an item naming no id (or an id asked by nobody) answers nobody.
 */
final class ListAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ListAnswer() {
    }

    /** @throws MalformedAnswerException when the answer is not JSON or has no array where the items should be */
    static Map<String, String> items(Provider provider, String raw) {
        JsonNode root;
        try {
            root = raw == null || raw.isBlank() ? null : JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new MalformedAnswerException("list answer is not JSON: " + e.getOriginalMessage());
        }
        JsonNode items = root == null ? null : root.at(provider.list().items());
        if (items == null || !items.isArray()) {
            throw new MalformedAnswerException("list answer has no array at " + provider.list().items());
        }
        Map<String, String> byId = new LinkedHashMap<>();
        for (JsonNode item : items) {
            JsonNode id = item.at(provider.answer().id());
            if (id.isValueNode() && !id.isNull() && !id.asText().isBlank()) {
                byId.putIfAbsent(id.asText().strip(), item.toString());
            }
        }
        return byId;
    }
}
