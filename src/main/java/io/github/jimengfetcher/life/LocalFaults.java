package io.github.jimengfetcher.life;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.TaskFailure;

/**
 * Tells a fault of this machine from a fault of this program. A full disk, an unwritable or
 * missing folder, a file the file component cannot write or rename, running out of memory: the task waits and tries again, with no limit (see
 * {@link OutputHealth}). Anything else is a bug: its stack trace is logged once per task, and
 * after a few tries the task fails as internal_error instead of being retried for ever.
 */
public class LocalFaults {

    /** What the fault route does next. */
    public enum Next { RETRY_LATER, FAIL }

    static final int BUG_TRIES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(LocalFaults.class);

    private final OutputHealth outputHealth;
    private final TaskLife tasks;
    private final Map<String, Integer> bugs = new ConcurrentHashMap<>();

    public LocalFaults(OutputHealth outputHealth, TaskLife tasks) {
        this.outputHealth = outputHealth;
        this.tasks = tasks;
    }

    /** RETRY_LATER (the task waits, its lease given back), or FAIL, keeping the lease, when a bug hit it for the third time. */
    public Next decide(Lease lease, Throwable fault) {
        String taskId = lease.taskId();
        if (isLocal(fault)) {
            outputHealth.fault(lease, fault);
            return Next.RETRY_LATER;
        }
        int tries = bugs.merge(taskId, 1, Integer::sum);
        if (tries == 1) {
            LOG.error("{} hit an internal error (tried again, at most {} times in all): {}", taskId, BUG_TRIES, fault.toString(), fault);
        }
        if (tries < BUG_TRIES) {
            tasks.retryLater(lease, "internal error: " + describe(fault));
            return Next.RETRY_LATER;
        }
        bugs.remove(taskId);
        return Next.FAIL;
    }

    public TaskFailure failure(Throwable fault) {
        return new TaskFailure(FailureClass.INTERNAL_ERROR,
                "internal error, " + BUG_TRIES + " times: " + describe(fault) + " (the log has the stack trace)", null);
    }

    /** The disk, the file system, the memory: faults of this machine that pass when someone fixes them. */
    static boolean isLocal(Throwable fault) {
        for (Throwable cause : ObjectHelper.createExceptionIterable(fault)) {
            if (cause instanceof IOException || cause instanceof UncheckedIOException || cause instanceof VirtualMachineError
                    || cause instanceof GenericFileOperationFailedException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable fault) {
        // Camel's iterable of a fault's causes starts with the innermost one
        Throwable root = ObjectHelper.createExceptionIterable(fault).iterator().next();
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
