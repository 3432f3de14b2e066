package io.github.jimengfetcher.provider;

import java.util.Map;

/**
 * Where an answer says what: JSON Pointers (RFC 6901) into it, each empty when the provider's answer
 * has no such field. A pointer to a missing node reads as absent.
 *
 * @param images name to pointer of pictures the answer names (a last frame, say): downloaded beside the video
 */
public record AnswerPointers(Reader reader, String id, String status, String progress, String videoUrl, Map<String, String> images,
        String failureCode, String failureMessage, String submittedAt, String finishedAt, String model, String kind) {

    /** How the answer is read. */
    public enum Reader {
        /** By the pointers of the file. */
        POINTERS,
        /** By today's reader of /jimeng/fetch answers (FetchAnswerReader). */
        GATEWAY
    }
}
