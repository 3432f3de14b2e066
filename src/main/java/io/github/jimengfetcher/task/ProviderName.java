package io.github.jimengfetcher.task;

import java.util.regex.Pattern;

/**
 * The name of a task API (a provider file's name, e.g. {@code ark}): lower-case letters, digits and
 * '-', starting with a letter or digit, at most {@value #MAX_LENGTH} characters.
 *
 * @param value the name as written
 */
public record ProviderName(String value) {

    public static final int MAX_LENGTH = 40;
    /** Before JIMENG_GATEWAY: static fields are set in order, and making it checks its shape. */
    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9-]*");
    /** Tasks with no provider named, and every task stored before providers were named, are this one's. */
    public static final ProviderName JIMENG_GATEWAY = new ProviderName("jimeng-gateway");

    public ProviderName {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Why this is not a provider name, or null when it is one. */
    public static String problem(String value) {
        if (value == null || value.isEmpty()) {
            return "empty provider name";
        }
        if (value.length() > MAX_LENGTH) {
            return "provider name longer than " + MAX_LENGTH + " characters";
        }
        if (!SHAPE.matcher(value).matches()) {
            return "provider name '" + value + "' is not lower-case letters, digits and '-'";
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
