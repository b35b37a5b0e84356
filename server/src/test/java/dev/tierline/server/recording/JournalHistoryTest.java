package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Audience;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Participant;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ticket history written when a session ends: kept by the writer as it commits, or, when it
 * did not see the whole session, computed from the stored transcript; either way the same entry.
 */
class JournalHistoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Actor ANN = new Actor("t-ann", "Ann", Role.TECHNICIAN, Tier.L1);
    private static final Actor BO = new Actor("t-bo", "Bo", Role.TECHNICIAN, Tier.L2);
    private static final Actor UMA = new Actor("u-uma", "Uma", Role.END_USER, null);

    @Test
    void endingASessionTheWriterSawWholeReadsNoTranscriptAndWritesWhatTheTranscriptGives(@TempDir Path dir)
            throws Exception {
        List<String> sql = new CopyOnWriteArrayList<>();
        try (Database db = Database.open("", null, null, 2, dir);
             Journal journal = journal(recordingStatements(db.dataSource(), sql), dir)) {
            Script s = new Script("s-kept");
            journal.append(s.opening()).get();
            journal.append(s.middle()).get();
            sql.clear();
            journal.append(s.end()).get();
            assertThat(sql).as("the statements of the commit that sealed the session")
                    .noneMatch(q -> q.contains("FROM transcript_"));
            assertThat(storedHistory(journal, "s-kept")).isEqualTo(fromTranscript(journal, "s-kept"));
            assertThat(storedHistory(journal, "s-kept").path("counts").path("chatMessages").asInt()).isEqualTo(3);
        }
    }

    @Test
    void aSessionOpenedBeforeARestartIsSealedFromItsWholeTranscript(@TempDir Path dir) throws Exception {
        Script s = new Script("s-restart");
        try (Database db = Database.open("", null, null, 2, dir)) {
            try (Journal before = journal(db.dataSource(), dir)) {
                before.append(s.opening()).get();
            }
            try (Journal after = journal(db.dataSource(), dir)) {
                after.append(s.middle()).get();
                after.append(s.end()).get();
                JsonNode history = storedHistory(after, "s-restart");
                assertThat(history).isEqualTo(fromTranscript(after, "s-restart"));
                assertThat(history.path("participants").findValuesAsText("id")).containsExactly("t-ann", "u-uma", "t-bo");
                assertThat(history.path("counts").path("events").asLong()).isEqualTo(s.seq);
            }
        }
    }

    @Test
    void aBatchThatFailedLeavesNothingOfItInTheHistory(@TempDir Path dir) throws Exception {
        AtomicBoolean failCommits = new AtomicBoolean();
        Script s = new Script("s-failed");
        try (Database db = Database.open("", null, null, 2, dir);
             Journal journal = journal(InterceptedDataSource.around(db.dataSource(), () -> { }, () -> {
                 if (failCommits.get()) {
                     throw new java.sql.SQLException("disk full (test)");
                 }
             }), dir)) {
            journal.append(s.opening()).get();
            failCommits.set(true);
            List<Event> lost = s.middle();
            assertThatThrownBy(() -> journal.append(lost).get()).hasCauseInstanceOf(Journal.UnavailableException.class);
            failCommits.set(false);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(journal::isHealthy);
            s.seq -= lost.size(); // the session goes on from what was recorded
            journal.append(s.middle()).get();
            journal.append(s.end()).get();
            JsonNode history = storedHistory(journal, "s-failed");
            assertThat(history).isEqualTo(fromTranscript(journal, "s-failed"));
            assertThat(history.path("counts").path("chatMessages").asInt()).isEqualTo(3);
        }
    }

    /** One session's events, in seq order, in three commands: open and join; talk; leave and end. */
    private static final class Script {
        final String session;
        final Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long seq;

        Script(String session) {
            this.session = session;
        }

        Event event(EventType type, Actor actor, Audience audience, EventBody body) {
            return new Event(type, session, ++seq, at.plusSeconds(seq), actor, audience, body);
        }

        List<Event> opening() {
            return List.of(
                    event(EventType.SESSION_OPENED, ANN, Audience.ALL,
                            new EventBody.SessionOpened("T-" + session, "VPN drops", "vpn", null, "active", "each-time")),
                    event(EventType.PARTICIPANT_JOINED, ANN, Audience.ALL, joined(ANN, "create")),
                    event(EventType.PARTICIPANT_JOINED, UMA, Audience.ALL, joined(UMA, "invite")));
        }

        List<Event> middle() {
            return List.of(
                    event(EventType.CHAT_MESSAGE, UMA, Audience.ALL, new EventBody.ChatMessage("my VPN drops")),
                    event(EventType.PARTICIPANT_JOINED, BO, Audience.ALL, joined(BO, "invite")),
                    event(EventType.CHAT_MESSAGE, ANN, Audience.TECHNICIANS, new EventBody.ChatMessage("MTU?")),
                    event(EventType.OWNER_TRANSFERRED, ANN, Audience.ALL,
                            new EventBody.OwnerTransferred("t-ann", Tier.L1, "t-bo", Tier.L2, "escalated")),
                    event(EventType.CONTROL_GRANTED, UMA, Audience.ALL, new EventBody.ControlGranted("t-bo", "u-uma", "given")),
                    event(EventType.NOTE_ADDED, BO, Audience.TECHNICIANS, new EventBody.NoteAdded("MTU lowered to 1400")),
                    event(EventType.CHAT_MESSAGE, BO, Audience.ALL, new EventBody.ChatMessage("try now")));
        }

        List<Event> end() {
            return List.of(
                    event(EventType.PARTICIPANT_LEFT, UMA, Audience.ALL, new EventBody.ParticipantLeft("u-uma", "left")),
                    event(EventType.SESSION_ENDED, BO, Audience.ALL,
                            new EventBody.SessionEnded("resolved", "Lowered the MTU", "ended by owner")));
        }

        private static EventBody.ParticipantJoined joined(Actor who, String via) {
            return new EventBody.ParticipantJoined(new Participant(who.id(), who.name(), who.role(), who.tier(),
                    "connected", null, who.role() == Role.TECHNICIAN, null), via, null);
        }
    }

    private static JsonNode storedHistory(Journal journal, String session) throws Exception {
        List<JournalStore.HistoryRow> rows = journal.store().history("T-" + session);
        assertThat(rows).hasSize(1);
        return JSON.readTree(rows.get(0).entry());
    }

    /** The history as the whole stored transcript gives it, signed as the stored one was. */
    private static JsonNode fromTranscript(Journal journal, String session) throws Exception {
        TicketHistory.Builder history = new TicketHistory.Builder();
        for (JournalStore.Entry entry : journal.store().entries(session)) {
            history.add(EntryCodec.tree(entry)); // every entry parsed whole, chat too
        }
        JsonNode digest = storedHistory(journal, session).path("transcript");
        // through text, as the stored one came: a count is a long built and an int parsed
        return JSON.readTree(history.build(digest.path("headHash").asText(), digest.path("keyId").asText(),
                digest.path("signature").asText()).toString());
    }

    private static Journal journal(DataSource dataSource, Path dir) throws Exception {
        return new Journal(dataSource, TranscriptSigner.open(dir), ProtocolCodec.create().mapper(), 1000,
                Duration.ZERO, 1000);
    }

    /** The data source with every statement its connections prepare added to {@code sql}. */
    private static DataSource recordingStatements(DataSource real, List<String> sql) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, real, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().startsWith("prepare") && a != null && a[0] instanceof String q) {
                                    sql.add(q);
                                }
                                return invoke(m, connection, a);
                            });
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
