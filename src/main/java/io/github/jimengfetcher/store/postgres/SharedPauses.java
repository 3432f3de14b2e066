package io.github.jimengfetcher.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.task.ProviderName;

import static io.github.jimengfetcher.store.postgres.StoreSql.NOW;

/**
 * The fetch pauses of the shared store (jimeng_pauses), per provider and key: every instance asking
 * a provider with the same key holds to a pause any of them recorded; another provider, or the same
 * one on another key, is not held. The key is never stored, only a hash of it and its root.
 */
final class SharedPauses {

    /** The rows that hold here: each provider's on its key here (a provider with no key of its own: the default one's). */
    private static final String HOLDING = "FROM jimeng_pauses p LEFT JOIN unnest(?::text[], ?::text[]) AS k(provider, key_hash) "
            + "ON k.provider = p.provider WHERE p.until_at > " + NOW + " AND p.key_hash = COALESCE(k.key_hash, ?)";

    /** A claim's condition: the task's provider is not paused here. Its parameters are bound by {@link #bind}. */
    static final String NOT_PAUSED = " AND provider <> ALL (ARRAY(SELECT p.provider " + HOLDING + "))";

    /** Every fetch asks: read twice a second, so a pause another instance records holds here within a second. */
    private static final long READ_INTERVAL = 500;

    private final StoreSql sql;
    private final String defaultKeyHash;
    private final String[] providers;
    private final String[] keyHashes;
    private Map<ProviderName, Long> recent;
    private long readAt;

    SharedPauses(StoreSql sql, String defaultKeyHash, Map<ProviderName, String> keyHashes) {
        this.sql = sql;
        this.defaultKeyHash = defaultKeyHash;
        this.providers = keyHashes.keySet().stream().map(ProviderName::value).toArray(String[]::new);
        this.keyHashes = keyHashes.keySet().stream().map(keyHashes::get).toArray(String[]::new);
    }

    /** Binds the parameters of {@link #NOT_PAUSED} from the index given; returns the next one. */
    int bind(Connection c, PreparedStatement statement, int index) throws SQLException {
        statement.setArray(index, c.createArrayOf("text", providers));
        statement.setArray(index + 1, c.createArrayOf("text", keyHashes));
        statement.setString(index + 2, defaultKeyHash);
        return index + 3;
    }

    /** A shorter pause does not cut a longer one short. */
    void pause(ProviderName provider, long until) {
        sql.execute("INSERT INTO jimeng_pauses (provider, key_hash, until_at) VALUES (?, ?, ?) ON CONFLICT (provider, key_hash) "
                + "DO UPDATE SET until_at = GREATEST(jimeng_pauses.until_at, EXCLUDED.until_at)", provider.value(), keyHashOf(provider), until);
        synchronized (this) {
            recent = null;
        }
    }

    long until(ProviderName provider) {
        return inForce().getOrDefault(provider, 0L);
    }

    /** Read at most twice a second; the last value known while the store is away. */
    synchronized Map<ProviderName, Long> inForce() {
        long now = System.currentTimeMillis();
        if (recent == null || now - readAt >= READ_INTERVAL) {
            try {
                recent = read();
                readAt = now;
            } catch (StoreUnavailableException away) {
                if (recent == null) {
                    throw away;
                }
            }
        }
        return recent;
    }

    private Map<ProviderName, Long> read() {
        Map<ProviderName, Long> paused = new HashMap<>();
        try (Connection c = sql.connection(); PreparedStatement select = c.prepareStatement("SELECT p.provider, p.until_at " + HOLDING)) {
            bind(c, select, 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    paused.merge(new ProviderName(rows.getString(1)), rows.getLong(2), Math::max);
                }
            }
        } catch (SQLException e) {
            throw StoreSql.unavailable(e);
        }
        return Map.copyOf(paused);
    }

    private String keyHashOf(ProviderName provider) {
        for (int i = 0; i < providers.length; i++) {
            if (providers[i].equals(provider.value())) {
                return keyHashes[i];
            }
        }
        return defaultKeyHash;
    }
}
