package io.github.jimengfetcher.config;

/**
 * The images a task's answer names beside its video (a last frame, a cover): whether they are
 * downloaded at all, and how large one may be.
 */
public record ImageSettings(boolean enabled, long maxSize) {

    static final String ENABLED = "jimeng.output.images";
    static final String MAX_SIZE = "jimeng.output.max-image-size";

    public static ImageSettings read(SettingsReader settings) {
        return new ImageSettings(settings.flag(ENABLED), settings.size(MAX_SIZE));
    }
}
