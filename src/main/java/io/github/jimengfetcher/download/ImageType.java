package io.github.jimengfetcher.download;

/**
 * What an image is, told by its first bytes, never by the storage host's Content-Type or the URL
 * (an error page comes as 200 text/html as often as not): its file extension follows from it.
 */
enum ImageType {
    PNG("png"), JPEG("jpg"), WEBP("webp");

    /** Bytes enough to tell every type apart (WebP's "RIFF", its size, "WEBP"). */
    static final int HEAD = 12;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    final String extension;

    ImageType(String extension) {
        this.extension = extension;
    }

    /** The type the first length bytes of head say, or null for anything else (or too few bytes to tell). */
    static ImageType of(byte[] head, int length) {
        if (length >= PNG_SIGNATURE.length && startsWith(head, PNG_SIGNATURE)) {
            return PNG;
        }
        if (length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (length >= HEAD && ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP")) {
            return WEBP;
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] bytes, int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            if (bytes[at + i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
