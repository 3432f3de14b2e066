package io.github.jimengfetcher.store.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

/**
 * The shared store's schema, created and migrated at start by Flyway from db/migration/ on the class
 * path. Flyway holds a database lock while it migrates: instances starting together take turns.
 */
final class StoreSchema {

    private StoreSchema() {
    }

    static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("jimeng_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /** What names an API key in the store: its SHA-256, shortened; the key itself is never stored. */
    static String keyHash(String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((apiKey == null ? "" : apiKey).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
