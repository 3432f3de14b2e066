package io.github.jimengfetcher.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** Bytes that pass for an MP4: an ftyp box, then deterministic noise. */
public final class Videos {

    private Videos() {
    }

    public static byte[] mp4(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        byte[] head = {0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
        System.arraycopy(head, 0, bytes, 0, Math.min(head.length, size));
        return bytes;
    }

    public static byte[] html(String text) {
        return ("<html><body>" + text + "</body></html>").getBytes(StandardCharsets.UTF_8);
    }

    public static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
