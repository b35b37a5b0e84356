package dev.tierline.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A schema of its own in this machine's PostgreSQL (127.0.0.1:5432, database {@code test}, trust
 * auth) for one measurement, dropped after it, so that runs neither see nor leave each other's rows.
 */
final class PgSchema implements AutoCloseable {
    static final String BASE = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String USER = "postgres";

    private final String name;

    private PgSchema(String name) {
        this.name = name;
    }

    /** Fails, with PostgreSQL's reason, when it cannot be reached. */
    static PgSchema create(String prefix) throws SQLException {
        String name = prefix + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(BASE, USER, null); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        }
        return new PgSchema(name);
    }

    String jdbcUrl() {
        return BASE + "?currentSchema=" + name;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(BASE, USER, null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + name + " CASCADE");
        }
    }
}
