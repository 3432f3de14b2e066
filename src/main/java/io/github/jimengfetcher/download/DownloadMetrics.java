package io.github.jimengfetcher.download;

import java.util.concurrent.atomic.AtomicLong;


/** Counters of the downloads for the metrics endpoint (see {@code TaskMetrics}). */
public class DownloadMetrics {

    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();

    void bytes(long n) {
        bytes.addAndGet(n);
    }

    void completed() {
        completed.incrementAndGet();
    }

    public long bytesDownloaded() {
        return bytes.get();
    }

    public long downloadsCompleted() {
        return completed.get();
    }
}
