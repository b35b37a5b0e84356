package dev.tierline.server.recording;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    private Database(HikariDataSource dataSource, boolean sqlite, int restartFrames, FileSync fileSync) {
        this.dataSource = dataSource;
        this.sqlite = sqlite;
        this.checkpointer = sqlite ? new Checkpointer(dataSource, restartFrames, fileSync) : null;
    }

    /** Makes a file's written data durable; the checkpointer's, replaceable so a test can see it happen. */
    @FunctionalInterface
    interface FileSync {
        FileSync FDATASYNC = file -> file.force(false);

        void sync(FileChannel file) throws IOException;
    }

    /**
     * @param url JDBC URL, or empty for the embedded SQLite file {@code tierline.db} in {@code dataDir}
     */
    public static Database open(String url, String user, String password, int poolSize, Path dataDir) {
        return open(url, user, password, poolSize, dataDir, Checkpointer.RESTART_FRAMES, FileSync.FDATASYNC);
    }

    /**
     * @param restartFrames SQLite: the log's length, in pages, past which it is made to start over
     * @param fileSync      SQLite: how the checkpointer makes the database file durable before a catch-up
     */
    static Database open(String url, String user, String password, int poolSize, Path dataDir, int restartFrames,
                         FileSync fileSync) {
        String jdbcUrl = url == null || url.isBlank()
                ? "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve("tierline.db") : url;
        boolean sqlite = jdbcUrl.startsWith("jdbc:sqlite:");
        HikariConfig config = new HikariConfig();
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
            java.util.Properties pragmas = new java.util.Properties();
            // WAL lets readers (the auditor API) run beside the one writer; FULL makes each
            // group commit durable across power loss, which group commit makes affordable.
            pragmas.setProperty("journal_mode", "WAL");
            pragmas.setProperty("synchronous", "FULL");
            pragmas.setProperty("foreign_keys", "true");
            // Checkpoints run on their own thread (see Checkpointer), not inside the journal's commits,
            // where each would stall every event waiting to be durable.
            pragmas.setProperty("wal_autocheckpoint", "0");
            // the log is reused from its start (see Checkpointer); past this size it is also cut back
            pragmas.setProperty("journal_size_limit", String.valueOf(256L << 20));
            config.setDataSource(new SqliteSource(jdbcUrl, pragmas));
        } else {
            config.setJdbcUrl(jdbcUrl);
        }
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            // common migrations, plus the vendor's own (the full-text index differs per database)
            Flyway.configure().dataSource(dataSource)
                    .locations("classpath:db/migration", sqlite ? "classpath:db/migration-sqlite"
                            : "classpath:db/migration-postgresql")
                    .load().migrate();
            return new Database(dataSource, sqlite, restartFrames, fileSync);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * Copies the SQLite write-ahead log back into the database file every quarter second, beside
     * the journal's writer rather than in its commits. PASSIVE neither waits for nor blocks the
     * writer, and it keeps up. But SQLite starts the log over only when a writer begins a
     * transaction with the whole log copied, and under a steady stream of commits the writer has
     * always added frames since: the log grew by a gigabyte in 35 s of the bench, and every commit
     * paid for fresh blocks (the kernel zeroing pages was a fifth of the commit's CPU). A RESTART
     * checkpoint from this thread bounded it but held the writer 9-16 ms each time. So once the
     * log passes {@link #RESTART_FRAMES} (128 MiB), this thread runs {@link #CLOSING_PASSES} more
     * passes back to back, and then the writer itself, between two of its transactions, copies the
     * little that came in since ({@link #catchUp}); its next transaction then writes the log from
     * the start again, over blocks it already has.
     *
     * <p>Before that, this thread syncs the database file itself. SQLite syncs it only at the end
     * of a checkpoint that copied the whole log, which under a steady writer is never this
     * thread's: so the catch-up's sync carried every page this thread had copied since the last
     * log restart. In the bench's strict runs on a 2-core host, a catch-up held the writer
     * 2.5-38.1 ms before this sync and 1.8-2.5 ms after. Syncing more often than SQLite does
     * changes nothing it relies on.
     */
    private static final class Checkpointer {
        /**
         * 4 KiB pages: 128 MiB of log. The catch-up holds the writer, so it should be rare: at 16,
         * 64 and 128 MiB the bench's strict p99 at 5,000 messages/s was 10, 6-9 and 5 ms (when each
         * hold was 10-15 ms, before the closing passes).
         */
        static final int RESTART_FRAMES = 32768;
        /**
         * Passes back to back, so that the catch-up copies only what came in since the last: the
         * hold was 32-56 ms on a slow machine of the bench after one pass, 2-11 ms in most runs
         * (one 45 ms) after two more. Most of what was left was the database file's sync, which
         * this thread now does first.
         */
        static final int CLOSING_PASSES = 2;
        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Checkpointer.class);

        private final DataSource dataSource;
        private final int restartFrames;
        private final FileSync fileSync;
        /**
         * The main database file, or {@code null} when SQLite names none (an in-memory database)
         * or it cannot be opened. Opened once and closed only after every SQLite connection:
         * closing any descriptor of a file drops all the POSIX locks the process holds on it,
         * SQLite's shared lock included. So this thread is never interrupted either, since an
         * interrupt during {@code force} closes the channel. (On Windows the JDK's force on a
         * read-only handle does nothing, and the catch-up's own sync does all, as before.)
         */
        private final FileChannel file;
        private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tierline-checkpoint");
            t.setDaemon(true);
            return t;
        });
        private volatile boolean catchUpDue;

        Checkpointer(DataSource dataSource, int restartFrames, FileSync fileSync) {
            this.dataSource = dataSource;
            this.restartFrames = restartFrames;
            this.fileSync = fileSync;
            this.file = openMainFile(dataSource);
            thread.scheduleWithFixedDelay(this::checkpoint, 250, 250, TimeUnit.MILLISECONDS);
        }

        private void checkpoint() {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                if (checkpoint(s) > restartFrames) {
                    // Passes back to back first, each copying what came in during the one before,
                    // so that the writer's catch-up has as little left to copy as it can.
                    for (int i = 0; i < CLOSING_PASSES; i++) {
                        checkpoint(s);
                    }
                    if (file != null) {
                        fileSync.sync(file);
                        checkpoint(s); // what came in during the sync, so the catch-up copies less
                    }
                    catchUpDue = true;
                }
            } catch (IOException e) {
                // SQLite's own sync at the catch-up tries again; an old kernel may tell only one descriptor of the error
                log.warn("syncing the SQLite database file failed: {}", e.toString());
            } catch (SQLException | RuntimeException e) {
                // the journal notices a broken database itself; here a missed checkpoint only means a longer log
                log.debug("WAL checkpoint skipped: {}", e.getMessage());
            }
        }

        /**
         * On the journal's writer, after a commit, on its own connection: the last copy before the
         * log can start over; whether it tried. A checkpoint cannot run inside a transaction, so a
         * connection out of autocommit (the writer's, which begins the next one at once) is put in
         * it for the copy and back afterwards.
         */
        boolean catchUp(Connection writer) throws SQLException {
            if (!catchUpDue) {
                return false;
            }
            boolean autoCommit = writer.getAutoCommit();
            if (!autoCommit) {
                writer.setAutoCommit(true);
            }
            try (Statement s = writer.createStatement()) {
                checkpoint(s);
                catchUpDue = false;
            } catch (SQLException | RuntimeException e) {
                // busy: this thread's pass is running; the next commit tries again
                log.debug("WAL catch-up skipped: {}", e.getMessage());
            } finally {
                if (!autoCommit) {
                    writer.setAutoCommit(false);
                }
            }
            return true;
        }

        private static FileChannel openMainFile(DataSource dataSource) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 var databases = s.executeQuery("PRAGMA database_list")) {
                while (databases.next()) {
                    String path = databases.getString("file");
                    if ("main".equals(databases.getString("name")) && path != null && !path.isEmpty()) {
                        return FileChannel.open(Path.of(path), StandardOpenOption.READ);
                    }
                }
                return null;
            } catch (SQLException | IOException | RuntimeException e) {
                // only the catch-up's speed depends on it: SQLite syncs the file itself at the catch-up
                log.warn("cannot open the SQLite database file to sync it beside the writer: {}", e.toString());
                return null;
            }
        }

        /** @return the frames in the log when it ran; throws when another checkpoint was running */
        private static int checkpoint(Statement s) throws SQLException {
            try (var result = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                if (!result.next()) {
                    return 0;
                }
                if (result.getInt(1) != 0) {
                    throw new SQLException("another checkpoint is running");
                }
                return result.getInt(2);
            }
        }

        /** Cancels the passes to come and waits for one under way, without interrupting it (see {@link #file}). */
        void stop() {
            thread.shutdown();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Once SQLite's connections are closed, and only when no pass can still be syncing: see {@link #file}. */
        void closeFile() {
            if (file != null && thread.isTerminated()) {
                try {
                    file.close();
                } catch (IOException e) {
                    log.debug("closing the database file's sync handle: {}", e.getMessage());
                }
            }
        }
    }

    /**
     * SQLite connections whose wait for a lock is fine-grained. SQLite's own busy timeout sleeps 1,
     * 2, 5, 10, 15, 20, 25... ms between tries, so a writer held 3 ms by a checkpoint resumed
     * after 8 ms, and one held 9 ms after 18: the strict-mode p99 of the bench was that ladder.
     */
    private static final class SqliteSource extends org.sqlite.SQLiteDataSource {
        private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(5);
        private static final long RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

        SqliteSource(String url, java.util.Properties pragmas) {
            super(new org.sqlite.SQLiteConfig(pragmas));
            setUrl(url);
        }

        @Override
        public org.sqlite.SQLiteConnection getConnection(String user, String password) throws SQLException {
            org.sqlite.SQLiteConnection connection = super.getConnection(user, password);
            org.sqlite.BusyHandler.setHandler(connection, new org.sqlite.BusyHandler() {
                private long since;

                @Override
                protected int callback(int tries) {
                    long now = System.nanoTime();
                    if (tries == 0) {
                        since = now;
                    } else if (now - since > GIVE_UP_NANOS) {
                        return 0; // SQLITE_BUSY, as the 5 s busy timeout gave
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(RETRY_NANOS);
                    return 1;
                }
            });
            return connection;
        }
    }

    /** For the journal's writer to run after each commit ({@link Journal#afterEachCommit}). */
    public Journal.AfterCommit afterJournalCommit() {
        return checkpointer == null ? writer -> false : checkpointer::catchUp;
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
        if (checkpointer != null) {
            checkpointer.closeFile();
        }
    }
}
