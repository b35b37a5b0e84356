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
}
