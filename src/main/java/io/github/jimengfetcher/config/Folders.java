package io.github.jimengfetcher.config;

import java.nio.file.Path;

/**
 * Where task ids arrive (inbox), where results and videos go (output, a video under the name
 * videoName gives it in output/videos/), and the app's own state (work).
 */
public record Folders(Path inbox, Path output, Path work, VideoNameTemplate videoName) {

    static final String INBOX = "jimeng.inbox.folder";
    static final String OUTPUT = "jimeng.output.folder";
    static final String WORK = "jimeng.work.folder";
    static final String VIDEO_NAME = "jimeng.output.video-name";

    public static Folders read(SettingsReader settings) {
        return new Folders(settings.folder(INBOX), settings.folder(OUTPUT), settings.folder(WORK), settings.videoName(VIDEO_NAME));
    }
}
