package io.github.jimengfetcher.inbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name under which a copy of a user's inbox file is kept (inbox/.done/, output/rejected/).
 * Those names add a time stamp and a suffix to the user's name, and a file name may be at most
 * 255 bytes on common file systems: a long name is cut to fit, keeping its start and its
 * extension so it stays recognisable, with a short hash of the whole name so it stays unique.
 */
public final class StoredNames {

    /**
     * Room left for the additions: ".{name}.yyyyMMdd-HHmmssSSS@{instance}.json.tmp" is the longest,
     * 30 bytes and an instance id of up to 64 more (255 - 94 = 161).
     */
    static final int MAX_BYTES = 160;
    private static final int MAX_EXTENSION_BYTES = 16;

    private StoredNames() {
    }

    public static String fit(String name) {
        if (utf8Length(name) <= MAX_BYTES) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && utf8Length(name.substring(dot)) <= MAX_EXTENSION_BYTES ? name.substring(dot) : "";
        String mark = "~" + hash(name);
        int room = MAX_BYTES - utf8Length(mark) - utf8Length(extension);
        StringBuilder head = new StringBuilder();
        int used = 0;
        for (int i = 0; i < name.length() - extension.length(); ) {
            int c = name.codePointAt(i);
            int bytes = utf8Length(new String(Character.toChars(c)));
            if (used + bytes > room) {
                break;
            }
            head.appendCodePoint(c);
            used += bytes;
            i += Character.charCount(c);
        }
        return head + mark + extension;
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
