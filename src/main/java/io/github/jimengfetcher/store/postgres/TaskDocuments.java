package io.github.jimengfetcher.store.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;

/**
 * A task as a row: the columns a claim needs (phase, due time, lease), its provider, and the rest of
 * the task as a JSON document. The columns are the truth for what they hold.
 */
final class TaskDocuments {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A task from a row of id, phase, next_at, lease_owner, lease_until, lease_epoch, task (in that order) and provider. */
    Task read(ResultSet row) throws SQLException {
        Task task;
        try {
            task = JSON.readValue(row.getString(7), Task.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("task " + row.getString(1) + " has an unreadable document: " + e.getOriginalMessage(), e);
        }
        task.id = id(row.getString(1));
        task.phase = Task.Phase.valueOf(row.getString(2));
        task.nextAt = row.getLong(3);
        task.leaseOwner = row.getString(4);
        task.leaseUntil = row.getLong(5);
        task.epoch = row.getLong(6);
        task.provider = provider(row.getString("provider"));
        return task;
    }

    /**
     * A row's id, checked as it comes out of the database: a row written by hand with an id against
     * the rules is refused as an unreadable document is.
     */
    static TaskId id(String column) throws SQLException {
        try {
            return TaskId.of(column);
        } catch (IllegalArgumentException invalid) {
            throw new SQLException("a task row has an invalid id: " + invalid.getMessage(), invalid);
        }
    }

    /** A row's provider, checked as it comes out of the database (a hand-written row, as for its id). */
    static ProviderName provider(String column) throws SQLException {
        try {
            return new ProviderName(column);
        } catch (IllegalArgumentException invalid) {
            throw new SQLException("a task row has an invalid provider: " + invalid.getMessage(), invalid);
        }
    }

    /** The document of a task: everything but what its columns hold. */
    String write(Task task) {
        Task document = task.copy();
        document.leaseOwner = null;
        document.leaseUntil = 0;
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("task " + task.id + " cannot be written as JSON", e);
        }
    }
}
