package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;

/** Statements against the shared store: a connection from the pool for each, and back; any SQL fault means the store is unavailable. */
final class StoreSql {

    /** The database's clock, in epoch milliseconds. */
    static final String NOW = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

    private final DataSource dataSource;
    private final TaskDocuments documents = new TaskDocuments();

    StoreSql(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Closes the pool, if the data source is one. */
    void close() {
        if (dataSource instanceof AutoCloseable pool) {
            try {
                pool.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    Task task(ResultSet row) throws SQLException {
        return documents.read(row);
    }

    String document(Task task) {
        return documents.write(task);
    }

    /**
     * The columns a task is read from ({@link TaskDocuments#read}), as the status pages see them: a lease kept
     * after a fetch, not due yet (see KeptLeases), is a task waiting for its turn, held by nobody.
     */
    static final String LISTED = "id, phase, next_at, CASE WHEN " + KeptLeases.WAITING + " THEN NULL ELSE lease_owner END AS lease_owner, "
            + "CASE WHEN " + KeptLeases.WAITING + " THEN NULL ELSE lease_until END AS lease_until, lease_epoch, task";

    /** The tasks of the rows that match (a where clause with ? parameters), for the status pages and lookups. */
    List<Task> tasks(String where, Object... parameters) {
        List<Task> found = new ArrayList<>();
        try (Connection c = connection(); PreparedStatement select = c.prepareStatement(
                "SELECT " + LISTED + ", provider FROM jimeng_tasks " + where)) {
            bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(documents.read(rows));
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return found;
    }

    /** Runs an insert, update or delete; the rows it touched. */
    int execute(String sql, Object... parameters) {
        try (Connection c = connection(); PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** The first column of the first row, or null when there is no row. */
    Long queryLong(String sql, Object... parameters) {
        try (Connection c = connection(); PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** The first column of the first row as text, or null when there is no row. */
    String queryText(String sql, Object... parameters) {
        try (Connection c = connection(); PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            // a task id goes to the database as its text
            statement.setObject(i + 1, parameters[i] instanceof TaskId id ? id.value() : parameters[i]);
        }
    }

    static StoreUnavailableException unavailable(SQLException e) {
        return new StoreUnavailableException("the task store (PostgreSQL) cannot be used: " + e.getMessage(), e);
    }
}
