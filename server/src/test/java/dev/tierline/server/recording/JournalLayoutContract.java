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
 * Where the journal keeps entries: appended to {@code journal_entries} while their session is
 * live, moved to {@code transcript_entries} once it is sealed, and read whole from either or both.
 * Each backend's test class supplies the database.
 */
abstract class JournalLayoutContract {
    private static final Actor ANN = new Actor("t-ann", "Ann", Role.TECHNICIAN, Tier.L1);
    private static final Actor UMA = new Actor("u-uma", "Uma", Role.END_USER, null);

    @TempDir
    Path dir;

    /** A freshly migrated database, closed by the test. */
    abstract Database open(Path dir) throws Exception;

    @Test
    void aLiveSessionIsReadWholeAndInRangesFromTheJournalTable() throws Exception {
        try (Database db = open(dir); Journal journal = journal(db)) {
            Session s = new Session("s-live");
            s.write(journal, 600);
            assertThat(rows(db, "journal_entries", "s-live")).isEqualTo(602);
            assertThat(rows(db, "transcript_entries", "s-live")).isZero();
            assertWhole(journal, "s-live", 602, false);
            assertThat(journal.store().entries("s-live", 250, 260)).extracting(JournalStore.Entry::seq)
                    .containsExactly(251L, 252L, 253L, 254L, 255L, 256L, 257L, 258L, 259L, 260L);
            assertThat(journal.read("s-live", 590, 600).get()).hasSize(10);
            assertThat(journal.store().entries("s-live", 602, Long.MAX_VALUE)).isEmpty();
        }
    }

    @Test
    void aSealedSessionMovesToTheTranscriptTableAndStaysWholeWhileItMoves() throws Exception {
        try (Database db = open(dir); Journal journal = journal(db)) {
            Session other = new Session("s-other");
            other.write(journal, 40);
            Session s = new Session("s-sealed");
            s.write(journal, 900); // several moves of MOVE_CHUNK rows
            AtomicBoolean moving = new AtomicBoolean(true);
            AtomicInteger reads = new AtomicInteger();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                try {
                    while (moving.get() || reads.get() == 0) {
                        List<JournalStore.Entry> entries = journal.store().entries("s-sealed");
                        assertThat(entries.size()).as("read %d", reads.get()).isBetween(902, 903);
                        assertThat(entries).extracting(JournalStore.Entry::seq).as("read %d", reads.get())
                                .containsExactlyElementsOf(seqs(1, entries.size() + 1));
                        reads.incrementAndGet();
                    }
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            journal.append(s.end()).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> rows(db, "journal_entries", "s-sealed") == 0);
            moving.set(false);
            reader.get();
            assertThat(rows(db, "transcript_entries", "s-sealed")).isEqualTo(903);
            assertThat(journal.store().liveEntries()).as("the live session's rows stay").isEqualTo(42);
            assertThat(rows(db, "journal_entries", "s-other")).isEqualTo(42);
            assertWhole(journal, "s-sealed", 903, true);
            assertWhole(journal, "s-other", 42, false);
        }
    }

    @Test
    void rowsLeftInTheJournalTableMoveAtTheNextStartAndTheSessionGoesOn() throws Exception {
        Session s = new Session("s-restart");
        try (Database db = open(dir)) {
            try (Journal before = journal(db)) {
                s.write(before, 300);
            }
            assertThat(rows(db, "journal_entries", "s-restart")).isEqualTo(302);
            try (Journal after = journal(db)) {
                assertThat(rows(db, "journal_entries", "s-restart")).isZero();
                assertThat(rows(db, "transcript_entries", "s-restart")).isEqualTo(302);
                s.write(after, 20); // chained after the moved head
                assertWhole(after, "s-restart", 322, false);
                after.append(s.end()).get();
                await().atMost(Duration.ofSeconds(30)).until(() -> after.store().liveEntries() == 0);
                assertWhole(after, "s-restart", 323, true);
                assertThat(after.store().history("T-s-restart")).hasSize(1);
            }
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

    private Journal journal(Database db) throws Exception {
        return new Journal(db.dataSource(), TranscriptSigner.open(dir), ProtocolCodec.create().mapper(), 1000,
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

        /** Opens the session if it is new, then appends {@code chats} messages in commands of one to seven. */
        void write(Journal journal, int chats) throws Exception {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            if (seq == 0) {
                done.add(journal.append(List.of(
                        event(EventType.SESSION_OPENED, ANN,
                                new EventBody.SessionOpened("T-" + id, "VPN drops", "vpn", null, "active", "each-time")),
                        event(EventType.PARTICIPANT_JOINED, ANN, joined(ANN)))));
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
