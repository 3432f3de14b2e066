package io.github.jimengfetcher.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The name a finished video gets under output/videos/ ({@code jimeng.output.video-name}): text with
 * the fields {task_id}, {provider}, {kind}, {model} and {date}, and '/' between sub-folders, such as
 * {date}/{kind}/{task_id}.mp4. Checked at start ({@link #problem}), so that no name it gives can
 * leave output/videos/: the text outside the fields is letters, digits, '-', '_' and '.', no folder
 * is empty, '.' or '..', and none starts with '.' (hidden names are the app's own half-written files).
 * A field's value is made safe as it goes in ({@link #nameFor}).
 */
public final class VideoNameTemplate {

    public static final String DEFAULT = "{task_id}.mp4";
    public static final List<String> FIELDS = List.of("task_id", "provider", "kind", "model", "date");
    /** What a field without a value becomes. */
    public static final String UNKNOWN = "unknown";
    public static final String SUFFIX = ".mp4";

    /** A value longer than this is cut (not the task id): an action or model name is a label, never that long. */
    static final int MAX_VALUE = 64;
    private static final int MAX_TASK_ID = io.github.jimengfetcher.task.TaskIds.MAX_LENGTH;
    /** The longest file or folder name most file systems take. */
    public static final int MAX_NAME = 255;
    /**
     * Room a video's name leaves for the images beside it: {stem}.{image}.{png|jpg|webp} is longer than
     * {stem}.mp4 by this much for an image name of up to 20 characters (last-frame, cover, thumbnail).
     */
    public static final int IMAGE_ROOM = ".".length() + 20 + ".webp".length() - SUFFIX.length();
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]*");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final String EXAMPLE = "write a name under output/videos/ such as {task_id}.mp4 or {date}/{kind}/{task_id}.mp4";

    /** One folder or the file name: literal text and field names, in order; a field is held as "{name}". */
    private final List<List<String>> segments;
    private final String text;

    private VideoNameTemplate(String text, List<List<String>> segments) {
        this.text = text;
        this.segments = segments;
    }

    /** The template of a value {@link #problem} found nothing wrong with. */
    public static VideoNameTemplate of(String text) {
        String problem = problem(text);
        if (problem != null) {
            throw new IllegalArgumentException(text + " " + problem);
        }
        return new VideoNameTemplate(text, parse(text));
    }

    /** What is wrong with the template, in the words of the start's one-line error; null when nothing is. */
    public static String problem(String text) {
        if (text.isEmpty()) {
            return "is empty: " + EXAMPLE;
        }
        if (text.startsWith("/") || text.startsWith("\\") || text.matches("[A-Za-z]:.*")) {
            return "is an absolute path: " + EXAMPLE;
        }
        List<List<String>> segments;
        try {
            segments = parse(text);
        } catch (IllegalArgumentException e) {
            return e.getMessage() + ": " + EXAMPLE;
        }
        for (int i = 0; i < segments.size(); i++) {
            List<String> parts = segments.get(i);
            String literal = parts.size() == 1 && !isField(parts.get(0)) ? parts.get(0) : null;
            if (parts.isEmpty()) {
                return "has an empty folder name ('//', or '/' at the end): " + EXAMPLE;
            }
            if ("..".equals(literal)) {
                return "leaves output/videos/ ('..'): " + EXAMPLE;
            }
            if (".".equals(literal)) {
                return "has a folder named '.': " + EXAMPLE;
            }
            if (!isField(parts.get(0)) && parts.get(0).startsWith(".")) {
                return "has a name starting with '.' (hidden names are the app's own temporary files): " + EXAMPLE;
            }
            int longest = 0;
            for (String part : parts) {
                longest += isField(part) ? ("{task_id}".equals(part) ? MAX_TASK_ID : MAX_VALUE) : part.length();
            }
            boolean fileName = i == segments.size() - 1;
            longest += fileName && !text.endsWith(SUFFIX) ? SUFFIX.length() : 0;
            int most = fileName ? MAX_NAME - IMAGE_ROOM : MAX_NAME;
            if (longest > most) {
                return "could give names longer than " + most + " characters (" + MAX_NAME + " with an image's name): " + EXAMPLE;
            }
        }
        return null;
    }

    private static List<List<String>> parse(String text) {
        List<List<String>> segments = new ArrayList<>();
        for (String segment : text.split("/", -1)) {
            List<String> parts = new ArrayList<>();
            int at = 0;
            while (at < segment.length()) {
                int open = segment.indexOf('{', at);
                String literal = segment.substring(at, open < 0 ? segment.length() : open);
                if (!literal.isEmpty()) {
                    if (!SAFE.matcher(literal).matches()) {
                        throw new IllegalArgumentException("has '" + literal + "' outside the fields (use letters, digits, '-', '_', '.' and '/' between folders)");
                    }
                    parts.add(literal);
                }
                if (open < 0) {
                    break;
                }
                int close = segment.indexOf('}', open);
                if (close < 0) {
                    throw new IllegalArgumentException("has a '{' without '}'");
                }
                String field = segment.substring(open + 1, close);
                if (!FIELDS.contains(field)) {
                    throw new IllegalArgumentException("names an unknown field {" + field + "} (the fields are {task_id}, {provider}, {kind}, {model}, {date})");
                }
                parts.add("{" + field + "}");
                at = close + 1;
            }
            segments.add(parts);
        }
        return segments;
    }

    private static boolean isField(String part) {
        return part.startsWith("{");
    }

    /**
     * The video's name relative to output/videos/, '/' between folders, ending in .mp4: each field's
     * value with every character but letters, digits, '-', '_' and '.' as '_', a leading '.' as '_' (so
     * that no value makes a '.' or '..' folder or a hidden name), and {@link #UNKNOWN} for a value that
     * is missing or empty.
     */
    public String nameFor(Map<String, String> values) {
        StringBuilder name = new StringBuilder();
        for (List<String> parts : segments) {
            if (!name.isEmpty()) {
                name.append('/');
            }
            for (String part : parts) {
                name.append(isField(part) ? safe(part, values.get(part.substring(1, part.length() - 1))) : part);
            }
        }
        return name.toString().endsWith(SUFFIX) ? name.toString() : name + SUFFIX;
    }

    /** The template's text with the fields' values, as {@link #nameFor} puts them, and no .mp4 added: folders of a key. */
    public String foldersFor(Map<String, String> values) {
        String name = nameFor(values);
        return text.endsWith(SUFFIX) ? name : name.substring(0, name.length() - SUFFIX.length());
    }

    private static String safe(String field, String value) {
        if (value == null || value.isBlank()) {
            return UNKNOWN;
        }
        String safe = UNSAFE.matcher(value.strip()).replaceAll("_");
        if (safe.startsWith(".")) {
            safe = "_" + safe.substring(1);
        }
        return "{task_id}".equals(field) || safe.length() <= MAX_VALUE ? safe : safe.substring(0, MAX_VALUE);
    }

    @Override
    public String toString() {
        return text;
    }
}
