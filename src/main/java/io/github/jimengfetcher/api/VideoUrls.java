package io.github.jimengfetcher.api;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Video URLs as a browser sends them. Gateways hand out URLs with spaces and CJK characters
 * in them; sent raw, a strict storage host answers 404 and a lenient one may serve another file.
 *
 * The encoded form is plain ASCII: spaces, non-ASCII characters (as UTF-8) and every other
 * character a URI does not allow in its path and query are percent-encoded; a {@code %} not
 * followed by two hex digits becomes {@code %25}; existing {@code %XX} escapes and every allowed
 * character ({@code + = & ; , / ?} ...) stay exactly as they are, so a signed URL keeps its
 * signature. A non-ASCII host name becomes punycode. The fragment is dropped: it is never
 * sent to the host anyway.
 */
public final class VideoUrls {

    /** RFC 3986 unreserved and sub-delims, plus ':' and '@' (pchar), '/' and '?' (path, query). */
    private static final String ALLOWED = "-._~!$&'()*+,;=:@/?";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final List<String> IMAGE_ENDINGS = List.of(".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".avif", ".heic", ".svg");

    private VideoUrls() {
    }

    /**
     * The URL as it goes on the wire.
     *
     * @throws IllegalArgumentException when the URL has no {@code scheme://host} or its host name cannot be encoded
     */
    public static String encode(String url) {
        String text = url.strip();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd <= 0 || !text.substring(0, schemeEnd).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            throw new IllegalArgumentException("no scheme://host");
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < text.length() && "/?#".indexOf(text.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        int fragment = text.indexOf('#', authorityEnd);
        String rest = fragment < 0 ? text.substring(authorityEnd) : text.substring(authorityEnd, fragment);
        return text.substring(0, authorityStart) + authority(text.substring(authorityStart, authorityEnd)) + encodePart(rest);
    }

    /** A video, or at least not an image: its path does not end like a picture file. */
    public static boolean looksLikeImage(String url) {
        String path = url;
        int cut = indexOfAny(path, "?#");
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        String lower = path.toLowerCase(Locale.ROOT);
        return IMAGE_ENDINGS.stream().anyMatch(lower::endsWith);
    }

    private static String authority(String authority) {
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : encodePart(authority.substring(0, at + 1));
        String hostPort = authority.substring(at + 1);
        if (hostPort.startsWith("[")) {
            return userInfo + hostPort; // an IPv6 literal: ASCII by definition
        }
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        String port = colon < 0 ? "" : hostPort.substring(colon);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host");
        }
        if (!host.chars().allMatch(c -> c < 0x80)) {
            host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
        }
        if (!host.matches("[A-Za-z0-9._~!$&'()*+,;=%-]+") || !port.matches("(:[0-9]*)?")) {
            throw new IllegalArgumentException("bad host");
        }
        return userInfo + host + port;
    }

    private static String encodePart(String part) {
        StringBuilder out = new StringBuilder(part.length() + 16);
        for (int i = 0; i < part.length(); ) {
            int c = part.codePointAt(i);
            int width = Character.charCount(c);
            if (c == '%' && i + 2 < part.length() && isHex(part.charAt(i + 1)) && isHex(part.charAt(i + 2))) {
                out.append('%');
            } else if (c < 0x80 && (Character.isLetterOrDigit(c) || ALLOWED.indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
            }
            i += width;
        }
        return out.toString();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
