package io.github.jimengfetcher.download;

import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the storage host's answer to a video request means, read from its status and
 * Content-Range before any byte of the body: a body to write, and from where, or why not.
 *
 * @param kind   what to do with the answer
 * @param offset where the body starts in the video (BODY), or the byte the request asked from
 * @param total  the whole video's length (BODY: -1 when unknown; NOTHING_LEFT: the 416's total, -1 when it names none)
 * @param detail what happened, for logs and failure records (not for BODY and NOTHING_LEFT)
 */
record StorageAnswer(Kind kind, long offset, long total, String detail) {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    /** The Content-Range of a 416: "bytes *\/{total}". */
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes\\s+\\*/(\\d+)");

    enum Kind {
        /** 200 (the whole video, from byte 0) or 206 resuming where asked: the body is written from offset. */
        BODY,
        /** 401, 403, 404, 410: the signed URL is refused (expired, usually); a fresh one may work. */
        URL_REFUSED,
        /**
         * 416 to a Range request: the host has nothing after offset, so the part may already be the
         * whole video (a download whose publishing failed, say). Decided from the part on disk.
         */
        NOTHING_LEFT,
        /** A 206 that resumes at the wrong place or for another video: the part is discarded, the download starts over. */
        START_OVER,
        /** 5xx and every other answer: try again later, keeping the part. */
        RETRY
    }

    /**
     * @param code          the HTTP status
     * @param contentRange  the Content-Range header, or null
     * @param contentLength the body's announced length: -1 when none was, 0 when there is no body
     * @param offset        the byte the request asked from (0: no Range header was sent)
     * @param earlierTotal  the video's length as announced when the part on disk began, -1 when unknown;
     *                      only asked for when a 206 resumes a part
     */
    static StorageAnswer of(int code, String contentRange, long contentLength, long offset, LongSupplier earlierTotal) {
        if (code == 401 || code == 403 || code == 404 || code == 410) {
            return new StorageAnswer(Kind.URL_REFUSED, offset, -1, "storage host answered HTTP " + code + " (signed URL expired?)");
        }
        if (code == 416) {
            Matcher m = UNSATISFIED_RANGE.matcher(contentRange == null ? "" : contentRange);
            return new StorageAnswer(Kind.NOTHING_LEFT, offset, m.find() ? Long.parseLong(m.group(1)) : -1, "HTTP 416");
        }
        if (code != 200 && code != 206) {
            return new StorageAnswer(Kind.RETRY, offset, -1, "storage host answered HTTP " + code);
        }
        if (code == 200) {
            // The host ignored the Range header, or none was sent: the whole video comes again.
            return new StorageAnswer(Kind.BODY, 0, contentLength, null);
        }
        Matcher m = CONTENT_RANGE.matcher(contentRange == null ? "" : contentRange);
        if (!m.find() || Long.parseLong(m.group(1)) != offset) {
            return startOver(offset, "storage host resumed at the wrong place");
        }
        long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
        if (total >= 0 && total <= offset) {
            return startOver(offset, "storage host resumed at byte " + offset + " of a video of " + total + " bytes");
        }
        long earlier = offset > 0 ? earlierTotal.getAsLong() : -1;
        if (total >= 0 && earlier >= 0 && total != earlier) {
            // Another video under the same URL (the object was replaced): its bytes must not follow these.
            return startOver(offset, "the video is now " + total + " bytes, it was " + earlier + " when the download began");
        }
        return new StorageAnswer(Kind.BODY, offset, total, null);
    }

    private static StorageAnswer startOver(long offset, String why) {
        return new StorageAnswer(Kind.START_OVER, offset, -1, why + "; starting over");
    }
}
