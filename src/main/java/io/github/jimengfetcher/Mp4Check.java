package io.github.jimengfetcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Is it an MP4? Every MP4 starts with an ftyp box, so bytes 4..7 spell "ftyp".
 * Storage hosts that fail answer with HTML or XML pages, which never do.
 */
public final class Mp4Check {

    private static final byte[] FTYP = "ftyp".getBytes(StandardCharsets.US_ASCII);

    private Mp4Check() {
    }

    public static boolean startsLikeMp4(byte[] head, int length) {
        if (length < 8) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (head[4 + i] != FTYP[i]) {
                return false;
            }
        }
        return true;
    }

    public static boolean isMp4(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            return startsLikeMp4(head, head.length);
        }
    }
}
