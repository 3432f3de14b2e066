package io.github.jimengfetcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults of this machine rather than of the API: a full disk, an unwritable output
 * folder. The task stays pending and retries with backoff; the fault is logged when
 * it starts and when it ends, not on every retry.
 */
public class OutputHealth {

    private static final Logger LOG = LoggerFactory.getLogger(OutputHealth.class);

    private TaskStore store;
    private String failing;
    private long faults;

    public void setStore(TaskStore store) {
        this.store = store;
    }

    public void fault(String taskId, Throwable fault) {
        String message = String.valueOf(fault.getMessage());
        boolean first;
        synchronized (this) {
            first = failing == null;
            failing = message;
            faults++;
        }
        if (first) {
            LOG.error("{} cannot be completed now, will retry (logged again when writing works): {}", taskId, message);
        }
        store.retryLater(taskId, "cannot write output: " + message);
    }

    /** A task was written out: any fault episode is over. */
    public void written() {
        synchronized (this) {
            if (failing == null) {
                return;
            }
            LOG.info("Writing output works again after {} failed attempts", faults);
            failing = null;
            faults = 0;
        }
    }
}
