package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
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
}
