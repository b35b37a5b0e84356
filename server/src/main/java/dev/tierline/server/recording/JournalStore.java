package dev.tierline.server.recording;

import dev.tierline.protocol.EventType;
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
 * <p>Entries are appended to {@code transcript_entries} in the order they are written, with no
 * index by session, and indexed by session and seq in {@code transcript_index} once their session
 * is sealed. Until then, where a session's entries are is known only here ({@link LiveRows}), so
 * one store, the journal's, does all the writing; at start-up it learns it again from the table.
 */
public final class JournalStore {
    private static final String COLUMNS = "session_id, seq, ts, actor, audience, type, body, prev_hash, hash";
    private static final String ENTRY_COLUMNS = "e.session_id, e.seq, e.ts, e.actor, e.audience, e.type, e.body, "
            + "e.prev_hash, e.hash";
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

    /** @param firstEntry the id of the session's first entry, where a restart starts looking for its entries */
    void insertSession(Connection c, String id, String ticket, String title, String topic, long openedAt,
                       long firstEntry) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sessions (id, ticket_id, title, topic, opened_at, "
                + "first_entry) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, ticket);
            ps.setString(3, title);
            ps.setString(4, topic);
            ps.setLong(5, openedAt);
            ps.setLong(6, firstEntry);
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
        return c.prepareStatement("INSERT INTO transcript_entries (id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /**
     * Appends entries as rows {@code firstId, firstId + 1, ...}; once their transaction commits,
     * {@link #committed} says where they are.
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

    /**
     * Learns the entries from {@code fromId} on, which the writer did not know were committed: a
     * commit that reported failure but had committed (a connection lost in the commit). Without
     * them the session's head would be one the database has passed, and its next entries would
     * repeat seqs it holds. Answers the sessions those entries ended.
     *
     * <p>All of them are read before any is learnt, so a read that fails leaves nothing half
     * learnt; entries already known (a learning tried again) are passed over.
     */
    List<String> learnCommitted(Connection c, long fromId) throws SQLException {
        record Row(long id, String session, long seq, boolean ends) {}
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, session_id, seq, type FROM transcript_entries WHERE id >= ? ORDER BY id")) {
            ps.setLong(1, fromId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getLong(3),
                            EventType.SESSION_ENDED.wire().equals(rs.getString(4))));
                }
            }
        }
        List<String> ended = new ArrayList<>();
        for (Row row : rows) {
            LiveRows.Slice last = live.last(row.session());
            if (!last.isEmpty() && row.seq() <= last.firstSeq()) {
                continue;
            }
            live.add(row.session(), row.seq(), row.id());
            if (row.ends()) {
                ended.add(row.session());
            }
        }
        return ended;
    }

    /** The id after the highest entry's: the writer numbers entries from there. */
    long nextEntryId(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) + 1 FROM transcript_entries")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Indexes up to {@code max} (at most 333: three parameters each, and SQLite takes 999) of a
     * sealed session's lowest unindexed entries, in the caller's transaction; {@link #indexed} once it commits. Small rows for one session, in seq order:
     * a few pages, however the entries themselves lie.
     *
     * @return how many entries it indexed
     */
    int index(Connection c, String session, int max) throws SQLException {
        LiveRows.Slice slice = live.first(session, max);
        if (slice.isEmpty()) {
            return 0;
        }
        // one statement of many rows: PostgreSQL ran a batch of one-row INSERTs at about 40 us a row
        int n = slice.ids().length;
        // a retry of an index whose commit failed in name only finds its rows there already
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO transcript_index (session_id, seq, entry_id) VALUES "
                + String.join(", ", java.util.Collections.nCopies(n, "(?, ?, ?)"))
                + " ON CONFLICT (session_id, seq) DO NOTHING")) {
            for (int i = 0; i < n; i++) {
                ps.setString(3 * i + 1, session);
                ps.setLong(3 * i + 2, slice.firstSeq() + i);
                ps.setLong(3 * i + 3, slice.ids()[i]);
            }
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET indexed_seq = ? WHERE id = ?")) {
            ps.setLong(1, slice.firstSeq() + slice.ids().length - 1);
            ps.setString(2, session);
            ps.executeUpdate();
        }
        return slice.ids().length;
    }

    /** The {@code count} entries {@link #index} took of the session are committed in the index. */
    void indexed(String session, int count) {
        live.dropFirst(session, count);
    }

    /**
     * The highest seq of {@code session} committed and not yet indexed, or 0: for a live session
     * (never indexed before it is sealed), its head as far as this store knows, in memory.
     */
    public long liveHead(String session) {
        LiveRows.Slice last = live.last(session);
        return last.isEmpty() ? 0 : last.firstSeq();
    }

    /** Entries not in the index yet: those of live sessions, and of sealed ones not indexed yet. */
    public long unindexedEntries() {
        return live.size();
    }

    /**
     * At start-up, before anything is written or read: learns where the unindexed entries of every
     * session are, from where the oldest such session's entries start; answers the sessions that
     * are sealed but not wholly indexed, for the writer to index.
     */
    List<String> recoverUnindexed() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            java.util.Map<String, Long> indexedSeq = new java.util.HashMap<>();
            List<String> sealed = new ArrayList<>();
            long from = Long.MAX_VALUE;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, indexed_seq, first_entry, "
                    + "ended_at IS NOT NULL FROM sessions WHERE first_entry IS NOT NULL "
                    + "AND (ended_at IS NULL OR indexed_seq < last_seq)")) {
                while (rs.next()) {
                    indexedSeq.put(rs.getString(1), rs.getLong(2));
                    from = Math.min(from, rs.getLong(3));
                    if (rs.getBoolean(4)) {
                        sealed.add(rs.getString(1));
                    }
                }
            }
            if (indexedSeq.isEmpty()) {
                return sealed;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, session_id, seq FROM transcript_entries WHERE id >= ? ORDER BY id")) {
                ps.setLong(1, from);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Long indexed = indexedSeq.get(rs.getString(2));
                        if (indexed != null && rs.getLong(3) > indexed) {
                            live.add(rs.getString(2), rs.getLong(3), rs.getLong(1));
                        }
                    }
                }
            }
            return sealed;
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
     * The unindexed entries, then the indexed: entries never move, but leave {@link LiveRows} once
     * indexed, so an entry indexed between the two reads is in the second. Entries read in both
     * are kept once.
     */
    private List<Entry> entries(Connection c, String session, long after, long upTo) throws SQLException {
        List<Entry> live = liveEntries(c, session, this.live.slice(session, after, upTo));
        List<Entry> entries = indexedEntries(c, session, after, upTo);
        long last = entries.isEmpty() ? after : entries.get(entries.size() - 1).seq();
        for (Entry entry : live) {
            if (entry.seq() > last) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static List<Entry> indexedEntries(Connection c, String session, long after, long upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM transcript_index i "
                + "JOIN transcript_entries e ON e.id = i.entry_id "
                + "WHERE i.session_id = ? AND i.seq > ? AND i.seq <= ? ORDER BY i.seq")) {
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
     * The entries of a slice, by id, in seq order. Entries never move, so each id must be found,
     * of this session, at its seq: anything else is a broken invariant, and a head read from it
     * would fork the chain, so it fails.
     */
    private static List<Entry> liveEntries(Connection c, String session, LiveRows.Slice slice) throws SQLException {
        List<Entry> entries = new ArrayList<>(slice.ids().length);
        long[] ids = slice.ids();
        for (int from = 0; from < ids.length; from += READ_CHUNK) {
            int n = Math.min(READ_CHUNK, ids.length - from);
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM transcript_entries WHERE id IN ("
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
        if (entries.size() != ids.length) {
            throw new IllegalStateException("session " + session + ": " + ids.length + " unindexed entries from seq "
                    + slice.firstSeq() + " expected, " + entries.size() + " found");
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
        try (PreparedStatement ps = c.prepareStatement("SELECT i.seq, e.hash FROM transcript_index i "
                + "JOIN transcript_entries e ON e.id = i.entry_id WHERE i.session_id = ? ORDER BY i.seq DESC LIMIT 1")) {
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
