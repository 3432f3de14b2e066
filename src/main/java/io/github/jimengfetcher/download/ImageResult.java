package io.github.jimengfetcher.download;

import java.nio.file.Path;

/**
 * How the download of one image a task's answer names ended. Only a SAVED image has a file (under
 * jimeng.work.folder, to be published beside the video); every other end says why in error.
 *
 * @param name      the image's name in the provider file (answer.images), such as last-frame
 * @param extension png, jpg or webp, from the image's first bytes (SAVED only)
 */
public record ImageResult(String name, Kind kind, Path file, String extension, long bytes, String sha256, String error) {

    public enum Kind {
        /** Whole and an image: ready to publish. */
        SAVED,
        /** The signed URL lapsed (by its own expiry, or the host's 403 or 410): a fresh answer may name a fresh one. */
        URL_EXPIRED,
        /** Cut off, or a 5xx: worth asking again, from the end of its part on disk. */
        CUT_OFF,
        /** Cut off by the app's stop: its part stays, and the task finishes at the next start. */
        STOPPED,
        /** Not an image, too large, refused by the host or by jimeng.download.allowed-hosts: final. */
        REFUSED
    }

    static ImageResult failed(String name, Kind kind, String error) {
        return new ImageResult(name, kind, null, null, 0, null, error);
    }

    public boolean saved() {
        return kind == Kind.SAVED;
    }

    /** The name as it goes into a file name: only letters, digits, '-', '_' and '.', not starting with '.'. */
    public String fileLabel() {
        return fileLabel(name);
    }

    static String fileLabel(String name) {
        String label = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return label.isEmpty() || label.startsWith(".") ? "_" + label : label;
    }
}
