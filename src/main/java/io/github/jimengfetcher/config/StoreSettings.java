package io.github.jimengfetcher.config;

import java.time.Duration;

/**
 * Where tasks are kept: the local journal (no url) or the shared PostgreSQL store (url, user,
 * password); this instance's id (empty: host name and process id), the lease of a claimed task, and
 * how the shared store gathers releases into one statement (batchTime, batchSize).
 */
public record StoreSettings(String instanceId, String url, String user, String password, Duration leaseTime, Duration batchTime,
        int batchSize) {

    static final String INSTANCE_ID = "jimeng.store.instance-id";
    static final String URL = "jimeng.store.url";
    static final String USER = "jimeng.store.user";
    static final String PASSWORD = "jimeng.store.password";
    static final String LEASE_TIME = "jimeng.store.lease-time";
    static final String BATCH_TIME = "jimeng.store.batch-time";
    static final String BATCH_SIZE = "jimeng.store.batch-size";

    /** Below it, a renewal (every third of the lease) can come too late: the task is taken over while its work runs. */
    static final long SHORTEST_LEASE = 2_000;

    public static StoreSettings read(SettingsReader settings) {
        String instanceId = settings.name(INSTANCE_ID);
        Duration leaseTime = settings.duration(LEASE_TIME);
        // Either store: a shorter lease lapses under work in flight, which is then done again and again.
        if (leaseTime.toMillis() < SHORTEST_LEASE) {
            throw new IllegalStateException(settings.written(LEASE_TIME) + "=" + settings.text(LEASE_TIME) + " is too short: write "
                    + SettingChecks.shortDuration(SHORTEST_LEASE) + " or more, e.g. 30s (work in flight renews its lease every third"
                    + " of it; a shorter lease runs out under running work, which another claim then does again) ("
                    + SettingChecks.whatItIs(settings.written(LEASE_TIME), LEASE_TIME) + ")");
        }
        Duration batchTime = settings.durationOrZero(BATCH_TIME);
        // A release waits for its batch with its lease given up: waiting near a lease time, it would find the lease run out.
        if (batchTime.toMillis() > leaseTime.toMillis() / 10) {
            throw new IllegalStateException(settings.written(BATCH_TIME) + "=" + settings.text(BATCH_TIME) + " is too long: write at most a"
                    + " tenth of " + settings.written(LEASE_TIME) + " (" + SettingChecks.shortDuration(leaseTime.toMillis() / 10)
                    + "), e.g. 20ms (a write waiting for its batch must reach the database before its lease runs out) ("
                    + SettingChecks.whatItIs(settings.written(BATCH_TIME), BATCH_TIME) + ")");
        }
        return new StoreSettings(instanceId, settings.text(URL), settings.text(USER), settings.text(PASSWORD), leaseTime, batchTime,
                settings.count(BATCH_SIZE));
    }

    /** Several instances share the store. */
    public boolean shared() {
        return !url.isEmpty();
    }

    /** Never the password. */
    @Override
    public String toString() {
        return "StoreSettings[instanceId=" + instanceId + ", url=" + url + ", user=" + user + ", password="
                + (password.isEmpty() ? "" : "***") + ", leaseTime=" + leaseTime + ", batchTime=" + batchTime + ", batchSize=" + batchSize + "]";
    }
}
