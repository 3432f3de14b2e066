package io.github.jimengfetcher.output;

import java.io.IOException;
import java.util.Map;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The key a task's object goes to, never one holding another's: every object the app uploads names
 * its task in its user metadata ({@value #TASK_ID}), and a key is taken only when a HEAD finds
 * nothing there or this task's own object (an upload done again after a stop, a takeover or a
 * failed attempt). A video whose key holds another task's object, or one not put there by the app,
 * goes under the next name of the rule local names follow ({@link VideoPublisher#candidate}):
 * {name}-{task_id}.mp4, then -2, -3, ...
 */
final class S3Keys {

    /** The user metadata naming an object's task (x-amz-meta-jimeng-task-id on the wire). */
    static final String TASK_ID = "jimeng-task-id";
    /** As many names as the local videos try: a template naming nothing that tells tasks apart. */
    private static final int MAX_TRIES = 1_000;

    private final S3Client s3;
    private final String bucket;

    S3Keys(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** The metadata every object of this task is uploaded with. */
    static Map<String, String> metadata(String id) {
        return Map.of(TASK_ID, id);
    }

    /**
     * @param key the key the video's name gives
     * @return the first of its names that is free or this task's own
     */
    String claimVideo(String key, String id) throws IOException {
        for (int n = 0; n < MAX_TRIES; n++) {
            String candidate = VideoPublisher.candidate(key, id, n);
            if (isFreeFor(candidate, id)) {
                return candidate;
            }
        }
        throw new IOException(MAX_TRIES + " objects have this name already");
    }

    /** Whether the key holds nothing or this task's own object; a HEAD that fails otherwise is the caller's fault to handle. */
    boolean isFreeFor(String key, String id) {
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(bucket).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return true;
            }
            throw e;
        }
        // Header names are case-blind, and some stores give them back as they like.
        return head.metadata().entrySet().stream().anyMatch(m -> m.getKey().equalsIgnoreCase(TASK_ID) && id.equals(m.getValue()));
    }
}
