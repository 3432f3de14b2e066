package io.github.jimengfetcher.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * Bytes that pass for an MP4: the top-level boxes of a real one (ftyp, moov, then an
 * mdat filling the requested size), with deterministic noise as their content.
 */
public final class Videos {

    /** ftyp (24) + moov (108) + the mdat header (8): the smallest video {@link #mp4} makes. */
    public static final int HEADERS = 24 + 108 + 8;

    private Videos() {
    }

    public static byte[] mp4(int size, long seed) {
        if (size < HEADERS) {
            throw new IllegalArgumentException("an MP4 of these boxes needs at least " + HEADERS + " bytes");
        }
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        ByteBuffer boxes = ByteBuffer.wrap(bytes);
        boxes.putInt(24).put(ascii("ftyp")).put(ascii("isom")).putInt(0x200).put(ascii("isom")).put(ascii("mp41"));
        boxes.putInt(108).put(ascii("moov"));
        boxes.position(24 + 108);
        boxes.putInt(size - 24 - 108).put(ascii("mdat"));
        return bytes;
    }

    /** A box header: 32-bit size (the whole box, header included) and type. */
    public static byte[] boxHeader(long size, String type) {
        return ByteBuffer.allocate(8).putInt((int) size).put(ascii(type)).array();
    }

    public static byte[] html(String text) {
        return ("<html><body>" + text + "</body></html>").getBytes(StandardCharsets.UTF_8);
    }

    public static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
