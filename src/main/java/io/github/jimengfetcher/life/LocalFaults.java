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
import io.github.jimengfetcher.task.TaskId;

/**
 * Tells a fault of this machine from a fault of this program. A full disk, an unwritable or
 * missing folder, a file the file component cannot write or rename, running out of memory: the task waits and tries again, with no limit (see
 * {@link OutputHealth}). Anything else is a bug: its stack trace is logged once per task, and
 * after a few tries the task fails as internal_error instead of being retried for ever.
 * Decides for {@link AfterFault}; {@link FaultActions} applies it.
 */
public class LocalFaults {

    static final int BUG_TRIES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(LocalFaults.class);

    /** Bugs met per task, while it is retried. */
    private final Map<TaskId, Integer> bugs = new ConcurrentHashMap<>();

    /** WAIT_FOR_MACHINE, or a bug: RETRY_LATER, FAIL (keeping the lease) when it hits the task for the third time. */
    public FaultDecision decide(Lease lease, Throwable fault) {
        if (isLocal(fault)) {
            return FaultDecision.of(FaultDecision.Fate.WAIT_FOR_MACHINE, FaultDecision.Tally.NONE, null,
                    "cannot write output: " + OutputHealth.describe(fault), 0);
        }
        if (bugs.getOrDefault(lease.taskId(), 0) + 1 < BUG_TRIES) {
            return FaultDecision.retryLater(FaultDecision.Tally.BUG, null, "internal error: " + describe(fault), null);
        }
        return FaultDecision.fail(FaultDecision.Tally.BUG, null, new TaskFailure(FailureClass.INTERNAL_ERROR,
                "internal error, " + BUG_TRIES + " times: " + describe(fault) + " (the log has the stack trace)", null));
    }

    /** Counts a bug that hit the task: its stack trace is logged the first time; forgotten once the task fails of it. */
    public void bugHit(TaskId taskId, Throwable fault) {
        int tries = bugs.merge(taskId, 1, Integer::sum);
        if (tries == 1) {
            LOG.error("{} hit an internal error (tried again, at most {} times in all): {}", taskId, BUG_TRIES, fault.toString(), fault);
        }
        if (tries >= BUG_TRIES) {
            bugs.remove(taskId);
        }
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
