package io.github.jimengfetcher.store.postgres;

import io.github.jimengfetcher.store.TaskStore.Notified;
import io.github.jimengfetcher.task.TaskId;

import static io.github.jimengfetcher.store.postgres.StoreSql.NOW;

/**
 * A notification about a task, as the shared store applies it: a fetch waiting for its turn is due
 * now, in one statement, so whichever instance claims it next fetches it. A task held right now
 * (its lease unexpired) keeps its due time, which its holder's write sets: the row is marked
 * instead, and that write makes the next fetch due at once. A lease kept after a fetch and not due yet
 * (see KeptLeases) is not held: the row is freed for any instance, due now (a keeper elsewhere, which
 * cannot know, has its next fetch's write refused); one due is (about to be) fetched by its keeper, and
 * is marked as a held one.
 */
final class StoreNotices {

    private static final String DUE_NOW = "WITH waiting AS (SELECT id, next_at FROM jimeng_tasks WHERE id = ? AND NOT finished "
            + "AND phase = 'FETCH' AND (lease_owner IS NULL OR lease_until <= " + NOW + " OR " + KeptLeases.WAITING + ") FOR UPDATE) "
            + "UPDATE jimeng_tasks t SET next_at = LEAST(waiting.next_at, " + NOW + "), lease_owner = NULL, lease_until = NULL, kept = false, "
            + "task = jsonb_set(t.task - 'notifiedMidFetch', '{notifiedAt}', to_jsonb(" + NOW + ")) FROM waiting WHERE t.id = waiting.id "
            + "RETURNING CASE WHEN waiting.next_at <= " + NOW + " THEN 1 ELSE 0 END";
    /** Held: marked in the row, for the holder's release to make the next fetch due at once (LeaseWrites). */
    private static final String MID_FETCH = "UPDATE jimeng_tasks SET task = task || jsonb_build_object('notifiedAt', " + NOW
            + ", 'notifiedMidFetch', true) WHERE id = ? AND NOT finished AND phase = 'FETCH' AND lease_until > " + NOW + " RETURNING 1";

    private final StoreSql sql;
    private final KeptLeases kept;

    StoreNotices(StoreSql sql, KeptLeases kept) {
        this.sql = sql;
        this.kept = kept;
    }

    Notified notified(TaskId id) {
        // twice at most: a fetch that ends between the two statements leaves the task waiting again
        for (int attempt = 0; attempt < 2; attempt++) {
            Long dueAlready = sql.queryLong(DUE_NOW, id);
            if (dueAlready != null) {
                // freed: a plan this instance kept for it is dropped (the task is due now, for any instance)
                kept.freed(id);
                return dueAlready == 1 ? Notified.ALREADY_DUE : Notified.MOVED;
            }
            if (sql.queryLong(MID_FETCH, id) != null) {
                // held, maybe under a plan kept here: its release makes the next fetch due at once
                kept.quiet().wake();
                return Notified.AFTER_FETCH;
            }
        }
        kept.quiet().wake();
        String state = sql.queryText("SELECT CASE WHEN finished OR phase <> 'FETCH' THEN 'FINISHED' ELSE 'ALREADY_DUE' END "
                + "FROM jimeng_tasks WHERE id = ?", id);
        return state == null ? Notified.UNKNOWN : Notified.valueOf(state);
    }
}
