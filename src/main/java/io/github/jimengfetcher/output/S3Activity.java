package io.github.jimengfetcher.output;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The uploads of this instance: the tasks whose video is going up now (in memory only; what GET
 * /tasks shows as uploading is the mark the task store keeps under the lease, for every instance),
 * and the counts behind jimeng_uploads_total and jimeng_upload_bytes_total.
 */
public final class S3Activity {

    private final Set<String> uploading = ConcurrentHashMap.newKeySet();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    void begin(String id) {
        uploading.add(id);
    }

    /** @param id the task whose video went up, or null for an image */
    void end(String id, boolean worked, long sent) {
        if (id != null) {
            uploading.remove(id);
        }
        (worked ? ok : failed).increment();
        bytes.add(sent);
    }

    /** Task ids whose video this instance is uploading now. */
    public Set<String> uploading() {
        return Collections.unmodifiableSet(uploading);
    }

    public double uploadsOk() {
        return ok.sum();
    }

    public double uploadsFailed() {
        return failed.sum();
    }

    public double bytesUploaded() {
        return bytes.sum();
    }
}
