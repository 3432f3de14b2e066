package io.github.jimengfetcher.life;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.Faults;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.TaskId;

/**
 * Faults of this machine rather than of the API: a full disk, an unwritable output
 * folder, while a task stays pending and retries with backoff. A fault episode lasts while
 * any task still fails: each new kind of fault is logged once when it first appears, and
 * the end once, when every failing task got through; another task's success in between
 * does not end it (one broken task would otherwise log fault and recovery on every retry).
 */
public class OutputHealth {

    private static final Logger LOG = LoggerFactory.getLogger(OutputHealth.class);

    private TaskStore store;
    private final Map<TaskId, String> failingTasks = new HashMap<>();
    private final Set<String> messagesLogged = new HashSet<>();
    private long faults;

    public void setStore(TaskStore store) {
        this.store = store;
    }

    /** A task cannot be completed now for this fault of the machine (it waits: see {@link LocalFaults}). */
    public void fault(TaskId taskId, Throwable fault) {
        String message = describe(fault);
        boolean log;
        synchronized (this) {
            if (failingTasks.isEmpty()) {
                store.outageBegan("output");
            }
            failingTasks.put(taskId, message);
            faults++;
            log = messagesLogged.add(message);
        }
        if (log) {
            LOG.error("{} cannot be completed now, will retry (logged again when writing works): {}", taskId, message);
        }
    }

    /** A task's record was written: its part of any fault episode is over. */
    public void written(@Variable("taskId") TaskId taskId) {
        synchronized (this) {
            if (failingTasks.remove(taskId) == null || !failingTasks.isEmpty()) {
                return;
            }
            LOG.info("Writing output works again after {} failed attempts", faults);
            messagesLogged.clear();
            faults = 0;
            store.outageEnded("output");
        }
    }

    /** The last fault while some task cannot be written, or null. */
    public synchronized String currentFault() {
        return failingTasks.isEmpty() ? null : failingTasks.values().iterator().next();
    }

    /** The message, or for a fault without one (an Error, say) its kind. */
    static String describe(Throwable fault) {
        String message = fault.getMessage();
        return message == null || message.isBlank() ? fault.getClass().getSimpleName() : message;
    }
}
