package io.github.jimengfetcher.task;

import java.util.regex.Pattern;

/**
 * The rules a task id must follow before it may appear in a URL or a file name.
 * Only ASCII letters, digits, '-', '_' and '.' are allowed, so an id can never
 * climb out of a folder, add a query to a URL or hide a control character; and
 * an id never starts with '.', so its files are never hidden files (the output
 * tree keeps hidden names for the app's own half-written files).
 */
public final class TaskIds {

    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]+");

    private TaskIds() {
    }

    /** @return null when the id is valid, otherwise why it is not. */
    public static String problemWith(String id) {
        if (id == null || id.isEmpty()) {
            return "empty task id";
        }
        if (id.length() > MAX_LENGTH) {
            return "task id longer than " + MAX_LENGTH + " characters (" + id.length() + ")";
        }
        if (id.equals(".") || id.equals("..")) {
            return "task id may not be '.' or '..'";
        }
        if (!ALLOWED.matcher(id).matches()) {
            int bad = id.codePoints().filter(c -> !isAllowed(c)).findFirst().orElse('?');
            return "task id contains " + describe(bad) + "; only letters, digits, '-', '_' and '.' are allowed";
        }
        if (id.startsWith(".")) {
            return "task id may not start with '.' (its result and video would be hidden files)";
        }
        return null;
    }

    /** Throws when the id is not valid: what {@link TaskId#of} checks, and a guard where a path is built from text. */
    public static String require(String id) {
        String problem = problemWith(id);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return id;
    }

    private static boolean isAllowed(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }

    private static String describe(int c) {
        if (c == ' ') {
            return "a space";
        }
        if (Character.isISOControl(c) || !Character.isDefined(c) || Character.isWhitespace(c)) {
            return String.format("the control or invisible character U+%04X", c);
        }
        return "'" + new String(Character.toChars(c)) + "'";
    }
}
