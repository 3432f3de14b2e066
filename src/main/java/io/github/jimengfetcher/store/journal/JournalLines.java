package io.github.jimengfetcher.store.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskState;

/**
 * The journal's three kinds of line, one JSON object each: {"op":"put","task":{...}},
 * {"op":"finished","id":...,"outcome":...,"provider":...} and {"op":"clock","active":...} (read back by
 * {@link TaskJournalReader}).
 */
final class JournalLines {

    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private JournalLines() {
    }

    static String put(Task task) {
        try {
            // Written in one pass (a tree first, then its text, cost twice as much on every fetch).
            return JSON.writeValueAsString(new PutEntry(task));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("task " + task.id + " cannot be written as JSON", e);
        }
    }

    /** @param outcome null for ids finished before outcomes were kept */
    static String finished(TaskId id, TaskState outcome, ProviderName provider) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("op", "finished");
        entry.put("id", id.value());
        if (outcome != null) {
            entry.put("outcome", outcome.name());
        }
        entry.put("provider", provider.value());
        return entry.toString();
    }

    /** A reading of the active clock, restored at start. */
    static String clock(long active) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("op", "clock");
        entry.put("active", active);
        return entry.toString();
    }

    /** A put line. */
    private record PutEntry(String op, Task task) {
        PutEntry(Task task) {
            this("put", task);
        }
    }
}
