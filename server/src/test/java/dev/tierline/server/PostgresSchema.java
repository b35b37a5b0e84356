package dev.tierline.server;

import dev.tierline.server.config.Setting;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A schema of its own in the local PostgreSQL (127.0.0.1:5432, database {@code test}) for one test
 * class of the {@code postgres} profile, and a server whose journal lives in it.
 */
public final class PostgresSchema {
    private static final String BASE = System.getProperty("tierline.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("tierline.postgres.user", "postgres");

    private PostgresSchema() {
    }

    /** Creates {@code prefix} plus a unique suffix, and returns its name. */
    public static String create(String prefix) {
        String schema = prefix + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(BASE, USER, null); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            return schema;
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + BASE + " is needed for this profile", e);
        }
    }

    /** A server (not yet started) journaling into {@code schema}. */
    public static ServerExtension server(String schema) {
        return new ServerExtension()
                .with(Setting.JOURNAL_URL, url(schema))
                .with(Setting.JOURNAL_USER, USER);
    }

    /** The JDBC URL of {@code schema}. */
    public static String url(String schema) {
        return BASE + "?currentSchema=" + schema;
    }

    public static String user() {
        return USER;
    }

    public static void drop(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(BASE, USER, null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
