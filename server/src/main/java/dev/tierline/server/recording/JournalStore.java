package dev.tierline.server.recording;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The journal's SQL, the same for SQLite and PostgreSQL. Writes take the caller's connection so
 * the writer can put a whole batch in one transaction; reads open their own.
 */
public final class JournalStore {
    private final DataSource dataSource;

    public JournalStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One stored transcript entry: the event's fields as canonical JSON text, and the chain. */
    public record Entry(String session, long seq, long ts, String actor, String audience, String type, String body,
                        String prevHash, String hash) {}

    public record SessionRow(String id, String ticket, String title, String topic, long openedAt, Long endedAt,
                             String outcome, long lastSeq, String headHash, String keyId, String signature) {}

    public record HistoryRow(String ticket, String session, long createdAt, String entry) {}

    public record Head(long seq, String hash) {}

    // ------------------------------------------------------------------ writes (caller's transaction)

    void insertTicket(Connection c, String ticket, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO tickets (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
            ps.setString(1, ticket);
            ps.setLong(2, at);
            ps.executeUpdate();
        }
    }

    void insertSession(Connection c, String id, String ticket, String title, String topic, long openedAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sessions (id, ticket_id, title, topic, opened_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, ticket);
            ps.setString(3, title);
            ps.setString(4, topic);
            ps.setLong(5, openedAt);
            ps.executeUpdate();
        }
    }

    void insertParticipant(Connection c, String session, String participant, String name, String role, String tier)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO session_participants "
                + "(session_id, participant_id, name, role, tier) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (session_id, participant_id) DO NOTHING")) {
            ps.setString(1, session);
            ps.setString(2, participant);
            ps.setString(3, name);
            ps.setString(4, role);
            ps.setString(5, tier);
            ps.executeUpdate();
        }
    }

    /**
     * The INSERT of transcript entries, prepared once for the writer's connection: preparing it per
     * batch was 6.9 % of the writer's CPU in strict mode at 5,000 messages/s, with batches of one or
     * two commands (async-profiler; neither sqlite-jdbc nor Hikari caches statements).
     */
    PreparedStatement prepareInsertEntries(Connection c) throws SQLException {
        return c.prepareStatement("INSERT INTO transcript_entries "
                + "(session_id, seq, ts, actor, audience, type, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /** @param ps from {@link #prepareInsertEntries}, on the connection of the caller's transaction */
    void insertEntries(PreparedStatement ps, List<Entry> entries) throws SQLException {
        for (Entry e : entries) {
            ps.setString(1, e.session());
            ps.setLong(2, e.seq());
            ps.setLong(3, e.ts());
            ps.setString(4, e.actor());
            ps.setString(5, e.audience());
            ps.setString(6, e.type());
            ps.setString(7, e.body());
            ps.setString(8, e.prevHash());
            ps.setString(9, e.hash());
            ps.addBatch();
        }
        ps.executeBatch();
    }

    void sealSession(Connection c, String session, long endedAt, String outcome, long lastSeq, String headHash,
                     String keyId, String signature) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET ended_at = ?, outcome = ?, last_seq = ?, "
                + "head_hash = ?, key_id = ?, signature = ?, sealed_at = ? WHERE id = ?")) {
            ps.setLong(1, endedAt);
            ps.setString(2, outcome);
            ps.setLong(3, lastSeq);
            ps.setString(4, headHash);
            ps.setString(5, keyId);
            ps.setString(6, signature);
            ps.setLong(7, endedAt);
            ps.setString(8, session);
            ps.executeUpdate();
        }
    }

    void insertHistory(Connection c, HistoryRow row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ticket_history (ticket_id, session_id, created_at, entry) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, row.ticket());
            ps.setString(2, row.session());
            ps.setLong(3, row.createdAt());
            ps.setString(4, row.entry());
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ reads

    public List<Entry> entries(String session) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return entries(c, session);
        }
    }

    List<Entry> entries(Connection c, String session) throws SQLException {
        return entries(c, session, 0, Long.MAX_VALUE);
    }

    /** A session's entries with {@code after < seq <= upTo}, in seq order: what a resuming participant missed. */
    public List<Entry> entries(String session, long after, long upTo) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return entries(c, session, after, upTo);
        }
    }

    private static List<Entry> entries(Connection c, String session, long after, long upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT session_id, seq, ts, actor, audience, type, body, "
                + "prev_hash, hash FROM transcript_entries WHERE session_id = ? AND seq > ? AND seq <= ? ORDER BY seq")) {
            ps.setString(1, session);
            ps.setLong(2, after);
            ps.setLong(3, upTo);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                }
            }
            return entries;
        }
    }

    /** The last entry of a session, or {@code null} when it has none. */
    Head head(Connection c, String session) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, hash FROM transcript_entries WHERE session_id = ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, session);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : null;
            }
        }
    }

    public SessionRow session(String id) throws SQLException {
        List<SessionRow> rows = querySessions("SELECT " + SESSION_COLUMNS + " FROM sessions s WHERE s.id = ?", id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Sessions that were never ended: live when the server stopped. */
    public List<String> openSessions() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM sessions WHERE ended_at IS NULL ORDER BY opened_at");
             ResultSet rs = ps.executeQuery()) {
            List<String> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        }
    }

    /** Sessions by ticket, participant and opening time, newest first; any filter may be {@code null}. */
    public List<SessionRow> search(String ticket, String participant, Long from, Long to, int limit, int offset)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + SESSION_COLUMNS + " FROM sessions s WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (ticket != null) {
            sql.append(" AND s.ticket_id = ?");
            args.add(ticket);
        }
        if (participant != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM session_participants p WHERE p.session_id = s.id AND p.participant_id = ?)");
            args.add(participant);
        }
        if (from != null) {
            sql.append(" AND s.opened_at >= ?");
            args.add(from);
        }
        if (to != null) {
            sql.append(" AND s.opened_at < ?");
            args.add(to);
        }
        sql.append(" ORDER BY s.opened_at DESC, s.id LIMIT ? OFFSET ?");
        args.add(limit);
        args.add(offset);
        return querySessions(sql.toString(), args.toArray());
    }

    public List<HistoryRow> history(String ticket) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT ticket_id, session_id, created_at, entry FROM ticket_history "
                     + "WHERE ticket_id = ? ORDER BY created_at, session_id")) {
            ps.setString(1, ticket);
            List<HistoryRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new HistoryRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
                }
            }
            return rows;
        }
    }

    /** Whether {@code participant} was in any session of {@code ticket}. */
    public boolean tookPartIn(String ticket, String participant) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sessions s JOIN session_participants p "
                     + "ON p.session_id = s.id WHERE s.ticket_id = ? AND p.participant_id = ? LIMIT 1")) {
            ps.setString(1, ticket);
            ps.setString(2, participant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static final String SESSION_COLUMNS = "s.id, s.ticket_id, s.title, s.topic, s.opened_at, s.ended_at, "
            + "s.outcome, s.last_seq, s.head_hash, s.key_id, s.signature";

    private List<SessionRow> querySessions(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] == null) {
                    ps.setNull(i + 1, Types.VARCHAR);
                } else {
                    ps.setObject(i + 1, args[i]);
                }
            }
            List<SessionRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long ended = rs.getLong(6);
                    Long endedAt = rs.wasNull() ? null : ended;
                    rows.add(new SessionRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5), endedAt, rs.getString(7), rs.getLong(8), rs.getString(9), rs.getString(10),
                            rs.getString(11)));
                }
            }
            return rows;
        }
    }
}
