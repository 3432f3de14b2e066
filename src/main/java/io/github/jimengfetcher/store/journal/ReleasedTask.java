package io.github.jimengfetcher.store.journal;

import java.util.Objects;

import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;

/**
 * A task as a release hands it back: the holder's copy, its journal line made before the store's lock
 * is taken (every fetch ends here), then under the lock given what only the store knows: the task's
 * origin, and a notification that came while it was being fetched. Not thread-safe: one per release.
 */
final class ReleasedTask {

    private final Task next;
    private String line;

    ReleasedTask(Lease lease) {
        this.next = JournalLeases.released(lease);
        this.next.notifiedMidFetch = null;
        this.line = TaskJournal.putLine(next);
    }

    /** Under the store's lock: the task to keep in place of the stored one; its line remade only when it changed. */
    Task over(Task current, long now) {
        boolean changed = false;
        if (current.registeredAt != next.registeredAt || !Objects.equals(current.activeAt, next.activeAt)) {
            next.registeredAt = current.registeredAt;
            next.activeAt = current.activeAt;
            changed = true;
        }
        if (!Objects.equals(current.notifiedAt, next.notifiedAt)) {
            next.notifiedAt = current.notifiedAt;
            changed = true;
        }
        if (Boolean.TRUE.equals(current.notifiedMidFetch)) {
            // The fetch's answer may predate what the notification announced: one more fetch, at once.
            next.nextAt = Math.min(next.nextAt, now);
            changed = true;
        }
        if (changed) {
            line = TaskJournal.putLine(next);
        }
        return next;
    }

    /** The journal line of the task as kept. */
    String line() {
        return line;
    }
}
