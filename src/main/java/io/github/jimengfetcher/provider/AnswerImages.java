package io.github.jimengfetcher.provider;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The images an answer names (a provider file's answer.images: name to JSON Pointer), read from the
 * answer's text. An image whose pointer finds no text is left out; so is every image of an answer
 * that is no JSON object. The gateway's reader names none: its answers document no image.
 */
final class AnswerImages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AnswerImages() {
    }

    /** Name to URL, in the file's order. */
    static Map<String, String> read(Map<String, String> pointers, String raw) {
        Map<String, String> images = new LinkedHashMap<>();
        if (pointers.isEmpty() || raw == null || raw.isBlank()) {
            return images;
        }
        JsonNode root;
        try {
            root = JSON.readTree(raw);
        } catch (JsonProcessingException notJson) {
            return images;
        }
        if (root == null || !root.isObject()) {
            return images;
        }
        pointers.forEach((name, pointer) -> {
            JsonNode value = root.at(pointer);
            if (value.isTextual() && !value.asText().isBlank()) {
                images.put(name, value.asText().strip());
            }
        });
        return images;
    }
}
