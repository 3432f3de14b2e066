package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.jimengfetcher.store.FinishedRecords;
import io.github.jimengfetcher.store.TaskStore.Registration;
import io.github.jimengfetcher.task.ProviderConflict;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskRef;

import static io.github.jimengfetcher.store.postgres.StoreSql.NOW;

/**
 * New ids into the shared store: each id once, whichever instance reads it ({@code ON CONFLICT DO
 * NOTHING}), for the provider it came with; an id finished anywhere (a finished row, or a record in
 * the shared output) is counted, not registered again, and an id the store has for another provider
 * is refused. Reopening is the one way back for a finished id.
 */
record Registrations(StoreSql sql, StoreClock clock, FinishedRecords outputs) {

    /** What the store has of an id. */
    private record Row(ProviderName provider, boolean finished) {
    }

    /** How the ids of one registration came out. */
    private static final class Count {
        int pending;
        int finished;
        final List<ProviderConflict> conflicts = new ArrayList<>();

        void known(TaskRef ref, Row row) {
            if (!row.provider().equals(ref.provider())) {
                conflicts.add(new ProviderConflict(ref.id(), ref.provider(), row.provider()));
            } else if (row.finished()) {
                finished++;
            } else {
                pending++;
            }
        }
    }

    Registration register(List<TaskRef> tasks) {
        List<TaskRef> distinct = new ArrayList<>(new LinkedHashSet<>(tasks));
        Count count = new Count();
        count.pending = tasks.size() - distinct.size();
        Set<TaskRef> added = new HashSet<>();
        try (Connection c = sql.connection()) {
            Map<TaskId, Row> rows = rows(c, distinct);
            List<TaskRef> candidates = new ArrayList<>();
            for (TaskRef ref : distinct) {
                Row row = rows.get(ref.id());
                if (row != null) {
                    count.known(ref, row);
                } else if (outputs != null && outputs.isFinished(ref.id())) {
                    count.finished++;
                } else {
                    candidates.add(ref);
                }
            }
            insert(c, candidates, added);
            // Not inserted: another instance, or another line of this input, took the id meanwhile.
            List<TaskRef> taken = candidates.stream().filter(ref -> !added.contains(ref)).toList();
            if (!taken.isEmpty()) {
                Map<TaskId, Row> now = rows(c, taken);
                taken.forEach(ref -> count.known(ref, now.getOrDefault(ref.id(), new Row(ref.provider(), false))));
            }
        } catch (SQLException e) {
            throw StoreSql.unavailable(e);
        }
        return new Registration(added.size(), count.pending, count.finished, count.conflicts);
    }

    private void insert(Connection c, List<TaskRef> candidates, Set<TaskRef> added) throws SQLException {
        if (candidates.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO jimeng_tasks (id, provider, next_at, task) "
                + "SELECT t.id, t.provider, " + NOW + ", jsonb_build_object('id', t.id, 'registeredAt', " + NOW + ", 'activeAt', ?::bigint) "
                + "FROM unnest(?::text[], ?::text[]) AS t(id, provider) ON CONFLICT (id) DO NOTHING RETURNING id, provider")) {
            insert.setLong(1, clock.activeNow());
            insert.setArray(2, c.createArrayOf("text", candidates.stream().map(ref -> ref.id().value()).toArray()));
            insert.setArray(3, c.createArrayOf("text", candidates.stream().map(ref -> ref.provider().value()).toArray()));
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    added.add(new TaskRef(TaskDocuments.id(rows.getString(1)), TaskDocuments.provider(rows.getString(2))));
                }
            }
        }
    }

    /** The rows the store has of these ids. */
    private static Map<TaskId, Row> rows(Connection c, List<TaskRef> refs) throws SQLException {
        Map<TaskId, Row> found = new HashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id, provider, finished FROM jimeng_tasks WHERE id = ANY(?)")) {
            select.setArray(1, c.createArrayOf("text", refs.stream().map(ref -> ref.id().value()).distinct().toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.put(TaskDocuments.id(rows.getString(1)), new Row(TaskDocuments.provider(rows.getString(2)), rows.getBoolean(3)));
                }
            }
        }
        return found;
    }

    /** The provider of the id's row, pending or finished; null when there is none. */
    ProviderName providerOf(TaskId id) throws SQLException {
        String provider = sql.queryText("SELECT provider FROM jimeng_tasks WHERE id = ?", id);
        return provider == null ? null : TaskDocuments.provider(provider);
    }

    boolean reopen(TaskId id) {
        return sql.execute("INSERT INTO jimeng_tasks (id, next_at, task) VALUES (?, " + NOW + ", jsonb_build_object('id', ?::text, "
                + "'registeredAt', " + NOW + ", 'activeAt', ?::bigint)) ON CONFLICT (id) DO UPDATE SET finished = false, "
                + "phase = 'FETCH', next_at = EXCLUDED.next_at, lease_owner = NULL, lease_until = NULL, kept = false, "
                + "task = EXCLUDED.task WHERE jimeng_tasks.finished OR (jimeng_tasks.task ->> 'timedOutAt') IS NOT NULL "
                // a kept lease not due yet is not being looked at: it waits for its next fetch
                + "AND (jimeng_tasks.lease_until IS NULL OR jimeng_tasks.lease_until <= " + NOW + " OR jimeng_tasks.kept AND jimeng_tasks.next_at > " + NOW + ")", id, id, clock.activeNow()) == 1;
    }
}
