package dev.tierline.server.recording;

import dev.tierline.server.PostgresSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The journal's layout on PostgreSQL (the {@code postgres} Maven profile, 127.0.0.1:5432, database
 * {@code test}): each test gets a schema of its own, dropped after the class.
 */
class PostgresJournalLayoutIT extends JournalLayoutContract {
    private static final List<String> SCHEMAS = new ArrayList<>();

    @Override
    Database open(Path dir) throws Exception {
        String schema = PostgresSchema.create("tierline_layout_");
        SCHEMAS.add(schema);
        return Database.open(PostgresSchema.url(schema), PostgresSchema.user(), null, 2, dir);
    }

    @Override
    String[] emptyDatabase(Path dir) {
        String schema = PostgresSchema.create("tierline_layout_");
        SCHEMAS.add(schema);
        return new String[] {PostgresSchema.url(schema), PostgresSchema.user()};
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        for (String schema : SCHEMAS) {
            PostgresSchema.drop(schema);
        }
    }
}
