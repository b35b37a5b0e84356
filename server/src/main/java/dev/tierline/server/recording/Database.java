package dev.tierline.server.recording;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private final Checkpointer checkpointer;

    private Database(HikariDataSource dataSource, boolean sqlite) {
        this.dataSource = dataSource;
        this.sqlite = sqlite;
        this.checkpointer = sqlite ? new Checkpointer(dataSource) : null;
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
            // Checkpoints run on their own thread (see Checkpointer), not inside the journal's commits,
            // where each would stall every event waiting to be durable.
            config.addDataSourceProperty("wal_autocheckpoint", "0");
            // after a burst the log is reused from its start; past this size it is also cut back
            config.addDataSourceProperty("journal_size_limit", String.valueOf(64L << 20));
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

    /**
     * Copies the SQLite write-ahead log back into the database file every quarter second, beside
     * the journal's writer rather than in its commits. PASSIVE neither waits for nor blocks the
     * writer; once a checkpoint has copied the whole log, the writer starts the log over.
     */
    private static final class Checkpointer {
        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Checkpointer.class);

        private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tierline-checkpoint");
            t.setDaemon(true);
            return t;
        });

        Checkpointer(DataSource dataSource) {
            thread.scheduleWithFixedDelay(() -> checkpoint(dataSource), 250, 250, TimeUnit.MILLISECONDS);
        }

        private static void checkpoint(DataSource dataSource) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(PASSIVE)");
            } catch (SQLException | RuntimeException e) {
                // the journal notices a broken database itself; here a missed checkpoint only means a longer log
                log.debug("WAL checkpoint skipped: {}", e.getMessage());
            }
        }

        void stop() {
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isSqlite() {
        return sqlite;
    }

    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.stop();
        }
        dataSource.close();
    }
}
