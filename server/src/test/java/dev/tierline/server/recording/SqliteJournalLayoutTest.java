package dev.tierline.server.recording;

import java.nio.file.Path;

/** The journal's layout on the embedded default, SQLite in the data directory. */
class SqliteJournalLayoutTest extends JournalLayoutContract {
    @Override
    Database open(Path dir) throws Exception {
        return Database.open("", null, null, 2, dir);
    }

    @Override
    String[] emptyDatabase(Path dir) {
        return new String[] {"jdbc:sqlite:" + dir.toAbsolutePath().resolve("v4.db"), null};
    }
}
