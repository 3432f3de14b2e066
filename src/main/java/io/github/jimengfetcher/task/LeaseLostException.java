package io.github.jimengfetcher.task;

/**
 * A change was asked under a lease that no longer holds: it expired unrenewed, or another claim
 * took the task over. The store changed nothing; the holder stops (no download, no record
 * written) and leaves the task to whoever holds it now.
 */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(Lease lease, String why) {
        super(lease + " no longer holds: " + why);
    }
}
