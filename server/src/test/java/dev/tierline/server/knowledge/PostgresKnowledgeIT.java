package dev.tierline.server.knowledge;

import dev.tierline.server.ServerExtension;
import dev.tierline.server.config.Setting;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same knowledge contract on PostgreSQL full-text search (run by the {@code postgres} Maven profile against
 * 127.0.0.1:5432, database {@code test}). Each run migrates a schema of its own and drops it.
 */
class PostgresKnowledgeIT extends KnowledgeContract {
    private static final String BASE = System.getProperty("tierline.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("tierline.postgres.user", "postgres");
    private static final String SCHEMA = "tierline_kb_it_" + Long.toHexString(System.nanoTime());

    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.JOURNAL_URL, BASE + "?currentSchema=" + createSchema())
            .with(Setting.JOURNAL_USER, USER);

    private static String createSchema() {
        try (Connection c = DriverManager.getConnection(BASE, USER, null); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + SCHEMA);
            return SCHEMA;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + BASE + " is needed for this profile", e);
        }
    }

    @AfterAll
    static void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(BASE, USER, null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
        }
    }

    @Override
    ServerExtension server() {
        return server;
    }
}
