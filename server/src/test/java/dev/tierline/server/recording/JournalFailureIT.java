package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.client.TierlineClient;
import dev.tierline.client.TierlineException;
import dev.tierline.client.TierlineSession;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.TierlineServer;
import dev.tierline.server.WireSessions;
import dev.tierline.server.config.ConfigLoader;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.config.Setting;
import java.nio.file.Path;
import java.sql.SQLException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal that cannot write (the database refuses every connection, as when it is down or the
 * disk is full). Strict mode: nothing proceeds unrecorded, everyone is told, and the session goes
 * on where it was once the journal recovers. Async mode: what was delivered before the failure
 * showed is recorded once it recovers, in order.
 */
class JournalFailureIT {
    @TempDir
    Path dataDir;
    private volatile boolean broken;
    /** The journal's next commit commits, then reports that it failed (a connection lost in the commit). */
    private final java.util.concurrent.atomic.AtomicBoolean failAfterCommit = new java.util.concurrent.atomic.AtomicBoolean();
    /** With {@link #failAfterCommit}: the committed chat's text is altered before the failure is reported. */
    private volatile boolean alterWhatCommitted;
    private Database database;
    private TierlineServer server;

    private void start(String mode) throws Exception {
        ServerConfig config = ConfigLoader.load(null, Map.of(), Map.of(Setting.PORT, "0",
                Setting.DATA_DIR, dataDir.toString(), Setting.IO_THREADS, "2", Setting.RECORDING_MODE, mode));
        database = Database.open("", null, null, 4, dataDir);
        server = TierlineServer.start(config, database, breakable(database.dataSource()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }


    /**
     * The real data source, except that while {@code broken} every connection attempt and every
     * commit fails, and that a commit of the journal's writer (the connection that writes
     * transcript entries) fails in name only when {@link #failAfterCommit} is set.
     */
    private DataSource breakable(DataSource real) {
        return InterceptedDataSource.aroundCalls(real, this::failIfBroken, () -> {
            java.util.concurrent.atomic.AtomicBoolean writesEntries = new java.util.concurrent.atomic.AtomicBoolean();
            return (method, args, call) -> {
                if (method.startsWith("prepare") && args[0] instanceof String sql
                        && sql.startsWith("INSERT INTO transcript_entries")) {
                    writesEntries.set(true);
                }
                if (!method.equals("commit")) {
                    return call.proceed();
                }
                failIfBroken();
                Object result = call.proceed();
                if (writesEntries.get() && failAfterCommit.getAndSet(false)) {
                    if (alterWhatCommitted) {
                        try (java.sql.Connection other = real.getConnection();
                             java.sql.Statement s = other.createStatement()) {
                            s.executeUpdate("UPDATE transcript_entries SET body = REPLACE(body, 'in doubt', 'ALTERED') "
                                    + "WHERE id = (SELECT MAX(id) FROM transcript_entries)");
                        }
                    }
                    throw new SQLException("connection lost in the commit (injected)");
                }
                return result;
            };
        });
    }

    private void failIfBroken() throws SQLException {
        if (broken) {
            throw new SQLException("disk I/O error (injected)");
        }
    }

    private String token(String id, Role role, Tier tier) {
        return server.devTokens().mint(new Actor(id, id, role, tier), Duration.ofHours(1));
    }

    private HttpResponse<String> readyz() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.httpUri().resolve("/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void recordedCommandsAreRefusedWhileTheJournalCannotWriteAndTheSessionGoesOnAfter() throws Exception {
        start("strict");
        try (RawClient owner = RawClient.connect(server.webSocketUri());
             RawClient user = RawClient.connect(server.webSocketUri())) {
            String session = WireSessions.openWithUser(owner, token("t-ann", Role.TECHNICIAN, Tier.L1), user, "T-FAIL");
            long before = owner.command("chat.send", session, Map.of("text", "recorded one")).path("seq").asLong();

            broken = true;
            JsonNode refused = owner.command("chat.send", session, Map.of("text", "NEVER-RECORDED"));
            assertThat(refused.path("code").asText()).as(refused.toString()).isEqualTo("unavailable");
            JsonNode impaired = user.awaitMessage(m -> RecordingProbes.recordingStatus(m, "impaired"));
            assertThat(impaired.has("seq")).isFalse();
            owner.awaitMessage(m -> m.path("body").path("status").asText().equals("impaired"));
            JsonNode grant = user.command("chat.send", session, Map.of("text", "NEVER-RECORDED either"));
            assertThat(grant.path("code").asText()).isEqualTo("unavailable");
            HttpResponse<String> ready = readyz();
            assertThat(ready.statusCode()).as("a load balancer sends no one new here").isEqualTo(503);
            assertThat(ready.body()).contains("the journal cannot write");

            broken = false;
            user.awaitMessage(m -> RecordingProbes.recordingStatus(m, "ok"));
            assertThat(readyz().statusCode()).isEqualTo(200);
            JsonNode after = owner.command("chat.send", session, Map.of("text", "recorded two"));
            assertThat(after.path("type").asText()).as(after.toString()).isEqualTo("ack");
            assertThat(after.path("seq").asLong()).as("no gap where the refused commands were").isEqualTo(before + 1);
            user.awaitMessage(m -> m.path("seq").asLong() == after.path("seq").asLong());
            assertThat(user.received()).noneMatch(m -> m.toString().contains("NEVER-RECORDED"));
            assertThat(owner.received()).noneMatch(m -> m.path("type").asText().equals("chat.message")
                    && m.toString().contains("NEVER-RECORDED"));

            WireSessions.assertAck(owner.command("session.end", session, Map.of("outcome", "resolved")), "ack");
            List<String> lines = RecordingProbes.sealedTranscript(server, session);
            assertThat(String.join("\n", lines)).contains("recorded one", "recorded two").doesNotContain("NEVER-RECORDED");
        }
    }

    @Test
    void asyncModeRecordsWhatItDeliveredBeforeTheFailureShowedOnceTheJournalRecovers() throws Exception {
        start("async");
        try (RawClient owner = RawClient.connect(server.webSocketUri());
             RawClient user = RawClient.connect(server.webSocketUri())) {
            String session = WireSessions.openWithUser(owner, token("t-ann", Role.TECHNICIAN, Tier.L1), user, "T-FAIL");
            long recorded = owner.command("chat.send", session, Map.of("text", "recorded one")).path("seq").asLong();
            // the failure must fall on the next chat, not on this one
            RecordingProbes.awaitWritten(server, session, recorded);

            broken = true;
            JsonNode sent = owner.command("chat.send", session, Map.of("text", "delivered, then the disk failed"));
            assertThat(sent.path("type").asText()).as("async: acked before it is recorded").isEqualTo("ack");
            user.awaitMessage(m -> m.toString().contains("delivered, then the disk failed"));
            user.awaitMessage(m -> RecordingProbes.recordingStatus(m, "impaired"));
            JsonNode refused = owner.command("chat.send", session, Map.of("text", "NEVER-RECORDED"));
            assertThat(refused.path("code").asText()).as(refused.toString()).isEqualTo("unavailable");

            broken = false;
            user.awaitMessage(m -> RecordingProbes.recordingStatus(m, "ok"));
            JsonNode after = owner.command("chat.send", session, Map.of("text", "recorded after"));
            assertThat(after.path("type").asText()).as(after.toString()).isEqualTo("ack");
            assertThat(after.path("seq").asLong()).isEqualTo(sent.path("seq").asLong() + 1);

            WireSessions.assertAck(owner.command("session.end", session, Map.of("outcome", "resolved")), "ack");
            List<String> chats = RecordingProbes.chatTexts(RecordingProbes.sealedTranscript(server, session));
            assertThat(chats).as("everything anyone was delivered, in order, and nothing refused")
                    .containsExactly("recorded one", "delivered, then the disk failed", "recorded after");
        }
    }

    /**
     * A commit that the database reports failed, though it committed (a connection lost in the
     * commit): the command was answered unavailable, but its event is in the transcript. Once the
     * journal recovers, the session delivers that event, as what it holds must be what everyone
     * saw, and goes on after it; before, every later command reused its seq and was refused. A
     * retry of the command, with its id, is answered with the ack it would have had; before, it
     * was recorded a second time.
     */
    @Test
    void strictModeDeliversWhatACommitThatFailedInNameOnlyRecordedAndGoesOn() throws Exception {
        start("strict");
        try (RawClient owner = RawClient.connect(server.webSocketUri());
             RawClient user = RawClient.connect(server.webSocketUri())) {
            String session = WireSessions.openWithUser(owner, token("t-ann", Role.TECHNICIAN, Tier.L1), user, "T-DOUBT");
            long before = owner.command("chat.send", session, Map.of("text", "recorded one")).path("seq").asLong();

            InDoubtCommand inDoubt = sendInDoubt(owner, "chat.send", session, Map.of("text", "in doubt"));
            user.awaitMessage(m -> RecordingProbes.recordingStatus(m, "ok"));
            JsonNode delivered = user.awaitMessage(m -> m.path("type").asText().equals("chat.message")
                    && m.toString().contains("in doubt"));
            assertThat(delivered.path("seq").asLong()).isEqualTo(before + 1);
            owner.awaitMessage(m -> m.path("seq").asLong() == before + 1);

            JsonNode retried = inDoubt.retry(); // what a client does with unavailable: the same command, later
            assertThat(retried.path("type").asText()).as(retried.toString()).isEqualTo("ack");
            assertThat(retried.path("seq").asLong()).as("the seq it was recorded with").isEqualTo(before + 1);

            JsonNode after = owner.command("chat.send", session, Map.of("text", "recorded after"));
            assertThat(after.path("type").asText()).as(after.toString()).isEqualTo("ack");
            assertThat(after.path("seq").asLong()).isEqualTo(before + 2);
            user.awaitMessage(m -> m.path("seq").asLong() == before + 2);

            WireSessions.assertAck(owner.command("session.end", session, Map.of("outcome", "resolved")), "ack");
            List<String> chats = RecordingProbes.chatTexts(RecordingProbes.sealedTranscript(server, session));
            assertThat(chats).containsExactly("recorded one", "in doubt", "recorded after");
        }
    }

    /**
     * An invitation and then a join whose commits failed in name only: once recording is ok, a
     * retry of each gets the ack it would have had. The invitation's token, registered when its
     * event is delivered late, lets the invitee in; the joiner is welcomed on its retry. Before,
     * the retried invitation was a second one, and the retried join had no usable token.
     */
    @Test
    void retriesOfAnInvitationAndAJoinWhoseCommitsFailedInNameOnlyGetTheirAcks() throws Exception {
        start("strict");
        try (RawClient owner = RawClient.connect(server.webSocketUri());
             RawClient user = RawClient.connect(server.webSocketUri());
             RawClient bob = RawClient.connect(server.webSocketUri())) {
            String session = WireSessions.openWithUser(owner, token("t-ann", Role.TECHNICIAN, Tier.L1), user, "T-INVITE");

            InDoubtCommand invite = sendInDoubt(owner, "invite.create", session, Map.of("tier", "L2", "ttlSeconds", 60));
            owner.awaitMessage(m -> RecordingProbes.recordingStatus(m, "ok"));
            JsonNode created = owner.awaitEvent("invite.created");
            JsonNode issued = invite.retry();
            assertThat(issued.path("type").asText()).as(issued.toString()).isEqualTo("ack");
            assertThat(issued.path("seq").asLong()).isEqualTo(created.path("seq").asLong());
            assertThat(issued.path("body").path("invite").asText()).isEqualTo(created.path("body").path("invite").asText());

            WireSessions.assertAck(bob.hello(token("t-bob", Role.TECHNICIAN, Tier.L2)), "welcome");
            InDoubtCommand join = sendInDoubt(bob, "session.join", session,
                    Map.of("invite", issued.path("body").path("token").asText()));
            JsonNode joined = owner.awaitMessage(m -> m.path("type").asText().equals("participant.joined")
                    && m.path("body").path("participant").path("id").asText().equals("t-bob"));
            await().atMost(Duration.ofSeconds(10)).until(() -> owner.received().stream()
                    .filter(m -> RecordingProbes.recordingStatus(m, "ok")).count() == 2);
            JsonNode welcomed = join.retry();
            assertThat(welcomed.path("type").asText()).as(welcomed.toString()).isEqualTo("ack");
            assertThat(welcomed.path("seq").asLong()).isEqualTo(joined.path("seq").asLong());
            bob.awaitEvent("session.snapshot");
            JsonNode chat = owner.command("chat.send", session, Map.of("text", "bob is in"));
            bob.awaitMessage(m -> m.path("seq").asLong() == chat.path("seq").asLong());

            WireSessions.assertAck(owner.command("session.end", session, Map.of("outcome", "resolved")), "ack");
            assertThat(RecordingProbes.sealedTranscript(server, session)).as("one invitation")
                    .filteredOn(line -> line.contains("\"invite.created\"")).hasSize(1);
        }
    }

    /** Sends a command whose commit fails in name only, and checks it is answered unavailable. */
    private InDoubtCommand sendInDoubt(RawClient client, String type, String session, Object body) {
        failAfterCommit.set(true);
        String id = client.nextId();
        InDoubtCommand command = new InDoubtCommand(client, id, RawClient.envelope(id, type, session, body));
        client.sendText(command.envelope());
        JsonNode refused = client.awaitReply(id);
        assertThat(refused.path("code").asText()).as(refused.toString()).isEqualTo("unavailable");
        return command;
    }

    /** A command answered unavailable, as sent, to send again. */
    private record InDoubtCommand(RawClient client, String id, String envelope) {
        /** Sends it again, with its id; answers the reply to that retry (the second reply to the id). */
        JsonNode retry() {
            client.sendText(envelope);
            return await().atMost(Duration.ofSeconds(10)).until(() -> client.received().stream()
                    .filter(m -> id.equals(m.path("re").asText(null))).toList(), replies -> replies.size() >= 2).get(1);
        }
    }

    /**
     * The same through the SDK: {@link TierlineClient#retry} sends the refused command again with
     * its id, and the server answers it with the seq its event was recorded with.
     */
    @Test
    void theSdksRetryOfACommandWhoseCommitFailedInNameOnlyIsAnsweredWithItsSeq() throws Exception {
        start("strict");
        try (TierlineClient ann = TierlineClient.builder().uri(server.webSocketUri())
                .token(token("t-ann", Role.TECHNICIAN, Tier.L1)).build()) {
            ann.connect().join();
            String id = ann.createSession("T-RETRY", "retried").join().session();
            TierlineSession session = ann.join(id, null).join();
            List<Event> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            session.onEvent(events::add);
            long before = session.chat("recorded one").join().seq();

            failAfterCommit.set(true);
            Throwable failed = catchThrowable(() -> session.chat("in doubt").join());
            assertThat(failed).isInstanceOf(CompletionException.class).cause().isInstanceOf(TierlineException.class);
            TierlineException refused = (TierlineException) failed.getCause();
            assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(refused.retryable()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e ->
                    e.body() instanceof EventBody.RecordingStatus status && status.status().equals("ok")));

            assertThat(ann.retry(refused).join().seq()).as("the seq it was recorded with").isEqualTo(before + 1);
            assertThat(session.chat("recorded after").join().seq()).isEqualTo(before + 2);
            session.send(new CommandBody.SessionEnd("resolved", null)).join();
            List<String> chats = RecordingProbes.chatTexts(RecordingProbes.sealedTranscript(server, id));
            assertThat(chats).containsExactly("recorded one", "in doubt", "recorded after");
            assertThatThrownBy(() -> ann.retry(new TierlineException(ErrorCode.UNAVAILABLE, "made up")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * Async mode delivered the event before its commit failed in name only; once the journal
     * recovers, the session finds it recorded already instead of writing it again, which the
     * journal refused as out of sequence on every retry, so the session stayed impaired.
     */
    @Test
    void asyncModeFindsWhatACommitThatFailedInNameOnlyRecordedAndGoesOn() throws Exception {
        start("async");
        try (RawClient owner = RawClient.connect(server.webSocketUri());
             RawClient user = RawClient.connect(server.webSocketUri())) {
            InDoubt chat = chatInDoubtInAsyncMode(owner, user);
            user.awaitMessage(m -> RecordingProbes.recordingStatus(m, "impaired"));
            user.awaitMessage(m -> RecordingProbes.recordingStatus(m, "ok"));

            JsonNode after = owner.command("chat.send", chat.session(), Map.of("text", "recorded after"));
            assertThat(after.path("type").asText()).as(after.toString()).isEqualTo("ack");
            assertThat(after.path("seq").asLong()).isEqualTo(chat.seq() + 1);

            WireSessions.assertAck(owner.command("session.end", chat.session(), Map.of("outcome", "resolved")), "ack");
            List<String> chats = RecordingProbes.chatTexts(RecordingProbes.sealedTranscript(server, chat.session()));
            assertThat(chats).containsExactly("recorded one", "delivered, commit in doubt", "recorded after");
        }
    }

    /**
     * Async mode, where the journal holds another event under a seq than the one the session
     * delivered (here altered in the database before the failure is reported): the session does not
     * take the stored one for its own, nor write its own under the next seq. It stays impaired,
     * and says why.
     */
    @Test
    void asyncModeStaysImpairedWhenTheJournalHoldsAnotherEventThanTheOneDelivered() throws Exception {
        start("async");
        try (RawClient owner = RawClient.connect(server.webSocketUri());
             RawClient user = RawClient.connect(server.webSocketUri())) {
            alterWhatCommitted = true;
            InDoubt chat = chatInDoubtInAsyncMode(owner, user);
            JsonNode why = user.awaitMessage(m -> RecordingProbes.recordingStatus(m, "impaired")
                    && m.path("body").path("detail").asText().contains("another event under seq " + chat.seq()));
            assertThat(why.has("seq")).isFalse();
            assertThat(user.received()).noneMatch(m -> RecordingProbes.recordingStatus(m, "ok"));
            JsonNode refused = owner.command("chat.send", chat.session(), Map.of("text", "NEVER-RECORDED"));
            assertThat(refused.path("code").asText()).as(refused.toString()).isEqualTo("unavailable");
            assertThat(server.journal().store().entries(chat.session())).extracting(JournalStore.Entry::seq)
                    .as("nothing written past the altered entry").endsWith(chat.seq());
        }
    }

    /** A chat delivered in async mode whose commit then fails in name only. */
    private record InDoubt(String session, long seq) {}

    /** Opens a session, records one chat, then sends one that is delivered and whose commit fails in name only. */
    private InDoubt chatInDoubtInAsyncMode(RawClient owner, RawClient user) throws Exception {
        String session = WireSessions.openWithUser(owner, token("t-ann", Role.TECHNICIAN, Tier.L1), user, "T-DOUBT");
        long recorded = owner.command("chat.send", session, Map.of("text", "recorded one")).path("seq").asLong();
        RecordingProbes.awaitWritten(server, session, recorded); // the failure must fall on the next chat's commit
        failAfterCommit.set(true);
        JsonNode sent = owner.command("chat.send", session, Map.of("text", "delivered, commit in doubt"));
        assertThat(sent.path("type").asText()).as("async: acked before it is recorded").isEqualTo("ack");
        return new InDoubt(session, sent.path("seq").asLong());
    }
}
