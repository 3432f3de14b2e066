package io.github.jimengfetcher.web;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which bytes of a video a request asks for, from its {@code Range} header (RFC 9110): one range
 * of bytes, "bytes=first-last", "bytes=first-" or the last n bytes "bytes=-n". No header, another
 * unit, several ranges or a header that cannot be read ask for the whole file (a server may
 * ignore a Range it does not serve); a range that starts past the end cannot be served (416).
 * A last byte past the end, however large the number, means "to the end".
 *
 * @param first first byte, inclusive
 * @param last  last byte, inclusive
 */
public record VideoRange(Kind kind, long first, long last, long fileLength) {

    public enum Kind { WHOLE, PART, UNSATISFIABLE }

    private static final Pattern ONE_RANGE = Pattern.compile("\\s*bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*", Pattern.CASE_INSENSITIVE);

    public static VideoRange of(String header, long fileLength) {
        VideoRange whole = new VideoRange(Kind.WHOLE, 0, fileLength - 1, fileLength);
        if (header == null) {
            return whole;
        }
        Matcher m = ONE_RANGE.matcher(header);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return whole;
        }
        if (m.group(1).isEmpty()) {
            long suffix = position(m.group(2));
            if (suffix == 0 || fileLength == 0) {
                return unsatisfiable(fileLength);
            }
            return new VideoRange(Kind.PART, Math.max(0, fileLength - suffix), fileLength - 1, fileLength);
        }
        long first = position(m.group(1));
        long last = m.group(2).isEmpty() ? fileLength - 1 : position(m.group(2));
        if (!m.group(2).isEmpty() && last < first) {
            return whole; // not a valid range: ignored
        }
        if (first >= fileLength) {
            return unsatisfiable(fileLength);
        }
        return new VideoRange(Kind.PART, first, Math.min(last, fileLength - 1), fileLength);
    }

    /** Digits as a byte position; one too large for a long lies past the end of any file. */
    private static long position(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            return Long.MAX_VALUE;
        }
    }

    private static VideoRange unsatisfiable(long fileLength) {
        return new VideoRange(Kind.UNSATISFIABLE, 0, -1, fileLength);
    }

    public long length() {
        return last - first + 1;
    }

    /** The Content-Range header of a 206 or 416 answer. */
    public String contentRange() {
        return kind == Kind.UNSATISFIABLE ? "bytes */" + fileLength : "bytes " + first + "-" + last + "/" + fileLength;
    }
}
