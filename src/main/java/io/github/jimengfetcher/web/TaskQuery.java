package io.github.jimengfetcher.web;

import io.github.jimengfetcher.config.SettingChecks;
import io.github.jimengfetcher.task.TaskState;

/**
 * What GET /tasks asks for: ?state=pending|downloading|uploading|succeeded|failed&q=<part of an id>&offset=N&limit=N,
 * read from the query, or the reason it cannot be read (answered with 400).
 *
 * @param state  null for every state
 * @param idPart empty for every id
 */
public record TaskQuery(TaskState state, String idPart, int offset, int limit, String problem) {

    /** Tasks on a page unless the query asks for another number; the limit is part of the HTTP contract. */
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = SettingChecks.MAX_PAGE_SIZE;
    /** Far beyond any store's count, and offset + limit still fits an int. */
    public static final int MAX_OFFSET = 1_000_000_000;
    /** Longer than any task id: a search for more text cannot match. */
    private static final int MAX_ID_PART = 128;

    public static TaskQuery of(String state, String idPart, String offset, String limit) {
        TaskState wanted = null;
        if (state != null && !state.isEmpty()) {
            wanted = TaskState.ofWireName(state);
            if (wanted == null) {
                return invalid("state must be pending, downloading, uploading, succeeded or failed, not '" + shorten(state) + "'");
            }
        }
        String part = idPart == null ? "" : idPart.strip();
        if (part.length() > MAX_ID_PART) {
            return invalid("q is longer than " + MAX_ID_PART + " characters");
        }
        Integer from = number(offset, 0);
        if (from == null || from > MAX_OFFSET) {
            return invalid("offset must be a whole number from 0 to " + MAX_OFFSET + ", not '" + shorten(offset) + "'");
        }
        Integer count = number(limit, DEFAULT_LIMIT);
        if (count == null || count < 1 || count > MAX_LIMIT) {
            return invalid("limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + shorten(limit) + "'");
        }
        return new TaskQuery(wanted, part, from, count, null);
    }

    public boolean isValid() {
        return problem == null;
    }

    private static TaskQuery invalid(String problem) {
        return new TaskQuery(null, "", 0, DEFAULT_LIMIT, problem);
    }

    /** Digits only, else null; a number beyond an int reads as Integer.MAX_VALUE, out of every allowed range. */
    private static Integer number(String text, int absent) {
        if (text == null || text.isEmpty()) {
            return absent;
        }
        if (!text.matches("\\d{1,18}")) {
            return null;
        }
        long value = Long.parseLong(text);
        return value > Integer.MAX_VALUE ? Integer.valueOf(Integer.MAX_VALUE) : Integer.valueOf((int) value);
    }

    /** Echoed text stays short (it goes back into a JSON answer as plain text). */
    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
