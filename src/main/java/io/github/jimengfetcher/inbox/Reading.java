package io.github.jimengfetcher.inbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.jimengfetcher.task.TaskId;

/**
 * The ids and rejections gathered while one submission is read: each id once, in order, and
 * never both taken and rejected.
 */
final class Reading {

    private static final int SHOWN_TEXT_LIMIT = 200;

    /** The ids taken, by their text: where an id enters, it is checked once and becomes a TaskId. */
    private final Map<String, TaskId> ids = new LinkedHashMap<>();
    private final Rejections rejections = new Rejections();

    /** Takes the candidate as an id, or rejects it with the reason (after context). */
    void accept(String candidate, int line, String context) {
        TaskId id;
        try {
            id = TaskId.of(candidate);
        } catch (IllegalArgumentException invalid) {
            reject(line, candidate, context + invalid.getMessage());
            return;
        }
        if (ids.putIfAbsent(candidate, id) == null) {
            rejections.withdraw(candidate);
        }
    }

    /** @param text the rejected input, cut when long; null when a whole document or file was rejected */
    void reject(int line, String text, String reason) {
        String shown = text == null ? null : shown(text);
        if (shown == null || !ids.containsKey(shown)) {
            rejections.add(new InboxFile.Rejection(line, shown, reason));
        }
    }

    /** A whole document's ids and rejections; those of a document cut short or malformed are never merged. */
    void merge(Reading document) {
        for (Map.Entry<String, TaskId> id : document.ids.entrySet()) {
            if (ids.putIfAbsent(id.getKey(), id.getValue()) == null) {
                rejections.withdraw(id.getKey());
            }
        }
        for (InboxFile.Rejection r : document.rejections.kept()) {
            if (r.text() == null || !ids.containsKey(r.text())) {
                rejections.add(r);
            }
        }
        rejections.countMore(document.rejections.count() - document.rejections.kept().size());
    }

    InboxFile result(String source, long linesEnd, long appendedFrom) {
        return new InboxFile(source, new ArrayList<>(ids.values()), rejections, linesEnd, appendedFrom);
    }

    /** Long input is cut for the record; JSON encoding escapes control characters. */
    static String shown(String text) {
        return text.length() <= SHOWN_TEXT_LIMIT ? text : text.substring(0, SHOWN_TEXT_LIMIT) + "... (" + text.length() + " characters)";
    }
}
