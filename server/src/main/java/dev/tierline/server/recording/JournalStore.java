package dev.tierline.server.recording;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The journal's SQL, the same for SQLite and PostgreSQL. Writes take the caller's connection so
 * the writer can put a whole batch in one transaction; reads open their own.
 *
 * <p>Entries are appended to {@code journal_entries}, which has no index by session, and moved to
 * {@code transcript_entries}, keyed by session and seq, once their session is sealed. Where a
 * session's rows are in the first is known only here ({@link LiveRows}), so one store, the
 * journal's, does all the writing.
 */
public final class JournalStore {
    private static final String COLUMNS = "session_id, seq, ts, actor, audience, type, body, prev_hash, hash";
    /** Ids per read of live rows: well under the bound parameters any SQLite build allows (999). */
    private static final int READ_CHUNK = 500;

    private final DataSource dataSource;
    private final LiveRows live = new LiveRows();

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
     * The INSERT of journal entries, prepared once for the writer's connection: preparing it per
     * batch was 6.9 % of the writer's CPU in strict mode at 5,000 messages/s, with batches of one or
     * two commands (async-profiler; neither sqlite-jdbc nor Hikari caches statements).
     */
    PreparedStatement prepareInsertEntries(Connection c) throws SQLException {
        return c.prepareStatement("INSERT INTO journal_entries (id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /**
     * Appends entries to {@code journal_entries} as rows {@code firstId, firstId + 1, ...}; once
     * their transaction commits, {@link #committed} says where they are.
     *
     * @param ps from {@link #prepareInsertEntries}, on the connection of the caller's transaction
     */
    void insertEntries(PreparedStatement ps, List<Entry> entries, long firstId) throws SQLException {
        long id = firstId;
        for (Entry e : entries) {
            ps.setLong(1, id++);
            ps.setString(2, e.session());
            ps.setLong(3, e.seq());
            ps.setLong(4, e.ts());
            ps.setString(5, e.actor());
            ps.setString(6, e.audience());
            ps.setString(7, e.type());
            ps.setString(8, e.body());
            ps.setString(9, e.prevHash());
            ps.setString(10, e.hash());
            ps.addBatch();
        }
        ps.executeBatch();
    }

    /** The entries {@link #insertEntries inserted} from {@code firstId} are committed. */
    void committed(List<Entry> entries, long firstId) {
        long id = firstId;
        for (Entry e : entries) {
            live.add(e.session(), e.seq(), id++);
        }
    }

    /** The id after the highest in {@code journal_entries}: the writer numbers rows from there. */
    long nextEntryId(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) + 1 FROM journal_entries")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Moves up to {@code max} of a sealed session's lowest rows from {@code journal_entries} to
     * {@code transcript_entries}, in the caller's transaction; {@link #moved} once it commits.
     *
     * @return how many rows it moved
     */
    int move(Connection c, String session, int max) throws SQLException {
        LiveRows.Slice slice = live.first(session, max);
        if (slice.isEmpty()) {
            return 0;
        }
        String in = placeholders(slice.ids().length);
        try (PreparedStatement copy = c.prepareStatement("INSERT INTO transcript_entries (" + COLUMNS + ") SELECT "
                + COLUMNS + " FROM journal_entries WHERE id IN (" + in + ") ORDER BY id");
             PreparedStatement delete = c.prepareStatement("DELETE FROM journal_entries WHERE id IN (" + in + ")")) {
            for (int i = 0; i < slice.ids().length; i++) {
                copy.setLong(i + 1, slice.ids()[i]);
                delete.setLong(i + 1, slice.ids()[i]);
            }
            int copied = copy.executeUpdate();
            int deleted = delete.executeUpdate();
            if (copied != slice.ids().length || deleted != copied) {
                // not the database's trouble but a broken assumption: one writer, which alone moves rows
                throw new IllegalStateException("moving " + slice.ids().length + " entries of session " + session
                        + " copied " + copied + " and deleted " + deleted);
            }
        }
        return slice.ids().length;
    }

    /** The {@code count} rows {@link #move} took of the session are committed where they moved. */
    void moved(String session, int count) {
        live.dropFirst(session, count);
    }

    /** Rows in {@code journal_entries} that this store knows of: entries of live sessions, or sealed ones not moved yet. */
    public long liveEntries() {
        return live.size();
    }

    /**
     * Moves every row of {@code journal_entries} to {@code transcript_entries}: at start-up, where
     * the rows left are of sessions that were live when the server stopped (or sealed and not yet
     * moved) and no one knows their ids. In one transaction, sorted, so each index page is written once.
     *
     * @return how many rows it moved
     */
    public int moveAll() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                int moved = s.executeUpdate("INSERT INTO transcript_entries (" + COLUMNS + ") SELECT " + COLUMNS
                        + " FROM journal_entries ORDER BY session_id, seq");
                s.executeUpdate("DELETE FROM journal_entries");
                c.commit();
                return moved;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
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

    /**
     * The live rows first, then the sealed ones: a move that commits between the two reads puts
     * rows in the second that have left the first, never the other way round, and moves a
     * session's lowest seqs first, so the sealed rows read are a prefix and nothing is missed.
     * Rows read in both places are kept once.
     */
    private List<Entry> entries(Connection c, String session, long after, long upTo) throws SQLException {
        List<Entry> live = liveEntries(c, session, this.live.slice(session, after, upTo));
        List<Entry> entries = sealedEntries(c, session, after, upTo);
        long last = entries.isEmpty() ? after : entries.get(entries.size() - 1).seq();
        for (Entry entry : live) {
            if (entry.seq() > last) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static List<Entry> sealedEntries(Connection c, String session, long after, long upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM transcript_entries "
                + "WHERE session_id = ? AND seq > ? AND seq <= ? ORDER BY seq")) {
            ps.setString(1, session);
            ps.setLong(2, after);
            ps.setLong(3, upTo);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(entry(rs));
                }
            }
            return entries;
        }
    }

    /**
     * The rows of a slice, by id, in seq order. The session and seq are checked too: after a move,
     * a new row may have taken a moved row's id, and a reader may still hold the old one.
     */
    private static List<Entry> liveEntries(Connection c, String session, LiveRows.Slice slice) throws SQLException {
        List<Entry> entries = new ArrayList<>(slice.ids().length);
        long[] ids = slice.ids();
        for (int from = 0; from < ids.length; from += READ_CHUNK) {
            int n = Math.min(READ_CHUNK, ids.length - from);
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM journal_entries WHERE id IN ("
                    + placeholders(n) + ") AND session_id = ? AND seq >= ? AND seq <= ?")) {
                for (int i = 0; i < n; i++) {
                    ps.setLong(i + 1, ids[from + i]);
                }
                ps.setString(n + 1, session);
                ps.setLong(n + 2, slice.firstSeq() + from);
                ps.setLong(n + 3, slice.firstSeq() + from + n - 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(entry(rs));
                    }
                }
            }
        }
        entries.sort(java.util.Comparator.comparingLong(Entry::seq));
        return entries;
    }

    /** The last entry of a session, or {@code null} when it has none. */
    Head head(Connection c, String session) throws SQLException {
        List<Entry> lastLive = liveEntries(c, session, live.last(session));
        if (!lastLive.isEmpty()) {
            Entry entry = lastLive.get(lastLive.size() - 1);
            return new Head(entry.seq(), entry.hash());
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, hash FROM transcript_entries WHERE session_id = ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, session);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : null;
            }
        }
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
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
