package io.github.jimengfetcher.store.postgres;

import io.github.jimengfetcher.store.TaskStore.Notified;
import io.github.jimengfetcher.task.TaskId;

import static io.github.jimengfetcher.store.postgres.StoreSql.NOW;

/**
 * A notification about a task, as the shared store applies it: a fetch waiting for its turn is due
 * now, in one statement, so whichever instance claims it next fetches it. A task held right now
 * (its lease unexpired) is left to its holder, whose write would undo any change made here.
 */
final class StoreNotices {

    private static final String DUE_NOW = "WITH waiting AS (SELECT id, next_at FROM jimeng_tasks WHERE id = ? AND NOT finished "
            + "AND phase = 'FETCH' AND (lease_owner IS NULL OR lease_until <= " + NOW + ") FOR UPDATE) "
            + "UPDATE jimeng_tasks t SET next_at = LEAST(waiting.next_at, " + NOW + "), lease_owner = NULL, lease_until = NULL, "
            + "task = jsonb_set(t.task, '{notifiedAt}', to_jsonb(" + NOW + ")) FROM waiting WHERE t.id = waiting.id "
            + "RETURNING CASE WHEN waiting.next_at <= " + NOW + " THEN 1 ELSE 0 END";

    private final StoreSql sql;

    StoreNotices(StoreSql sql) {
        this.sql = sql;
    }

    Notified notified(TaskId id) {
        Long dueAlready = sql.queryLong(DUE_NOW, id);
        if (dueAlready != null) {
            return dueAlready == 1 ? Notified.ALREADY_DUE : Notified.MOVED;
        }
        String state = sql.queryText("SELECT CASE WHEN finished OR phase <> 'FETCH' THEN 'FINISHED' ELSE 'ALREADY_DUE' END "
                + "FROM jimeng_tasks WHERE id = ?", id);
        return state == null ? Notified.UNKNOWN : Notified.valueOf(state);
    }
}
