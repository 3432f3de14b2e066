package io.github.jimengfetcher.config;

import java.nio.file.Path;

/** Where task ids arrive (inbox), where results and videos go (output), and the app's own state (work). */
public record Folders(Path inbox, Path output, Path work) {

    static final String INBOX = "jimeng.inbox.folder";
    static final String OUTPUT = "jimeng.output.folder";
    static final String WORK = "jimeng.work.folder";

    public static Folders read(SettingsReader settings) {
        return new Folders(settings.folder(INBOX), settings.folder(OUTPUT), settings.folder(WORK));
    }
}
