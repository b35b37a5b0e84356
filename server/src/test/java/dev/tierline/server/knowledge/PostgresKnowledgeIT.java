package dev.tierline.server.knowledge;

import dev.tierline.server.PostgresSchema;
import dev.tierline.server.ServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same knowledge contract on PostgreSQL full-text search (run by the {@code postgres} Maven
 * profile against 127.0.0.1:5432, database {@code test}). Each run migrates a schema of its own and drops it.
 */
class PostgresKnowledgeIT extends KnowledgeContract {
    private static final String SCHEMA = PostgresSchema.create("tierline_kb_it_");

    @RegisterExtension
    static final ServerExtension server = PostgresSchema.server(SCHEMA);

    @AfterAll
    static void dropSchema() throws Exception {
        PostgresSchema.drop(SCHEMA);
    }

    @Override
    ServerExtension server() {
        return server;
    }
}
