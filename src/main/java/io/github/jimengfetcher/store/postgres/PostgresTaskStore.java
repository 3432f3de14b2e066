package io.github.jimengfetcher.store.postgres;

import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

import io.github.jimengfetcher.store.FinishedRecords;
import io.github.jimengfetcher.store.ProviderChoice;
import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskIds;
import io.github.jimengfetcher.task.TaskRef;
import io.github.jimengfetcher.task.TaskState;

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

    private StoreSql sql;
    private Registrations registrations;
    private FinishedRecords outputs;
    private String instanceId;
    private long leaseTime = 30_000;
    private String keyHash = "";
    private java.util.Map<ProviderName, String> keyHashes = java.util.Map.of();
    private final StoreClock clock = new StoreClock();
    private InstanceHeartbeat heartbeat;
    private LeaseClaims claims;
    private LeaseWrites writes;
    private java.util.Set<ProviderName> providers = java.util.Set.of();
    private boolean started;
    private SharedPauses pauses;
    private final RecentValue pending = new RecentValue(1_000);
    private long batchTime = 20;
    private int batchSize = 200;
    private WriteBatches batches;
    private KeptLeases kept = new KeptLeases(0);

    public void setDataSource(DataSource dataSource) {
        this.sql = new StoreSql(dataSource);
    }

    public void setOutputs(FinishedRecords outputs) {
        this.outputs = outputs;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public void setLeaseTime(java.time.Duration leaseTime) {
        this.leaseTime = leaseTime.toMillis();
    }

    /** Releases go to the database together: a batch is sent once its first has waited this long, or at batchSize. */
    public void setWriteBatches(java.time.Duration batchTime, int batchSize) {
        this.batchTime = batchTime.toMillis();
        this.batchSize = batchSize;
    }

    /** At most this many leases kept after fetches that found their tasks in progress ({@link KeptLeases}); 0: none. */
    public void setKeptLeases(int limit) {
        this.kept = new KeptLeases(limit);
    }

    /** Pauses are kept per provider and API key, by this hash of it for a provider not given its own (see {@link StoreSchema#keyHash}). */
    public void setKeyHash(String keyHash) {
        this.keyHash = keyHash;
    }

    /** Pauses are kept per provider and API key: this key's for a provider not given its own (the key is never stored, only a hash). */
    public void setApiKey(String baseUrl, String apiKey) {
        this.keyHash = StoreSchema.keyHash(baseUrl + " " + apiKey);
    }

    /** Each provider's key here, as a one-way hash of its root and key: its pauses are shared with every instance on the same key. */
    public void setKeyHashes(java.util.Map<ProviderName, String> keyHashes) {
        this.keyHashes = java.util.Map.copyOf(keyHashes);
    }

    /** Only tasks of these providers are claimed here (configured here): another instance may take the rest. Not called: every. */
    public void setProviders(java.util.Collection<ProviderName> providers) {
        this.providers = java.util.Set.copyOf(providers);
    }

    /** The learned task durations, kept in this store for every instance (jimeng_fetch_durations). */
    public io.github.jimengfetcher.schedule.DurationKeeper durations() {
        return new SharedDurations(sql);
    }

    /** Migrates the schema and takes this instance's id (see {@link InstanceHeartbeat}); once, however often called. */
    public synchronized void start() {
        if (started) {
            return;
        }
        registrations = new Registrations(sql, clock, outputs);
        batches = new WriteBatches(sql, batchTime, batchSize, instanceId);
        claims = new LeaseClaims(sql, clock, instanceId, leaseTime, providers, batches, kept);
        writes = new LeaseWrites(sql, leaseTime, batches, kept);
        pauses = new SharedPauses(sql, keyHash, keyHashes);
        try {
            StoreSchema.migrate(sql.dataSource());
            clock.tick(sql.dataSource());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot use the task store at jimeng.store.url: " + e.getMessage(), e);
        }
        heartbeat = new InstanceHeartbeat(sql, instanceId, leaseTime);
        try {
            heartbeat.take();
        } catch (StoreUnavailableException e) {
            throw new IllegalStateException("cannot use the task store at jimeng.store.url: " + e.getMessage(), e);
        }
        started = true;
    }

    /**
     * Writes the releases still waiting for their batch, hands back at once the leases this instance
     * still holds (its work has ended: see WorkOnStop), frees its instance id for a restart, then closes the pool.
     */
    public void stop() {
        if (batches != null) {
            batches.close();
        }
        try {
            kept.clear();
            if (heartbeat != null) {
                heartbeat.giveBackLeases(false);
                heartbeat.remove();
            }
        } catch (StoreUnavailableException unreachable) {
            // they lapse by themselves
        }
        sql.close();
    }

    /** The stored times moved back by millis (the tests' way of passing time): the kept leases' plans move with them. */
    void timesMovedBack(long millis) {
        kept.movedBack(millis);
    }

    /** Releases waiting for their batch right now. */
    int releasesWaiting() {
        return batches.waitingCount();
    }

    @Override
    public Registration register(List<TaskRef> tasks) {
        Registration registration = registrations.register(tasks);
        kept.quiet().wake();
        return registration;
    }

    @Override
    public Optional<ProviderName> providerOf(TaskId id) {
        try {
            return Optional.ofNullable(registrations.providerOf(id));
        } catch (java.sql.SQLException e) {
            throw StoreSql.unavailable(e);
        }
    }

    @Override
    public boolean reopen(TaskId id) {
        boolean reopened = registrations.reopen(id);
        kept.freed(id);
        return reopened;
    }

    @Override
    public Notified notified(TaskId id) {
        return new StoreNotices(sql, kept).notified(id);
    }

    @Override
    public List<Lease> claimDue(Task.Phase phase, int max, long gapMillis, ProviderChoice chosen) {
        return claims.claimDue(phase, max, gapMillis, chosen, pauses);
    }

    /** Claims gather the slots freed within one batch time; releases waiting then go with the claim ({@link WriteBatches#claimComing}). */
    @Override
    public long claimGatherMillis() {
        batches.claimComing();
        return batchTime;
    }

    /** The instance's heartbeat goes with the lease renewals (see {@link InstanceHeartbeat}). */
    @Override
    public void heartbeat() {
        if (heartbeat != null) {
            heartbeat.beat();
        }
    }

    @Override
    public void renew(Lease lease) {
        writes.renew(lease);
    }

    /** One statement for the whole batch. */
    @Override
    public List<Lease> renewAll(java.util.Collection<Lease> leases) {
        return claims.renewAll(leases);
    }

    @Override
    public void update(Lease lease) {
        writes.update(lease);
    }

    @Override
    public void release(Lease lease) {
        writes.release(lease);
    }

    @Override
    public void finish(Lease lease, TaskState outcome) {
        writes.finish(lease, outcome);
    }

    @Override
    public void pauseFetches(ProviderName provider, long until) {
        pauses.pause(provider, until);
    }

    @Override
    public TaskPage page(TaskState state, String idContains, int offset, int limit) {
        return new TaskListing(sql).page(state, idContains, offset, limit);
    }

    /** Read at most twice a second (every fetch asks); the last value known while the store is away. */
    @Override
    public long fetchesPausedUntil(ProviderName provider) {
        return pauses.until(provider);
    }

    @Override
    public java.util.Map<ProviderName, Long> fetchPauses() {
        return pauses.inForce();
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
    public Optional<Task> find(TaskId id) {
        List<Task> found = sql.tasks("WHERE id = ? AND NOT finished", id);
        return found.stream().findFirst();
    }

    @Override
    public boolean isFinished(TaskId id) {
        return sql.queryLong("SELECT 1 FROM jimeng_tasks WHERE id = ? AND finished", id) != null;
    }

    @Override
    public List<Task> pendingTasks() {
        return sql.tasks("WHERE NOT finished");
    }

    /** Read at most once a second (metrics ask on every scrape); the last value known while the store is away. */
    @Override
    public int pendingCount() {
        return pending.get(() -> sql.queryLong("SELECT count(*) FROM jimeng_tasks WHERE NOT finished")).intValue();
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
}
