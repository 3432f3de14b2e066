package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.jimengfetcher.store.FinishedRecords;
import io.github.jimengfetcher.store.TaskStore.Registration;
import io.github.jimengfetcher.task.TaskId;

import static io.github.jimengfetcher.store.postgres.StoreSql.NOW;

/**
 * New ids into the shared store: each id once, whichever instance reads it ({@code ON CONFLICT DO
 * NOTHING}); an id finished anywhere (a finished row, or a record in the shared output) is counted,
 * not registered again. Reopening is the one way back for a finished id.
 */
record Registrations(StoreSql sql, StoreClock clock, FinishedRecords outputs) {

    Registration register(List<TaskId> ids) {
        List<TaskId> candidates = new ArrayList<>();
        int knownByRecord = 0;
        for (TaskId id : new LinkedHashSet<>(ids)) {
            if (outputs != null && outputs.isFinished(id)) {
                knownByRecord++;
            } else {
                candidates.add(id);
            }
        }
        int duplicatesInInput = ids.size() - new HashSet<>(ids).size();
        Set<TaskId> added = new HashSet<>();
        int finished = 0;
        try (Connection c = sql.connection()) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO jimeng_tasks (id, next_at, task) "
                    + "SELECT t.id, " + NOW + ", jsonb_build_object('id', t.id, 'registeredAt', " + NOW + ", 'activeAt', ?::bigint) "
                    + "FROM unnest(?::text[]) AS t(id) ON CONFLICT (id) DO NOTHING RETURNING id")) {
                insert.setLong(1, clock.activeNow());
                insert.setArray(2, c.createArrayOf("text", candidates.stream().map(TaskId::value).toArray()));
                try (ResultSet rows = insert.executeQuery()) {
                    while (rows.next()) {
                        added.add(TaskDocuments.id(rows.getString(1)));
                    }
                }
            }
            if (added.size() < candidates.size()) {
                try (PreparedStatement known = c.prepareStatement("SELECT count(*) FROM jimeng_tasks WHERE id = ANY(?) AND finished")) {
                    known.setArray(1, c.createArrayOf("text", candidates.stream().filter(id -> !added.contains(id)).map(TaskId::value).toArray()));
                    try (ResultSet rows = known.executeQuery()) {
                        rows.next();
                        finished = rows.getInt(1);
                    }
                }
            }
        } catch (SQLException e) {
            throw StoreSql.unavailable(e);
        }
        int pending = candidates.size() - added.size() - finished + duplicatesInInput;
        return new Registration(added.size(), pending, finished + knownByRecord);
    }

    boolean reopen(TaskId id) {
        return sql.execute("INSERT INTO jimeng_tasks (id, next_at, task) VALUES (?, " + NOW + ", jsonb_build_object('id', ?::text, "
                + "'registeredAt', " + NOW + ", 'activeAt', ?::bigint)) ON CONFLICT (id) DO UPDATE SET finished = false, "
                + "phase = 'FETCH', next_at = EXCLUDED.next_at, lease_owner = NULL, lease_until = NULL, task = EXCLUDED.task "
                + "WHERE jimeng_tasks.finished OR (jimeng_tasks.task ->> 'timedOutAt') IS NOT NULL "
                + "AND (jimeng_tasks.lease_until IS NULL OR jimeng_tasks.lease_until <= " + NOW + ")", id, id, clock.activeNow()) == 1;
    }
}
