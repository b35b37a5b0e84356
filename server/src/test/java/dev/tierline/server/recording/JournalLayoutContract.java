package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Audience;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Participant;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the journal keeps entries: appended to {@code transcript_entries} with no index by
 * session, indexed by session in {@code transcript_index} once their session is sealed, and read
 * whole before, during and after. Each backend's test class supplies the database.
 */
abstract class JournalLayoutContract {
    private static final Actor ANN = new Actor("t-ann", "Ann", Role.TECHNICIAN, Tier.L1);
    private static final Actor UMA = new Actor("u-uma", "Uma", Role.END_USER, null);

    @TempDir
    Path dir;

    /** A freshly migrated database, closed by the test. */
    abstract Database open(Path dir) throws Exception;

    /** The JDBC URL and user of a new, empty database, for a test that migrates it itself. */
    abstract String[] emptyDatabase(Path dir) throws Exception;

    /**
     * A database of the schema before the transcript index (V4), with a sealed session and one
     * left live by a crash, migrated: both read whole, the sealed one verifies, the live one goes
     * on and is sealed.
     */
    @Test
    void transcriptsWrittenBeforeTheIndexAreMigratedAndReadWhole() throws Exception {
        String[] db = emptyDatabase(dir);
        boolean sqlite = db[0].startsWith("jdbc:sqlite:");
        org.flywaydb.core.Flyway.configure().dataSource(db[0], db[1], null).target("4")
                .locations("classpath:db/migration", sqlite ? "classpath:db/migration-sqlite"
                        : "classpath:db/migration-postgresql")
                .load().migrate();
        TranscriptSigner signer = TranscriptSigner.open(dir);
        com.fasterxml.jackson.databind.ObjectMapper mapper = ProtocolCodec.create().mapper();
        Session sealed = new Session("s-v4-sealed");
        Session live = new Session("s-v4-live");
        try (Connection c = java.sql.DriverManager.getConnection(db[0], db[1], null)) {
            for (Session s : List.of(sealed, live)) {
                List<Event> events = new ArrayList<>(s.opening());
                for (int i = 0; i < 5; i++) {
                    events.add(s.event(EventType.CHAT_MESSAGE, UMA, new EventBody.ChatMessage("before " + i)));
                }
                if (s == sealed) {
                    events.addAll(s.end());
                }
                insertV4(c, s, events, signer, mapper);
            }
        }
        try (Database migrated = Database.open(db[0], db[1], null, 2, dir); Journal journal = journal(migrated)) {
            assertThat(journal.store().unindexedEntries()).isZero();
            assertThat(rows(migrated, "transcript_index", "s-v4-sealed")).isEqualTo(8);
            if (!sqlite) {
                // named as a schema created fresh would name them, not after the table renamed
                assertThat(constraints(migrated, "transcript_entries"))
                        .containsExactlyInAnyOrder("transcript_entries_pkey", "transcript_entries_session_id_fkey");
            }
            assertWhole(journal, "s-v4-sealed", 8, true);
            assertWhole(journal, "s-v4-live", 7, false);
            live.write(journal, 2);
            journal.append(live.end()).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> indexedSeq(migrated, "s-v4-live") == 10);
            assertWhole(journal, "s-v4-live", 10, true);
        }
    }

    /** Rows as the journal of V4 wrote them: the session, its transcript chained, its seal when it ended. */
    private static void insertV4(Connection c, Session s, List<Event> events, TranscriptSigner signer,
                                 com.fasterxml.jackson.databind.ObjectMapper mapper) throws Exception {
        try (PreparedStatement ticket = c.prepareStatement("INSERT INTO tickets (id, created_at) VALUES (?, 0)");
             PreparedStatement session = c.prepareStatement(
                     "INSERT INTO sessions (id, ticket_id, title, opened_at) VALUES (?, ?, 'VPN drops', 0)")) {
            ticket.setString(1, "T-" + s.id);
            ticket.executeUpdate();
            session.setString(1, s.id);
            session.setString(2, "T-" + s.id);
            session.executeUpdate();
        }
        String prev = TranscriptChain.GENESIS;
        try (PreparedStatement entry = c.prepareStatement("INSERT INTO transcript_entries (session_id, seq, ts, actor, "
                + "audience, type, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Event event : events) {
                JournalStore.Entry e = EntryCodec.toEntry(event, prev, mapper);
                entry.setString(1, e.session());
                entry.setLong(2, e.seq());
                entry.setLong(3, e.ts());
                entry.setString(4, e.actor());
                entry.setString(5, e.audience());
                entry.setString(6, e.type());
                entry.setString(7, e.body());
                entry.setString(8, e.prevHash());
                entry.setString(9, e.hash());
                entry.executeUpdate();
                prev = e.hash();
            }
        }
        if (events.get(events.size() - 1).type() == EventType.SESSION_ENDED) {
            TranscriptSigner.Signature signature = signer.sign(TranscriptChain.sealMessage(s.id, s.seq, prev));
            try (PreparedStatement seal = c.prepareStatement("UPDATE sessions SET ended_at = 1, outcome = 'resolved', "
                    + "last_seq = ?, head_hash = ?, key_id = ?, signature = ?, sealed_at = 1 WHERE id = ?")) {
                seal.setLong(1, s.seq);
                seal.setString(2, prev);
                seal.setString(3, signature.keyId());
                seal.setString(4, signature.value());
                seal.setString(5, s.id);
                seal.executeUpdate();
            }
        }
    }

    @Test
    void aLiveSessionIsReadWholeAndInRangesBeforeItIsIndexed() throws Exception {
        try (Database db = open(dir); Journal journal = journal(db)) {
            Session other = new Session("s-other");
            other.write(journal, 30);
            Session s = new Session("s-live");
            s.write(journal, 600);
            assertThat(rows(db, "transcript_entries", "s-live")).isEqualTo(602);
            assertThat(rows(db, "transcript_index", "s-live")).isZero();
            assertWhole(journal, "s-live", 602, false);
            assertThat(journal.store().entries("s-live", 250, 260)).extracting(JournalStore.Entry::seq)
                    .containsExactlyElementsOf(seqs(251, 261));
            assertThat(journal.read("s-live", 590, 600).get()).extracting(JournalStore.Entry::seq)
                    .containsExactlyElementsOf(seqs(591, 601));
            assertThat(journal.store().entries("s-live", 602, Long.MAX_VALUE)).isEmpty();
        }
    }

    /**
     * Reads of a session while it is being indexed: each index transaction's commit waits until
     * two reads have finished since it was reached, so at least one read runs wholly between two
     * of them, with the session partly in the index and partly not.
     */
    @Test
    void aSealedSessionIsIndexedAndStaysWholeWhileItIs() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger partlyIndexedReads = new AtomicInteger();
        AtomicBoolean readerStopped = new AtomicBoolean();
        try (Database db = open(dir);
             Journal journal = journal(intercepting(db.dataSource(), (method, args, commitsIndex) -> {
                 if (commitsIndex) { // held until two more reads finished
                     int reached = reads.get();
                     await().atMost(Duration.ofSeconds(30)).until(() -> reads.get() >= reached + 2 || readerStopped.get());
                 }
             }), dir)) {
            Session other = new Session("s-other");
            other.write(journal, 40);
            Session s = new Session("s-sealed");
            s.write(journal, 900); // several transactions of INDEX_CHUNK entries
            AtomicBoolean indexing = new AtomicBoolean(true);
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                try {
                    while (indexing.get() || reads.get() == 0) {
                        long indexedBefore = indexedSeq(db, "s-sealed");
                        List<JournalStore.Entry> entries = journal.store().entries("s-sealed");
                        assertThat(entries.size()).as("read %d", reads.get()).isBetween(902, 903);
                        assertThat(entries).extracting(JournalStore.Entry::seq).as("read %d", reads.get())
                                .containsExactlyElementsOf(seqs(1, entries.size() + 1));
                        long indexedAfter = indexedSeq(db, "s-sealed");
                        if (indexedBefore == indexedAfter && indexedAfter > 0 && indexedAfter < 903) {
                            partlyIndexedReads.incrementAndGet();
                        }
                        reads.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    readerStopped.set(true); // a failed read must not hold the index for long
                }
            });
            journal.append(s.end()).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> journal.store().unindexedEntries() == 42);
            indexing.set(false);
            reader.get();
            assertThat(partlyIndexedReads.get()).as("reads between index transactions").isGreaterThanOrEqualTo(3);
            assertThat(rows(db, "transcript_index", "s-sealed")).isEqualTo(903);
            assertThat(rows(db, "transcript_index", "s-other")).isZero();
            assertThat(indexedSeq(db, "s-sealed")).isEqualTo(903);
            assertWhole(journal, "s-sealed", 903, true);
            assertWhole(journal, "s-other", 42, false);
        }
    }

    @Test
    void unindexedEntriesAreFoundAgainAtTheNextStartAndTheSessionGoesOn() throws Exception {
        Session s = new Session("s-restart");
        Session sealedBefore = new Session("s-sealed-before");
        try (Database db = open(dir)) {
            try (Journal before = journal(db)) {
                new Session("s-open").write(before, 5);
                s.write(before, 300);
                sealedBefore.write(before, 10);
                before.append(sealedBefore.end()).get();
                await().atMost(Duration.ofSeconds(30)).until(() -> indexedSeq(db, "s-sealed-before") == 13);
            }
            // as if the writer had stopped in the middle of indexing the sealed session
            execute(db, "DELETE FROM transcript_index WHERE session_id = 's-sealed-before' AND seq > 4");
            execute(db, "UPDATE sessions SET indexed_seq = 4 WHERE id = 's-sealed-before'");
            assertThat(rows(db, "transcript_index", "s-restart")).isZero();
            try (Journal after = journal(db)) {
                assertWhole(after, "s-restart", 302, false);
                s.write(after, 20); // chained after the head found again
                assertWhole(after, "s-restart", 322, false);
                after.append(s.end()).get();
                await().atMost(Duration.ofSeconds(30)).until(() -> after.store().unindexedEntries() == 7);
                assertThat(rows(db, "transcript_index", "s-restart")).isEqualTo(323);
                assertThat(rows(db, "transcript_index", "s-sealed-before")).isEqualTo(13);
                assertWhole(after, "s-restart", 323, true);
                assertWhole(after, "s-sealed-before", 13, true);
                assertThat(after.store().history("T-s-restart")).hasSize(1);
            }
        }
    }

    @Test
    void aSessionPartlyIndexedIsReadWholeFromBothPlaces() throws Exception {
        try (Database db = open(dir); Journal journal = journal(db)) {
            Session s = new Session("s-part");
            s.write(journal, 700);
            // the first 256 indexed as the writer would, beside it (the store is the writer's)
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                assertThat(journal.store().index(c, "s-part", 256)).isEqualTo(256);
                c.commit();
            }
            journal.store().indexed("s-part", 256);
            assertThat(rows(db, "transcript_index", "s-part")).isEqualTo(256);
            assertThat(journal.store().unindexedEntries()).isEqualTo(702 - 256);
            assertWhole(journal, "s-part", 702, false);
            assertThat(journal.store().entries("s-part", 200, 400)).extracting(JournalStore.Entry::seq)
                    .containsExactlyElementsOf(seqs(201, 401));
            s.write(journal, 3); // chained after the head, which is unindexed
            journal.append(s.end()).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> indexedSeq(db, "s-part") == 706);
            assertWhole(journal, "s-part", 706, true);
        }
    }

    private void assertWhole(Journal journal, String session, long entries, boolean sealed) throws Exception {
        TranscriptVerifier.Result result = TranscriptVerifier.verify(TranscriptFormats.jsonLines(
                journal.store().entries(session), journal.store().session(session)), journal.signer().publicKeys());
        if (sealed) {
            assertThat(result.problems()).isEmpty();
        } else {
            assertThat(result.problems()).singleElement().asString().startsWith("no seal");
        }
        assertThat(result.entries()).isEqualTo(entries);
        assertThat(result.sealed()).isEqualTo(sealed);
    }

    private static List<Long> seqs(long from, long toExclusive) {
        List<Long> seqs = new ArrayList<>();
        for (long seq = from; seq < toExclusive; seq++) {
            seqs.add(seq);
        }
        return seqs;
    }

    private static long rows(Database db, String table, String session) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE session_id = ?")) {
            ps.setString(1, session);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * A commit that fails after it committed (a connection lost in the commit) leaves entries the
     * writer does not know of: once recovered, it learns them, so the session's head is the
     * database's, no seq is stored twice, and the sealed session is indexed whole.
     */
    @Test
    void entriesOfACommitThatFailedInNameOnlyAreLearnedAndNotWrittenTwice() throws Exception {
        commitFailedInNameOnly("s-ambiguous", 0);
    }

    /**
     * The learning itself can fail (the connection drops again while reading what committed): the
     * journal stays impaired and learns again on its next try, so the session's next entry is not
     * given a seq already stored.
     */
    @Test
    void aLearningThatFailsIsTriedAgainOnTheNextConnection() throws Exception {
        commitFailedInNameOnly("s-relearn", 1);
    }

    /** Seq 8 of {@code id} commits but is answered as failed; the learning of it then fails {@code learningFails} times. */
    private void commitFailedInNameOnly(String id, int learningFails) throws Exception {
        AtomicBoolean failAfterCommit = new AtomicBoolean();
        AtomicInteger learningFailures = new AtomicInteger();
        try (Database db = open(dir);
             Journal journal = journal(InterceptedDataSource.aroundCalls(db.dataSource(), () -> { }, () -> (method, args, call) -> {
                 if (method.startsWith("prepare") && args[0] instanceof String sql
                         && sql.startsWith("SELECT id, session_id, seq, type FROM transcript_entries")
                         && learningFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                     throw new java.sql.SQLException("connection lost again, reading what committed (test)");
                 }
                 Object result = call.proceed();
                 if (method.equals("commit") && failAfterCommit.getAndSet(false)) {
                     throw new java.sql.SQLException("connection lost in the commit (test)");
                 }
                 return result;
             }), dir)) {
            Session s = new Session(id);
            s.write(journal, 5);
            learningFailures.set(learningFails);
            failAfterCommit.set(true);
            assertThat(journal.append(List.of(s.event(EventType.CHAT_MESSAGE, UMA, new EventBody.ChatMessage("in doubt")))))
                    .failsWithin(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).until(journal::isHealthy);
            assertThat(learningFailures.get()).as("recovery waited for a learning that worked").isZero();
            assertThat(journal.store().entries(id, 7, Long.MAX_VALUE)).as("learnt before the recovery was told")
                    .extracting(JournalStore.Entry::seq).containsExactly(8L);
            s.seq -= 1; // as the session would, did it not read back what it missed: its state is what was acknowledged
            assertThat(journal.append(List.of(s.event(EventType.CHAT_MESSAGE, UMA, new EventBody.ChatMessage("again")))))
                    .as("seq 8 is taken").failsWithin(Duration.ofSeconds(30));
            assertThat(rows(db, "transcript_entries", id)).isEqualTo(8);
            s.seq = 8;
            journal.append(s.end()).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> indexedSeq(db, id) == 9);
            assertWhole(journal, id, 9, true);
            assertThat(journal.store().entries(id).get(7).body()).contains("in doubt");
        }
    }

    /** An index transaction that fails does not impair recording; the writer indexes again later. */
    @Test
    void aFailedIndexTransactionIsRetriedWithoutImpairingRecording() throws Exception {
        AtomicInteger indexFailures = new AtomicInteger(2);
        try (Database db = open(dir); Journal journal = journal(intercepting(db.dataSource(), (method, args, commitsIndex) -> {
                 if (commitsIndex && indexFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                     throw new java.sql.SQLException("disk I/O error in an index transaction (test)");
                 }
             }), dir)) {
            java.util.concurrent.atomic.AtomicReference<String> impaired = new java.util.concurrent.atomic.AtomicReference<>();
            journal.addListener(new Journal.Listener() {
                @Override
                public void impaired(String reason) {
                    impaired.set(reason);
                }
            });
            Session s = new Session("s-index-fails");
            s.write(journal, 20);
            journal.append(s.end()).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> indexFailures.get() == 0);
            new Session("s-meanwhile").write(journal, 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> indexedSeq(db, "s-index-fails") == 23);
            assertThat(impaired.get()).isNull();
            assertWhole(journal, "s-index-fails", 23, true);
        }
    }

    /** A step run before each call on a connection; {@code commitsIndex}: a commit of a transaction that wrote to the index. */
    private interface ConnectionStep {
        void before(String method, Object[] args, boolean commitsIndex) throws Exception;
    }

    /** {@code real}, with {@code step} run before each call on its connections. */
    private static javax.sql.DataSource intercepting(javax.sql.DataSource real, ConnectionStep step) {
        return InterceptedDataSource.aroundCalls(real, () -> { }, () -> {
            // per connection: readers share the data source, and their connections never index
            AtomicBoolean indexing = new AtomicBoolean();
            return (method, args, call) -> {
                if (method.startsWith("prepare") && args.length > 0 && args[0] instanceof String q
                        && q.startsWith("INSERT INTO transcript_index")) {
                    indexing.set(true);
                }
                step.before(method, args, method.equals("commit") && indexing.getAndSet(false));
                return call.proceed();
            };
        });
    }

    private static void execute(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** PostgreSQL: the names of a table's constraints. */
    private static List<String> constraints(Database db, String table) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT conname FROM pg_constraint WHERE conrelid = CAST(? AS regclass)")) {
            ps.setString(1, table);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }

    private static long indexedSeq(Database db, String session) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT indexed_seq FROM sessions WHERE id = ?")) {
            ps.setString(1, session);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private Journal journal(Database db) throws Exception {
        return journal(db.dataSource(), dir);
    }

    private static Journal journal(javax.sql.DataSource dataSource, Path dir) throws Exception {
        return new Journal(dataSource, TranscriptSigner.open(dir), ProtocolCodec.create().mapper(), 1000,
                Duration.ZERO, 1000);
    }

    /** A session's events in seq order: opened and joined, then chat, then its end. */
    private static final class Session {
        final String id;
        final Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long seq;

        Session(String id) {
            this.id = id;
        }

        Event event(EventType type, Actor actor, EventBody body) {
            return new Event(type, id, ++seq, at.plusMillis(seq), actor, Audience.ALL, body);
        }

        List<Event> opening() {
            return List.of(
                    event(EventType.SESSION_OPENED, ANN,
                            new EventBody.SessionOpened("T-" + id, "VPN drops", "vpn", null, "active", "each-time")),
                    event(EventType.PARTICIPANT_JOINED, ANN, joined(ANN)));
        }

        /** Opens the session if it is new, then appends {@code chats} messages in commands of one to seven. */
        void write(Journal journal, int chats) throws Exception {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            if (seq == 0) {
                done.add(journal.append(opening()));
            }
            for (int sent = 0, size = 1; sent < chats; sent += size, size = size % 7 + 1) {
                List<Event> command = new ArrayList<>();
                for (int i = 0; i < Math.min(size, chats - sent); i++) {
                    command.add(event(EventType.CHAT_MESSAGE, UMA, new EventBody.ChatMessage("message " + seq)));
                }
                done.add(journal.append(command));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
        }

        List<Event> end() {
            return List.of(event(EventType.SESSION_ENDED, ANN,
                    new EventBody.SessionEnded("resolved", "Lowered the MTU", "ended by owner")));
        }

        private static EventBody.ParticipantJoined joined(Actor who) {
            return new EventBody.ParticipantJoined(new Participant(who.id(), who.name(), who.role(), who.tier(),
                    "connected", null, true, null), "create", null);
        }
    }
}
