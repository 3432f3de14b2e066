package io.github.jimengfetcher.store.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;

/**
 * What a claim returns when it carried the releases waiting for their batch: the leases it hands out
 * (rows marked 'C'), then each carried release the statement wrote ('K' kept for the next fetch, 'R'
 * given back), by id and epoch; a release not among them lost its lease.
 */
final class CarriedRows {

    private CarriedRows() {
    }

    /**
     * Reads the rows into leases held by this instance, settles the carried releases with what was written,
     * and returns the leases.
     */
    static List<Lease> read(ResultSet rows, List<WriteBatches.Release> carried, StoreSql sql, StoreClock clock, String instanceId,
                            long sentAt) throws SQLException {
        List<Lease> leases = new ArrayList<>();
        Map<String, Boolean> written = new HashMap<>();
        while (rows.next()) {
            String kind = carried.isEmpty() ? "C" : rows.getString(10);
            if (!"C".equals(kind)) {
                written.put(rows.getString(1) + "@" + rows.getLong(6), "K".equals(kind));
                continue;
            }
            Task task = sql.task(rows);
            clock.sawDatabaseTime(rows.getLong(8), sentAt);
            leases.add(new Lease(task, instanceId, task.epoch, task.leaseUntil));
        }
        WriteBatches.settle(carried, written);
        return leases;
    }
}
