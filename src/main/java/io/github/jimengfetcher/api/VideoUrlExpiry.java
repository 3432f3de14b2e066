package io.github.jimengfetcher.api;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * When a signed video URL stops working, read from its query, so that the download queue can take
 * the URL that lapses first first. Signed URLs live from an hour (Jimeng's own API) to a day (Seedance).
 * Three forms are known:
 * <ul>
 * <li>Volcengine TOS: {@code X-Tos-Date=20250829T165226Z&X-Tos-Expires=3600} (signed at, plus seconds);</li>
 * <li>AWS S3 signature v4 (and S3-compatible hosts): {@code X-Amz-Date} and {@code X-Amz-Expires}, the same way;</li>
 * <li>classic S3 / Alibaba OSS / CloudFront: {@code Expires=1756489946}, the moment itself in Unix seconds.</li>
 * </ul>
 * Names are matched regardless of case. A value that does not parse is ignored, as if absent; when a
 * URL carries more than one form, the earliest moment counts. Unknown: null.
 */
public final class VideoUrlExpiry {

    private static final DateTimeFormatter SIGNED_AT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    /** A signed URL's life is seconds to days: a value beyond a year is no expiry we can trust. */
    private static final long MAX_LIFE_SECONDS = 366L * 24 * 3600;

    private VideoUrlExpiry() {
    }

    /** When the URL lapses (epoch ms), or null when its query does not say (or says it in a way that does not parse). */
    public static Long expiresAt(String url) {
        if (url == null) {
            return null;
        }
        String query;
        try {
            query = URI.create(url.strip()).getRawQuery();
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
        if (query == null || query.isEmpty()) {
            return null;
        }
        String tosDate = null;
        String tosExpires = null;
        String amzDate = null;
        String amzExpires = null;
        String expires = null;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = pair.substring(0, eq);
            String value;
            try {
                value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).strip();
            } catch (IllegalArgumentException badEscape) {
                continue;
            }
            switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "x-tos-date" -> tosDate = value;
                case "x-tos-expires" -> tosExpires = value;
                case "x-amz-date" -> amzDate = value;
                case "x-amz-expires" -> amzExpires = value;
                case "expires" -> expires = value;
                default -> { }
            }
        }
        Long earliest = null;
        earliest = earlier(earliest, signedPlusLife(tosDate, tosExpires));
        earliest = earlier(earliest, signedPlusLife(amzDate, amzExpires));
        earliest = earlier(earliest, unixSeconds(expires));
        return earliest;
    }

    /** Signed at (ISO basic, UTC) plus a life in seconds. */
    private static Long signedPlusLife(String signedAt, String lifeSeconds) {
        if (signedAt == null || lifeSeconds == null) {
            return null;
        }
        try {
            long life = Long.parseLong(lifeSeconds);
            if (life < 0 || life > MAX_LIFE_SECONDS) {
                return null;
            }
            long signed = LocalDateTime.parse(signedAt, SIGNED_AT).toInstant(ZoneOffset.UTC).toEpochMilli();
            return signed + life * 1000;
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    /** Unix seconds, within reason (after 2001, before 5138): not milliseconds, not a life in seconds. */
    private static Long unixSeconds(String value) {
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value);
            return seconds >= 1_000_000_000L && seconds < 100_000_000_000L ? seconds * 1000 : null;
        } catch (NumberFormatException malformed) {
            return null;
        }
    }

    private static Long earlier(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Math.min(a, b);
    }
}
