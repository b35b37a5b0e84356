package dev.tierline.server.recording;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The journal's database: SQLite in WAL mode under the data directory by default, or PostgreSQL
 * by JDBC URL. Either way the schema comes from the same versioned migrations, except for the
 * full-text index, which is each database's own (SQLite FTS5, PostgreSQL tsvector).
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final boolean sqlite;

    private Database(HikariDataSource dataSource, boolean sqlite) {
        this.dataSource = dataSource;
        this.sqlite = sqlite;
    }

    /**
     * @param url JDBC URL, or empty for the embedded SQLite file {@code tierline.db} in {@code dataDir}
     */
    public static Database open(String url, String user, String password, int poolSize, Path dataDir) {
        String jdbcUrl = url == null || url.isBlank()
                ? "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve("tierline.db") : url;
        boolean sqlite = jdbcUrl.startsWith("jdbc:sqlite:");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("tierline-journal");
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        // fail at start-up, not on the first event, when the database cannot be reached
        config.setInitializationFailTimeout(10_000);
        if (user != null && !user.isBlank()) {
            config.setUsername(user);
        }
        if (password != null && !password.isBlank()) {
            config.setPassword(password);
        }
        if (sqlite) {
            // WAL lets readers (the auditor API) run beside the one writer; FULL makes each
            // group commit durable across power loss, which group commit makes affordable.
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "FULL");
            config.addDataSourceProperty("busy_timeout", "5000");
            config.addDataSourceProperty("foreign_keys", "true");
        }
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            // common migrations, plus the vendor's own (the full-text index differs per database)
            Flyway.configure().dataSource(dataSource)
                    .locations("classpath:db/migration", sqlite ? "classpath:db/migration-sqlite"
                            : "classpath:db/migration-postgresql")
                    .load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, sqlite);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isSqlite() {
        return sqlite;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
