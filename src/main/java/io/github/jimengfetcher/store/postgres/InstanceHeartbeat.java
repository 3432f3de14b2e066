package io.github.jimengfetcher.store.postgres;

import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.github.jimengfetcher.store.postgres.StoreSql.NOW;

/**
 * This instance's heartbeat in the shared store (jimeng_instances): one jimeng.store.instance-id, one
 * running process. An id is live while its heartbeat is younger than the lease time; its temporary
 * names in the shared output and its leases are its own, so a second process with a live id would
 * clean up and write over the first one's work. A killed process leaves its row behind: it goes
 * stale within one lease time, and a restart waits for that. A clean stop removes it.
 */
final class InstanceHeartbeat {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceHeartbeat.class);

    private final StoreSql sql;
    private final String instanceId;
    private final long leaseTime;
    private final String token = UUID.randomUUID().toString();
    private final String process = ProcessHandle.current().pid() + "@" + hostName();
    private volatile long beatNanos;
    private volatile boolean takenOverSaid;

    InstanceHeartbeat(StoreSql sql, String instanceId, long leaseTime) {
        this.sql = sql;
        this.instanceId = instanceId;
        this.leaseTime = leaseTime;
    }

    /**
     * Takes the id: at once when nobody holds it or its heartbeat is stale; else waits, at most one
     * lease time (and a last look), for it to go stale. Throws, naming the setting, when it stays live.
     * The rows kept under the id by the process that held it before (it has ended) are then free for any instance.
     */
    void take() {
        long step = Math.max(20, Math.min(1_000, leaseTime / 10));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaseTime + step);
        boolean said = false;
        while (!tryTake()) {
            String holder = holder();
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("another jimeng-fetcher (" + holder + ") with jimeng.store.instance-id " + instanceId
                        + " is running on the shared store (its heartbeat stayed younger than jimeng.store.lease-time, "
                        + leaseTime + " ms); stop it first, or give this one its own jimeng.store.instance-id (env JIMENG_STORE_INSTANCE_ID)");
            }
            if (!said) {
                LOG.warn("jimeng.store.instance-id {} is live on the shared store ({}): waiting up to jimeng.store.lease-time ({} ms) "
                        + "for its heartbeat to go stale (a process killed without a stop)", instanceId, holder, leaseTime);
                said = true;
            }
            try {
                Thread.sleep(step);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for jimeng.store.instance-id " + instanceId + " to be free", e);
            }
        }
        beatNanos = System.nanoTime();
        giveBackLeases(true);
        if (said) {
            LOG.info("jimeng.store.instance-id {}: the earlier holder's heartbeat went stale; this process ({}) holds the id now",
                    instanceId, process);
        }
    }

    private boolean tryTake() {
        return sql.queryLong("INSERT INTO jimeng_instances (instance_id, token, process, taken_at, beat_at) VALUES (?, ?, ?, " + NOW + ", " + NOW
                + ") ON CONFLICT (instance_id) DO UPDATE SET token = EXCLUDED.token, process = EXCLUDED.process, "
                + "taken_at = EXCLUDED.taken_at, beat_at = EXCLUDED.beat_at WHERE jimeng_instances.beat_at <= " + NOW + " - ? RETURNING 1",
                instanceId, token, process, leaseTime) != null;
    }

    /** Who holds the id, for the messages: "process 4711@studio-1, heartbeat 800 ms ago". */
    private String holder() {
        Long age = sql.queryLong("SELECT " + NOW + " - beat_at FROM jimeng_instances WHERE instance_id = ?", instanceId);
        String who = sql.queryText("SELECT process FROM jimeng_instances WHERE instance_id = ?", instanceId);
        return "process " + who + ", heartbeat " + age + " ms ago";
    }

    /**
     * Renewed once a third of the lease time has passed since the last beat, so the id stays live
     * while the process runs; asked as often as the leases are looked at.
     */
    void beat() {
        if (System.nanoTime() - beatNanos < TimeUnit.MILLISECONDS.toNanos(leaseTime / 3)) {
            return;
        }
        int rows = sql.execute("UPDATE jimeng_instances SET beat_at = " + NOW + " WHERE instance_id = ? AND token = ?", instanceId, token);
        if (rows == 0 && !tryTakeIfFree()) {
            if (!takenOverSaid) {
                LOG.error("jimeng.store.instance-id {} was taken by another process ({}) while this one could not renew its heartbeat: "
                        + "two processes now run with the same id; stop one of them", instanceId, holder());
                takenOverSaid = true;
            }
            return;
        }
        beatNanos = System.nanoTime();
    }

    private boolean tryTakeIfFree() {
        return sql.queryLong("INSERT INTO jimeng_instances (instance_id, token, process, taken_at, beat_at) VALUES (?, ?, ?, " + NOW + ", " + NOW
                + ") ON CONFLICT (instance_id) DO NOTHING RETURNING 1", instanceId, token, process) != null;
    }

    /** A clean stop: the id is free at once for a restart. */
    void remove() {
        sql.execute("DELETE FROM jimeng_instances WHERE instance_id = ? AND token = ?", instanceId, token);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception | LinkageError unknown) {
            return "localhost";
        }
    }

    /**
     * Gives back the leases held under this id, kept ones with the rest (a clean stop, its work ended);
     * keptOnly: the rows kept under it by a process that has ended (at start, once the id is taken).
     */
    void giveBackLeases(boolean keptOnly) {
        sql.execute("UPDATE jimeng_tasks SET lease_owner = NULL, lease_until = NULL, kept = false WHERE lease_owner = ? AND NOT finished"
                + (keptOnly ? " AND kept" : ""), instanceId);
    }
}
