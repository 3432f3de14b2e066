package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

import org.apache.camel.util.TimeUtils;

import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.LeaseLostException;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskIds;

/**
 * The shared task store: one PostgreSQL database for several instances (jimeng.store.url). Claims
 * take due rows with {@code FOR UPDATE SKIP LOCKED}, many in one statement, and lease them with a
 * fencing epoch; every later write carries owner and epoch and touches nothing when they no longer
 * match. All times are the database's clock. The schema is created and migrated at start
 * ({@link StoreSchema}).
 *
 * A database that cannot be reached makes every call throw {@link StoreUnavailableException}.
 */
public class PostgresTaskStore implements TaskStore {

    /** The database's clock, in epoch milliseconds. */
    static final String NOW = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

    private static final String HELD = " AND lease_owner = ? AND lease_epoch = ? AND lease_until > " + NOW + " AND NOT finished";

    private DataSource dataSource;
    private OutputFolders outputs;
    private String instanceId;
    private long leaseTime = 30_000;
    private String keyHash = "";
    private final TaskDocuments documents = new TaskDocuments();
    private final StoreClock clock = new StoreClock();
    /** Every fetch asks: read twice a second, so a pause another instance records holds here within a second. */
    private final RecentValue pausedUntil = new RecentValue(500);
    private final RecentValue pending = new RecentValue(1_000);

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void setOutputs(OutputFolders outputs) {
        this.outputs = outputs;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public void setLeaseTime(String leaseTime) {
        this.leaseTime = TimeUtils.toMilliSeconds(leaseTime);
    }

    /** Pauses are kept per API key, by this hash of it (see {@link StoreSchema#keyHash}). */
    public void setKeyHash(String keyHash) {
        this.keyHash = keyHash;
    }

    /** Pauses are kept per API key: this one's (the key itself is never stored, only a hash of it). */
    public void setApiKey(String baseUrl, String apiKey) {
        this.keyHash = StoreSchema.keyHash(baseUrl + " " + apiKey);
    }

    public void start() {
        try {
            StoreSchema.migrate(dataSource);
            clock.tick(dataSource);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot use the task store at jimeng.store.url: " + e.getMessage(), e);
        }
    }

    /** Hands back at once the leases this instance still holds (its work has ended), then closes the pool. */
    public void stop() {
        try {
            execute("UPDATE jimeng_tasks SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ? AND NOT finished", instanceId);
        } catch (StoreUnavailableException unreachable) {
            // they lapse by themselves
        }
        if (dataSource instanceof AutoCloseable pool) {
            try {
                pool.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    // ---- registration ----

    @Override
    public Registration register(List<String> ids) {
        List<String> candidates = new ArrayList<>();
        int knownByRecord = 0;
        for (String id : new java.util.LinkedHashSet<>(ids)) {
            TaskIds.require(id);
            if (outputs != null && outputs.isFinished(id)) {
                knownByRecord++;
            } else {
                candidates.add(id);
            }
        }
        int duplicatesInInput = ids.size() - new HashSet<>(ids).size();
        Set<String> added = new HashSet<>();
        int finished = 0;
        try (Connection c = dataSource.getConnection()) {
            long active = clock.activeNow();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO jimeng_tasks (id, next_at, task) "
                    + "SELECT t.id, " + NOW + ", jsonb_build_object('id', t.id, 'registeredAt', " + NOW + ", 'activeAt', ?::bigint) "
                    + "FROM unnest(?::text[]) AS t(id) ON CONFLICT (id) DO NOTHING RETURNING id")) {
                insert.setLong(1, active);
                insert.setArray(2, c.createArrayOf("text", candidates.toArray()));
                try (ResultSet rows = insert.executeQuery()) {
                    while (rows.next()) {
                        added.add(rows.getString(1));
                    }
                }
            }
            if (added.size() < candidates.size()) {
                try (PreparedStatement known = c.prepareStatement("SELECT count(*) FROM jimeng_tasks WHERE id = ANY(?) AND finished")) {
                    known.setArray(1, c.createArrayOf("text", candidates.stream().filter(id -> !added.contains(id)).toArray()));
                    try (ResultSet rows = known.executeQuery()) {
                        rows.next();
                        finished = rows.getInt(1);
                    }
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        int pending = candidates.size() - added.size() - finished + duplicatesInInput;
        return new Registration(added.size(), pending, finished + knownByRecord);
    }

    @Override
    public boolean reopen(String id) {
        TaskIds.require(id);
        return execute("INSERT INTO jimeng_tasks (id, next_at, task) VALUES (?, " + NOW + ", jsonb_build_object('id', ?::text, "
                + "'registeredAt', " + NOW + ", 'activeAt', ?::bigint)) ON CONFLICT (id) DO UPDATE SET finished = false, "
                + "phase = 'FETCH', next_at = EXCLUDED.next_at, lease_owner = NULL, lease_until = NULL, task = EXCLUDED.task "
                + "WHERE jimeng_tasks.finished", id, id, clock.activeNow()) == 1;
    }

    // ---- leases ----

    @Override
    public List<Lease> claimDue(Task.Phase phase, int max, long gapMillis) {
        clock.tickIfDue(dataSource);
        if (max <= 0) {
            return List.of();
        }
        String paused = phase == Task.Phase.FETCH
                ? " AND NOT EXISTS (SELECT 1 FROM jimeng_pauses WHERE key_hash = ? AND until_at > " + NOW + ")" : "";
        String sql = "WITH due AS (SELECT id FROM jimeng_tasks WHERE NOT finished AND phase = ? AND next_at <= " + NOW
                + " AND (lease_until IS NULL OR lease_until <= " + NOW + ")" + paused
                + " ORDER BY next_at LIMIT ? FOR UPDATE SKIP LOCKED) "
                + "UPDATE jimeng_tasks t SET lease_owner = ?, lease_until = " + NOW + " + ?, lease_epoch = t.lease_epoch + 1, "
                + "next_at = " + NOW + " + ? FROM due WHERE t.id = due.id "
                + "RETURNING t.id, t.phase, t.next_at, t.lease_owner, t.lease_until, t.lease_epoch, t.task, " + NOW;
        List<Lease> leases = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement claim = c.prepareStatement(sql)) {
            int i = 1;
            claim.setString(i++, phase.name());
            if (phase == Task.Phase.FETCH) {
                claim.setString(i++, keyHash);
            }
            claim.setInt(i++, max);
            claim.setString(i++, instanceId);
            claim.setLong(i++, leaseTime);
            claim.setLong(i, gapMillis);
            try (ResultSet rows = claim.executeQuery()) {
                while (rows.next()) {
                    Task task = documents.read(rows);
                    clock.sawDatabaseTime(rows.getLong(8));
                    leases.add(new Lease(task, instanceId, task.epoch, task.leaseUntil));
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return leases;
    }

    @Override
    public void renew(Lease lease) {
        Long until = queryLong("UPDATE jimeng_tasks SET lease_until = " + NOW + " + ? WHERE id = ?" + HELD + " RETURNING lease_until",
                leaseTime, lease.taskId(), lease.owner(), lease.epoch());
        if (until == null) {
            throw lost(lease);
        }
        lease.renewedUntil(until);
    }

    /** One statement for the whole batch. */
    @Override
    public List<Lease> renewAll(java.util.Collection<Lease> leases) {
        List<Lease> asked = leases.stream().filter(lease -> !lease.ended()).toList();
        if (asked.isEmpty()) {
            return List.of();
        }
        Set<String> renewed = new HashSet<>();
        java.util.Map<String, Lease> byId = new java.util.HashMap<>();
        asked.forEach(lease -> byId.put(lease.taskId(), lease));
        try (Connection c = dataSource.getConnection(); PreparedStatement renew = c.prepareStatement(
                "UPDATE jimeng_tasks t SET lease_until = " + NOW + " + ? FROM unnest(?::text[], ?::bigint[]) AS l(id, epoch) "
                        + "WHERE t.id = l.id AND t.lease_epoch = l.epoch AND t.lease_owner = ? AND t.lease_until > " + NOW
                        + " AND NOT t.finished RETURNING t.id, t.lease_until")) {
            renew.setLong(1, leaseTime);
            renew.setArray(2, c.createArrayOf("text", asked.stream().map(Lease::taskId).toArray()));
            renew.setArray(3, c.createArrayOf("bigint", asked.stream().map(Lease::epoch).toArray()));
            renew.setString(4, instanceId);
            try (ResultSet rows = renew.executeQuery()) {
                while (rows.next()) {
                    String id = rows.getString(1);
                    renewed.add(id);
                    byId.get(id).renewedUntil(rows.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        List<Lease> lost = new ArrayList<>();
        for (Lease lease : asked) {
            if (!renewed.contains(lease.taskId())) {
                lease.end();
                lost.add(lease);
            }
        }
        return lost;
    }

    @Override
    public void update(Lease lease) {
        write(lease, "", false);
    }

    @Override
    public void release(Lease lease) {
        write(lease, ", lease_owner = NULL, lease_until = NULL", true);
    }

    private void write(Lease lease, String also, boolean ends) {
        Task task = lease.task();
        int rows = execute("UPDATE jimeng_tasks SET phase = ?, next_at = ?, task = ?::jsonb" + also + " WHERE id = ?" + HELD,
                task.phase.name(), task.nextAt, documents.write(task), lease.taskId(), lease.owner(), lease.epoch());
        if (rows == 0) {
            throw lost(lease);
        }
        if (ends) {
            lease.end();
        }
    }

    @Override
    public void finish(Lease lease) {
        int rows = execute("UPDATE jimeng_tasks SET finished = true, lease_owner = NULL, lease_until = NULL, "
                + "task = jsonb_build_object('id', id) WHERE id = ?" + HELD, lease.taskId(), lease.owner(), lease.epoch());
        if (rows == 0) {
            throw lost(lease);
        }
        lease.end();
    }

    // ---- facts ----

    @Override
    public void pauseFetches(long until) {
        execute("INSERT INTO jimeng_pauses (key_hash, until_at) VALUES (?, ?) ON CONFLICT (key_hash) "
                + "DO UPDATE SET until_at = GREATEST(jimeng_pauses.until_at, EXCLUDED.until_at)", keyHash, until);
        pausedUntil.forget();
    }

    /** Read at most twice a second (every fetch asks); the last value known while the store is away. */
    @Override
    public long fetchesPausedUntil() {
        return pausedUntil.get(() -> {
            Long until = queryLong("SELECT until_at FROM jimeng_pauses WHERE key_hash = ?", keyHash);
            return until == null ? 0L : until;
        });
    }

    @Override
    public long now() {
        return clock.now();
    }

    @Override
    public long leaseTimeMillis() {
        return leaseTime;
    }

    @Override
    public Optional<Task> find(String id) {
        List<Task> found = tasks("WHERE id = ? AND NOT finished", id);
        return found.stream().findFirst();
    }

    @Override
    public boolean isFinished(String id) {
        return queryLong("SELECT 1 FROM jimeng_tasks WHERE id = ? AND finished", id) != null;
    }

    @Override
    public List<Task> pendingTasks() {
        return tasks("WHERE NOT finished");
    }

    /** Read at most once a second (metrics ask on every scrape); the last value known while the store is away. */
    @Override
    public int pendingCount() {
        return pending.get(() -> queryLong("SELECT count(*) FROM jimeng_tasks WHERE NOT finished")).intValue();
    }

    @Override
    public long waitedMillis(Task task) {
        return clock.activeNow() - (task.activeAt == null ? 0 : task.activeAt);
    }

    @Override
    public void outageBegan(String cause) {
        clock.outageBegan(cause);
    }

    @Override
    public void outageEnded(String cause) {
        clock.outageEnded(cause);
    }

    // ---- SQL ----

    private List<Task> tasks(String where, Object... parameters) {
        List<Task> found = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(
                "SELECT id, phase, next_at, lease_owner, lease_until, lease_epoch, task FROM jimeng_tasks " + where)) {
            bind(c, select, parameters);
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

    private int execute(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            bind(c, statement, parameters);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private Long queryLong(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            bind(c, statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static void bind(Connection c, PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }

    private static LeaseLostException lost(Lease lease) {
        lease.end();
        return new LeaseLostException(lease, "expired unrenewed, claimed again since, or finished");
    }

    static StoreUnavailableException unavailable(SQLException e) {
        return new StoreUnavailableException("the task store (PostgreSQL) cannot be used: " + e.getMessage(), e);
    }
}
