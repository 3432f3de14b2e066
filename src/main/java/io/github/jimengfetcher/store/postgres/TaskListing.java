package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.github.jimengfetcher.store.TaskStore.ListedTask;
import io.github.jimengfetcher.store.TaskStore.TaskPage;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskState;

/** Pages over every task of the shared store, pending and finished, in id order (the primary key's). */
final class TaskListing {

    private static final String TIMED_OUT = "(task ->> 'timedOutAt') IS NOT NULL";
    /** As TaskState.of says: marked by its holder under the lease that still holds. */
    private static final String UPLOADING = "coalesce((task ->> 'uploadEpoch')::bigint = lease_epoch AND lease_until > " + StoreSql.NOW + ", false)";

    private final StoreSql sql;

    TaskListing(StoreSql sql) {
        this.sql = sql;
    }

    TaskPage page(TaskState state, String idContains, int offset, int limit) {
        String where = " WHERE " + condition(state) + " AND strpos(id, ?) > 0";
        String part = idContains == null ? "" : idContains;
        List<ListedTask> tasks = new ArrayList<>();
        try (Connection c = sql.connection();
             PreparedStatement select = c.prepareStatement("SELECT " + StoreSql.LISTED + ", "
                     + "finished, outcome, provider, " + StoreSql.NOW + " FROM jimeng_tasks" + where + " ORDER BY id OFFSET ? LIMIT ?")) {
            select.setString(1, part);
            select.setInt(2, Math.max(0, offset));
            select.setInt(3, Math.max(0, limit));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (rows.getBoolean(8)) {
                        String outcome = rows.getString(9);
                        tasks.add(new ListedTask(TaskDocuments.id(rows.getString(1)), outcome == null ? TaskState.FAILED : TaskState.valueOf(outcome), null,
                                TaskDocuments.provider(rows.getString(10))));
                    } else {
                        Task task = sql.task(rows);
                        tasks.add(new ListedTask(task.id, TaskState.of(task, rows.getLong(11)), task, task.provider));
                    }
                }
            }
        } catch (SQLException e) {
            throw StoreSql.unavailable(e);
        }
        Long total = sql.queryLong("SELECT count(*) FROM jimeng_tasks" + where, part);
        return new TaskPage(total == null ? 0 : total, tasks);
    }

    private static String condition(TaskState state) {
        if (state == null) {
            return "true";
        }
        return switch (state) {
            case PENDING -> "NOT finished AND phase = 'FETCH' AND NOT " + TIMED_OUT;
            case DOWNLOADING -> "NOT finished AND phase = 'DOWNLOAD' AND NOT " + TIMED_OUT + " AND NOT " + UPLOADING;
            case UPLOADING -> "NOT finished AND phase = 'DOWNLOAD' AND NOT " + TIMED_OUT + " AND " + UPLOADING;
            case SUCCEEDED -> "finished AND outcome = 'SUCCEEDED'";
            case FAILED -> "(finished AND coalesce(outcome, 'FAILED') = 'FAILED' OR NOT finished AND " + TIMED_OUT + ")";
        };
    }
}
