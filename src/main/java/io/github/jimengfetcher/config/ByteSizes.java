package io.github.jimengfetcher.config;

import java.util.Locale;

/** Reads sizes such as "2GB", "50MB", "512KB" or a plain number of bytes. */
public final class ByteSizes {

    private ByteSizes() {
    }

    public static long parse(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        if (s.endsWith("GB")) {
            unit = 1L << 30;
        } else if (s.endsWith("MB")) {
            unit = 1L << 20;
        } else if (s.endsWith("KB")) {
            unit = 1L << 10;
        }
        String digits = unit == 1 ? (s.endsWith("B") ? s.substring(0, s.length() - 1) : s) : s.substring(0, s.length() - 2);
        try {
            return Long.parseLong(digits) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 2GB, 50MB, 512KB or bytes)");
        }
    }

    /** 1288490188 -> "1.2 GB": for messages. */
    public static String print(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
        }
        if (bytes >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / (double) (1L << 10));
        }
        return bytes + " bytes";
    }
}
