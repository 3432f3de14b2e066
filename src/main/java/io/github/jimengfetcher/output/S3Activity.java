package io.github.jimengfetcher.output;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counts behind jimeng_uploads_total and jimeng_upload_bytes_total. Which tasks are uploading
 * is not kept here: GET /tasks shows the mark the task store keeps under each lease, for every instance.
 */
public final class S3Activity {

    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    /** One upload ended: a video's, or an image's after its last try. */
    void ended(boolean worked, long sent) {
        (worked ? ok : failed).increment();
        bytes.add(sent);
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
