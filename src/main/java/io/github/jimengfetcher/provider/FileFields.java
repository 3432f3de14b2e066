package io.github.jimengfetcher.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonPointer;

/**
 * The fields of one mapping of a provider file, each read into its type and checked as it is read:
 * the first wrong one stops the start with one line naming the file and the field's path
 * ({@code providers/kling.yaml: answer.status: missing (a JSON Pointer such as /data/task_status)}).
 */
final class FileFields {

    private final String source;
    private final String prefix;
    private final Map<?, ?> fields;

    private FileFields(String source, String prefix, Map<?, ?> fields) {
        this.source = source;
        this.prefix = prefix;
        this.fields = fields;
    }

    /** The file's top mapping; anything else is not a provider file. */
    static FileFields of(String source, Object document) {
        if (!(document instanceof Map<?, ?> map)) {
            throw new IllegalStateException(source + ": not a provider file: expected a YAML mapping of fields such as request:, answer:, status:");
        }
        return new FileFields(source, "", map);
    }

    /** A field name a provider file does not have is a typo: said rather than ignored. */
    FileFields known(Set<String> names) {
        for (Object key : fields.keySet()) {
            if (!(key instanceof String name) || !names.contains(name)) {
                throw problem(String.valueOf(key), "unknown field (known here: " + String.join(", ", names.stream().sorted().toList()) + ")");
            }
        }
        return this;
    }

    boolean has(String name) {
        return fields.get(name) != null;
    }

    /** A nested mapping, or null when absent. */
    FileFields mapping(String name, boolean required, String hint) {
        Object value = fields.get(name);
        if (value == null) {
            if (required) {
                throw problem(name, "missing (" + hint + ")");
            }
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw problem(name, "not a mapping (" + hint + ")");
        }
        return new FileFields(source, path(name) + ".", map);
    }

    /** A scalar as text, without spaces around it; the default when absent. */
    String text(String name, String orElse) {
        Object value = fields.get(name);
        if (value == null) {
            return orElse;
        }
        if (value instanceof Map || value instanceof List) {
            throw problem(name, "not a single value");
        }
        return String.valueOf(value).strip();
    }

    /** A scalar exactly as written, spaces kept; empty when absent. */
    String raw(String name) {
        Object value = fields.get(name);
        if (value instanceof Map || value instanceof List) {
            throw problem(name, "not a single value");
        }
        return value == null ? "" : String.valueOf(value);
    }

    /** Text that must be there and not be empty. */
    String requiredText(String name, String hint) {
        String value = text(name, "");
        if (value.isEmpty()) {
            throw problem(name, "missing (" + hint + ")");
        }
        return value;
    }

    /** A JSON Pointer: "" (none, or the whole answer) or starting with '/'. */
    String pointer(String name, boolean required, String example) {
        String value = text(name, "");
        if (value.isEmpty()) {
            if (required) {
                throw problem(name, "missing (a JSON Pointer such as " + example + ")");
            }
            return "";
        }
        return checkedPointer(name, value);
    }

    String checkedPointer(String name, String value) {
        if (!value.startsWith("/")) {
            throw problem(name, "'" + value + "' is not a JSON Pointer: it starts with '/', such as /data/status (array items by index: /data/videos/0/url)");
        }
        try {
            JsonPointer.compile(value);
        } catch (IllegalArgumentException e) {
            throw problem(name, "'" + value + "' is not a JSON Pointer: " + e.getMessage());
        }
        return value;
    }

    /** Name to text, in the file's order; empty when absent. */
    Map<String, String> texts(String name) {
        FileFields map = mapping(name, false, "name: value pairs");
        Map<String, String> texts = new LinkedHashMap<>();
        if (map != null) {
            for (Object key : map.fields.keySet()) {
                texts.put(String.valueOf(key), map.text(String.valueOf(key), ""));
            }
        }
        return texts;
    }

    /** A list of words; a single word counts as a list of one. Null when absent. */
    List<String> words(String name) {
        Object value = fields.get(name);
        if (value == null) {
            return null;
        }
        List<String> words = new ArrayList<>();
        for (Object word : value instanceof List<?> list ? list : List.of(value)) {
            if (word == null || word instanceof Map || word instanceof List || String.valueOf(word).isBlank()) {
                throw problem(name, "not a list of words such as [queued, running]");
            }
            words.add(String.valueOf(word).strip());
        }
        return words;
    }

    int number(String name, int orElse, int min, int max) {
        Object value = fields.get(name);
        if (value == null) {
            return orElse;
        }
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min || ((Number) value).longValue() > max) {
            throw problem(name, "'" + value + "' is not a whole number from " + min + " to " + max);
        }
        return ((Number) value).intValue();
    }

    boolean flag(String name, boolean orElse) {
        Object value = fields.get(name);
        if (value == null) {
            return orElse;
        }
        if (!(value instanceof Boolean flag)) {
            throw problem(name, "'" + value + "' is not true or false");
        }
        return flag;
    }

    /** The names of this mapping's fields, as written. */
    List<String> names() {
        return fields.keySet().stream().map(String::valueOf).toList();
    }

    String path(String name) {
        return prefix + name;
    }

    IllegalStateException problem(String name, String what) {
        return new IllegalStateException(source + ": " + path(name) + ": " + what);
    }
}
