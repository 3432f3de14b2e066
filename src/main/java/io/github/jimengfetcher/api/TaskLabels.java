package io.github.jimengfetcher.api;

/**
 * What an answer says a task is, as written there: its kind (the gateway's action, such as
 * jimeng-videos; a provider file's kind pointer) and its model, each null when the answer names none.
 * They go into a finished video's name (jimeng.output.video-name), which makes them safe for a file name.
 */
public record TaskLabels(String kind, String model) {

    public static final TaskLabels NONE = new TaskLabels(null, null);

    /** Empty text counts as not named. */
    public static TaskLabels of(String kind, String model) {
        return new TaskLabels(kind == null || kind.isBlank() ? null : kind, model == null || model.isBlank() ? null : model);
    }
}
