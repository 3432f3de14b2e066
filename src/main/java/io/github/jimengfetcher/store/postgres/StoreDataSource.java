package io.github.jimengfetcher.store.postgres;

import java.util.Locale;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The connection pool to the shared store (jimeng.store.url, .user, .password). The password is
 * handed to the driver only: it is never logged, and a URL that carries one is refused, since
 * URLs are logged.
 */
public final class StoreDataSource {

    private StoreDataSource() {
    }

    /** Throws, naming the setting, when the URL is not one this store can use. */
    public static void check(String url) {
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalStateException("jimeng.store.url is not a PostgreSQL JDBC URL: write jdbc:postgresql://host:5432/database "
                    + "(env JIMENG_STORE_URL), or leave it empty for the local journal");
        }
        if (url.toLowerCase(Locale.ROOT).contains("password=")) {
            throw new IllegalStateException("jimeng.store.url carries a password: put it in jimeng.store.password "
                    + "(env JIMENG_STORE_PASSWORD) instead, which is never logged");
        }
    }

    /** A pool that fails a call within seconds when the database is away, rather than holding the caller. */
    public static HikariDataSource open(String url, String user, String password, int connections) {
        check(url);
        HikariConfig config = new HikariConfig();
        config.setPoolName("jimeng-store");
        config.setJdbcUrl(url);
        if (!user.isBlank()) {
            config.setUsername(user);
        }
        if (!password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("ApplicationName", "jimeng-fetcher");
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach the task store at jimeng.store.url: " + e.getMessage(), e);
        }
    }
}
