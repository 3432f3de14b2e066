package io.github.jimengfetcher.life;

import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.ShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.download.VideoDownload;

/**
 * The order of a stop, before Camel stops the routes: nothing more is claimed; the downloads in
 * flight are cut off (connections closed, parts kept for a Range resume) and handed back by their
 * routes; only then do the remaining leases go back (the store's stop). A lease given back while
 * its transfer still ran would let another instance download the same video at the same time.
 *
 * All of it within camel.main.shutdown-timeout: what this takes is deducted from the time Camel's
 * own graceful stop of the routes has left.
 */
public final class WorkOnStop {

    private static final Logger LOG = LoggerFactory.getLogger(WorkOnStop.class);

    private WorkOnStop() {
    }

    /** Before Camel stops the routes. */
    public static void handBack(CamelContext context, DueWork dueWork, VideoDownload downloads) {
        ShutdownStrategy shutdown = context.getShutdownStrategy();
        long timeout = shutdown.getTimeUnit().toMillis(shutdown.getTimeout());
        long began = System.nanoTime();
        dueWork.stopClaiming();
        try {
            // Half the time at most: the fetches in flight and Camel's own stop need the rest.
            int cut = downloads.cutOffAll(timeout / 2);
            long left = timeout / 2 - elapsed(began);
            if (!dueWork.awaitDownloadsEnded(Math.max(0, left))) {
                LOG.warn("Stopping: not every download was handed back within {} ms; the store's stop gives back the rest", timeout / 2);
            } else if (cut > 0) {
                LOG.info("Stopping: {} downloads cut off and handed back; their partial files stay to resume", cut);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdown.setTimeUnit(TimeUnit.MILLISECONDS);
        shutdown.setTimeout(Math.max(1, timeout - elapsed(began)));
    }

    private static long elapsed(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
