package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @Test
    void theEmbeddedDatabaseIsASqliteFileInWalModeWithTheSchema(@TempDir Path dir) throws Exception {
        try (Database db = Database.open("", null, null, 2, dir);
             Connection c = db.dataSource().getConnection();
             ResultSet wal = c.createStatement().executeQuery("PRAGMA journal_mode");
             ResultSet tables = c.getMetaData().getTables(null, null, "transcript_entries", null)) {
            assertThat(db.isSqlite()).isTrue();
            assertThat(dir.resolve("tierline.db")).exists();
            assertThat(wal.next()).isTrue();
            assertThat(wal.getString(1)).isEqualToIgnoringCase("wal");
            assertThat(tables.next()).as("migrations created the transcript table").isTrue();
        }
    }

    /**
     * The writer's commits never checkpoint (that would stall every event waiting to be durable):
     * the checkpointer thread copies the log into the database file while the database is open.
     */
    @Test
    void theWriteAheadLogIsCheckpointedBesideTheWriterNotByIt(@TempDir Path dir) throws Exception {
        try (Database db = Database.open("", null, null, 2, dir);
             Connection c = db.dataSource().getConnection()) {
            try (ResultSet auto = c.createStatement().executeQuery("PRAGMA wal_autocheckpoint")) {
                assertThat(auto.next()).isTrue();
                assertThat(auto.getInt(1)).isZero();
            }
            long before = Files.size(dir.resolve("tierline.db"));
            c.setAutoCommit(false);
            try (PreparedStatement ticket = c.prepareStatement("INSERT INTO tickets (id, created_at) VALUES (?, 0)")) {
                for (int i = 0; i < 20_000; i++) {
                    ticket.setString(1, "T-" + i + "-" + "x".repeat(100));
                    ticket.addBatch();
                }
                ticket.executeBatch();
            }
            c.commit();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(Files.size(dir.resolve("tierline.db"))).isGreaterThan(before + (1 << 20)));
        }
    }

    /**
     * A steady stream of commits: with checkpoints beside the writer alone, the log never started
     * over and grew without end (a gigabyte in the bench).
     */
    @Test
    void theWriteAheadLogStaysBoundedUnderSteadyWrites(@TempDir Path dir) throws Exception {
        Path wal = dir.resolve("tierline.db-wal");
        long written = 0;
        long largest = 0;
        int catchUps = 0;
        byte[] blob = new byte[256 * 1024];
        try (Database db = Database.open("", null, null, 2, dir, 4096); // 16 MiB, not the default's 128
             Connection c = db.dataSource().getConnection()) {
            c.createStatement().execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, body BLOB)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO scratch (body) VALUES (?)")) {
                for (int i = 0; i < 1600; i++) { // 400 MiB through the log, one commit each
                    new java.util.Random(i).nextBytes(blob);
                    insert.setBytes(1, blob);
                    insert.executeUpdate();
                    if (db.afterJournalCommit().run(c)) { // what the journal's writer does after each commit
                        catchUps++;
                    }
                    written += blob.length;
                    if (i % 100 == 99) {
                        c.createStatement().execute("DELETE FROM scratch"); // the database file stays small too
                    }
                    largest = Math.max(largest, Files.size(wal));
                }
            }
        }
        assertThat(written).isGreaterThanOrEqualTo(400L << 20);
        assertThat(largest).as("largest write-ahead log seen, in bytes").isLessThan(96L << 20);
        assertThat(catchUps).as("catch-ups the writer reported having run").isPositive();
    }
}
