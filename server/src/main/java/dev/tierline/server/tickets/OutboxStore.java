package dev.tierline.server.tickets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** The outbox table: deliveries written with the events they report, and how sending them went. */
public final class OutboxStore {
    private static final String COLUMNS = "id, sink, kind, ticket_id, session_id, payload, created_at, attempts, "
            + "next_attempt_at, delivered_at, external_ref, last_error";
    /** A delivery that has failed this often is reported as stuck (it is still retried). */
    public static final int STUCK_AFTER_ATTEMPTS = 3;

    private final DataSource dataSource;

    public OutboxStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void insert(Connection c, Delivery d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, NULL, NULL, NULL)")) {
            ps.setString(1, d.id());
            ps.setString(2, d.sink());
            ps.setString(3, d.kind());
            ps.setString(4, d.ticket());
            ps.setString(5, d.session());
            ps.setString(6, d.payload());
            ps.setLong(7, d.createdAt());
            ps.setLong(8, d.nextAttemptAt());
            ps.executeUpdate();
        }
    }

    /** The ticket a session belongs to, read inside the transaction that is writing it. */
    String ticketOf(Connection c, String session) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ticket_id FROM sessions WHERE id = ?")) {
            ps.setString(1, session);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Undelivered deliveries, oldest first. */
    public List<Delivery> undelivered(int limit) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM outbox WHERE delivered_at IS NULL ORDER BY created_at, id LIMIT ?", limit);
    }

    public List<Delivery> list(String state, int limit) throws SQLException {
        String where = switch (state) {
            case "pending" -> "delivered_at IS NULL";
            case "stuck" -> "delivered_at IS NULL AND attempts >= " + STUCK_AFTER_ATTEMPTS;
            case "delivered" -> "delivered_at IS NOT NULL";
            default -> throw new IllegalArgumentException("state must be pending, stuck or delivered");
        };
        return query("SELECT " + COLUMNS + " FROM outbox WHERE " + where + " ORDER BY created_at DESC, id LIMIT ?", limit);
    }

    void markDelivered(String id, long at, String externalRef) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE outbox SET delivered_at = ?, external_ref = ?, attempts = attempts + 1 WHERE id = ?")) {
            ps.setLong(1, at);
            ps.setString(2, externalRef);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    void markFailed(String id, long nextAttemptAt, String error) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?")) {
            ps.setLong(1, nextAttemptAt);
            ps.setString(2, error.length() > 1000 ? error.substring(0, 1000) : error);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    /** Undelivered and stuck counts per sink: {@code {sink: [pending, stuck]}}. */
    public Map<String, long[]> counts() throws SQLException {
        Map<String, long[]> counts = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT sink, COUNT(*), SUM(CASE WHEN attempts >= "
                     + STUCK_AFTER_ATTEMPTS + " THEN 1 ELSE 0 END) FROM outbox WHERE delivered_at IS NULL GROUP BY sink");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return counts;
    }

    private List<Delivery> query(String sql, int limit) throws SQLException {
        List<Delivery> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long delivered = rs.getLong(10);
                    rows.add(new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getLong(7), rs.getInt(8), rs.getLong(9),
                            rs.wasNull() ? null : delivered, rs.getString(11), rs.getString(12)));
                }
            }
        }
        return rows;
    }
}
