package io.github.jimengfetcher.task;

/**
 * One claim on one task: which instance holds it (owner), the fencing token (epoch, grown by
 * every claim of the task, so a later claim always outranks an earlier one) and until when it
 * holds without renewal (the store's clock). The task is the holder's working copy: the holder
 * changes it and hands it back to the store with the lease ({@code TaskStore.update},
 * {@code TaskStore.release}, {@code TaskStore.finish}), which takes it only while the lease holds.
 *
 * A lease belongs to one exchange at a time; only its expiry is touched from elsewhere (renewal).
 */
public final class Lease {

    private final TaskId taskId;
    private final String owner;
    private final long epoch;
    private final Task task;
    private volatile long expiresAt;
    private volatile boolean ended;

    public Lease(Task task, String owner, long epoch, long expiresAt) {
        this.taskId = task.id;
        this.task = task;
        this.owner = owner;
        this.epoch = epoch;
        this.expiresAt = expiresAt;
    }

    public TaskId taskId() {
        return taskId;
    }

    public String owner() {
        return owner;
    }

    public long epoch() {
        return epoch;
    }

    /** The holder's working copy of the task, as claimed and as changed since. */
    public Task task() {
        return task;
    }

    /** The signed video URL the task's SUCCESS answer gave, for its download. */
    public String videoUrl() {
        return task.videoUrl;
    }

    public long expiresAt() {
        return expiresAt;
    }

    /** For task stores: the store renewed the lease until then. */
    public void renewedUntil(long expiresAt) {
        this.expiresAt = expiresAt;
    }

    /** Given back (released or finished) or found lost: nothing more to renew. */
    public boolean ended() {
        return ended;
    }

    /** For task stores: the lease was given back, or found lost. */
    public void end() {
        this.ended = true;
    }

    @Override
    public String toString() {
        return taskId + " (lease " + epoch + " of " + owner + ")";
    }
}
