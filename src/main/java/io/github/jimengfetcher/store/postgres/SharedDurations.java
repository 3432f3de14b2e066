package io.github.jimengfetcher.store.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.schedule.DurationHistogram;
import io.github.jimengfetcher.schedule.DurationKeeper;

/**
 * The learned durations on the shared store: a row per kind in jimeng_fetch_durations (migration V3).
 * A lesson locks the kind's row, adds to it and writes it back in one transaction, so two instances
 * learning at once both count; each instance reads the rows again now and then (LearnedDurations).
 */
public class SharedDurations implements DurationKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(SharedDurations.class);

    private final StoreSql sql;

    SharedDurations(StoreSql sql) {
        this.sql = sql;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public Map<String, DurationHistogram> load() {
        Map<String, DurationHistogram> kinds = new LinkedHashMap<>();
        try (Connection c = sql.connection(); PreparedStatement select = c.prepareStatement(
                "SELECT kind, weights FROM jimeng_fetch_durations ORDER BY kind");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                DurationHistogram histogram = histogram(rows.getArray(2));
                if (histogram.count() > 0) {
                    kinds.put(rows.getString(1), histogram);
                } else {
                    LOG.warn("The shared store's durations of kind {} cannot be read: learned afresh", rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw StoreSql.unavailable(e);
        }
        return kinds;
    }

    /**
     * Every row with weight past the bound (or of the earlier, shorter layout) is written back without
     * it, under the rows' locks, so a lesson of another instance at the same moment is not lost.
     */
    @Override
    public double dropBeyondBound() {
        return inOneTransaction(c -> {
            double dropped = 0;
            try (PreparedStatement select = c.prepareStatement("SELECT kind, weights FROM jimeng_fetch_durations ORDER BY kind FOR UPDATE");
                 PreparedStatement update = c.prepareStatement("UPDATE jimeng_fetch_durations SET weights = ? WHERE kind = ?");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Array stored = rows.getArray(2);
                    DurationHistogram histogram = histogram(stored);
                    boolean earlier = stored != null && ((Object[]) stored.getArray()).length != histogram.weights().length;
                    if (histogram.beyondBound() > 0 || earlier) {
                        dropped = Math.max(dropped, histogram.beyondBound());
                        update.setArray(1, array(c, histogram.withinBound().weights()));
                        update.setString(2, rows.getString(1));
                        update.executeUpdate();
                    }
                }
            }
            return dropped;
        });
    }

    @Override
    public Map<String, DurationHistogram> add(Map<String, List<Double>> lessons, Map<String, DurationHistogram> learnedHere) {
        return inOneTransaction(c -> {
            Map<String, DurationHistogram> added = new LinkedHashMap<>();
            // In the same order on every instance: two lessons never wait for each other's rows crosswise.
            for (String kind : new TreeSet<>(lessons.keySet())) {
                added.put(kind, addAll(c, kind, lessons.get(kind)));
            }
            return added;
        });
    }

    private interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    /** The work on one connection, committed whole or rolled back whole. */
    private <T> T inOneTransaction(Work<T> work) {
        try (Connection c = sql.connection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.on(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw StoreSql.unavailable(e);
        }
    }

    private static DurationHistogram addAll(Connection c, String kind, List<Double> durations) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO jimeng_fetch_durations (kind, weights) VALUES (?, ?) ON CONFLICT (kind) DO NOTHING")) {
            insert.setString(1, kind);
            insert.setArray(2, array(c, new DurationHistogram().weights()));
            insert.executeUpdate();
        }
        DurationHistogram histogram;
        try (PreparedStatement select = c.prepareStatement("SELECT weights FROM jimeng_fetch_durations WHERE kind = ? FOR UPDATE")) {
            select.setString(1, kind);
            try (ResultSet row = select.executeQuery()) {
                // an instance of an earlier version may still write past the bound
                histogram = row.next() ? histogram(row.getArray(1)).withinBound() : new DurationHistogram();
            }
        }
        durations.forEach(histogram::add);
        try (PreparedStatement update = c.prepareStatement("UPDATE jimeng_fetch_durations SET weights = ? WHERE kind = ?")) {
            update.setArray(1, array(c, histogram.weights()));
            update.setString(2, kind);
            update.executeUpdate();
        }
        return histogram;
    }

    private static Array array(Connection c, double[] weights) throws SQLException {
        Double[] boxed = new Double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            boxed[i] = weights[i];
        }
        return c.createArrayOf("float8", boxed);
    }

    /** A stored row's histogram; one of another length or with a bad weight is empty (DurationHistogram.of). */
    private static DurationHistogram histogram(Array stored) throws SQLException {
        if (stored == null) {
            return new DurationHistogram();
        }
        Object[] values = (Object[]) stored.getArray();
        double[] weights = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            weights[i] = values[i] instanceof Number n ? n.doubleValue() : -1;
        }
        return DurationHistogram.of(weights);
    }
}
