package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.TierlineServer;
import dev.tierline.server.WireSessions;
import dev.tierline.server.config.ConfigLoader;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal that is healthy but behind: its writer is held inside a write while commands pile up
 * past its queue. Overload is not failure, and it passes: nothing is refused for good, the state
 * stays what was recorded, and no session stays impaired.
 */
class JournalOverloadIT {
    private static final int QUEUE = 16;

    @TempDir
    Path dataDir;
    private volatile boolean holding;
    private final CountDownLatch writerHeld = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private TierlineServer server;

    private void start(String mode) throws Exception {
        start(mode, QUEUE);
    }

    private void start(String mode, int queue) throws Exception {
        ServerConfig config = ConfigLoader.load(null, Map.of(), Map.of(Setting.PORT, "0",
                Setting.DATA_DIR, dataDir.toString(), Setting.IO_THREADS, "2", Setting.RECORDING_MODE, mode,
                Setting.JOURNAL_QUEUE_CAPACITY, Integer.toString(queue),
                // async: the writer takes the held chat alone, not with what comes in while it waits to fill a batch
                Setting.JOURNAL_ASYNC_MAX_WAIT, "PT0S",
                // a burst of hundreds of chats from one connection is the point here
                Setting.MESSAGES_PER_SECOND, "100000", Setting.MESSAGE_BURST, "100000"));
        Database database = Database.open("", null, null, 4, dataDir);
        server = TierlineServer.start(config, database, holdable(database.dataSource()));
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    /** The real data source, except that while {@code holding} the journal's writer waits in its next commit for {@link #release}. */
    private DataSource holdable(DataSource real) {
        return InterceptedDataSource.around(real, () -> {
            if (holding && Thread.currentThread().getName().equals("tierline-journal")) {
                writerHeld.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
        });
    }

    private String token(String id, Role role, Tier tier) {
        return server.devTokens().mint(new Actor(id, id, role, tier), Duration.ofHours(1));
    }

    /**
     * Holds the writer in a write of one chat, then sends {@code count} more without waiting;
     * returns their ids. First waits until all the session has so far is written, so that the
     * writer holds that chat alone and the queue is empty behind it (in async mode a reply comes
     * before its events are durable).
     */
    private List<String> holdAndPileUp(RawClient owner, String session, int count) throws InterruptedException {
        long last = owner.command("chat.send", session, Map.of("text", "before the hold")).path("seq").asLong();
        RecordingProbes.awaitWritten(server, session, last);
        holding = true;
        owner.sendText(RawClient.envelope("held", "chat.send", session, Map.of("text", "held in the writer")));
        assertThat(writerHeld.await(10, TimeUnit.SECONDS)).isTrue();
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String id = "pile-" + i;
            ids.add(id);
            owner.sendText(RawClient.envelope(id, "chat.send", session, Map.of("text", "piled " + i)));
        }
        return ids;
    }

    private static boolean impaired(JsonNode m) {
        return RecordingProbes.recordingStatus(m, "impaired");
    }

    private List<String> transcript(String session) {
        return RecordingProbes.sealedTranscript(server, session);
    }

    @Test
    void strictModeRefusesWhatDoesNotFitAndGoesOnWithoutImpairment() throws Exception {
        start("strict");
        try (RawClient owner = RawClient.connect(server.webSocketUri());
             RawClient user = RawClient.connect(server.webSocketUri())) {
            String session = WireSessions.openWithUser(owner, token("t-ann", Role.TECHNICIAN, Tier.L1), user, "T-BUSY");

            List<String> ids = holdAndPileUp(owner, session, QUEUE + 1);
            JsonNode overflow = owner.awaitReply(ids.get(QUEUE));
            assertThat(overflow.path("code").asText()).as(overflow.toString()).isEqualTo("unavailable");
            assertThat(overflow.path("message").asText()).contains("behind");

            release.countDown();
            long seq = owner.awaitReply("held").path("seq").asLong();
            for (String id : ids.subList(0, QUEUE)) {
                JsonNode ack = owner.awaitReply(id);
                assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
                assertThat(ack.path("seq").asLong()).isEqualTo(++seq);
            }
            JsonNode after = owner.command("chat.send", session, Map.of("text", "after the rush"));
            assertThat(after.path("type").asText()).as(after.toString()).isEqualTo("ack");
            assertThat(after.path("seq").asLong()).as("decided on what was recorded, not on the refused command")
                    .isEqualTo(seq + 1);
            user.awaitMessage(m -> m.path("seq").asLong() == after.path("seq").asLong());
            assertThat(user.received()).as("overload is not impairment").noneMatch(JournalOverloadIT::impaired);
            assertThat(user.received()).noneMatch(m -> m.toString().contains("piled " + (QUEUE + 1)));

            WireSessions.assertAck(owner.command("session.end", session, Map.of("outcome", "resolved")), "ack");
            assertThat(String.join("\n", transcript(session))).contains("piled " + QUEUE, "after the rush")
                    .doesNotContain("piled " + (QUEUE + 1));
        }
    }

    /**
     * Async mode delivers an event before it is queued and cannot take it back, so an event that
     * then found the queue full was delivered but unrecorded: the session went impaired and
     * refused chat until the journal caught up. With the default queue (65,536) that took no more
     * than 256 sessions each a full async backlog (256) ahead of a slow disk, which fits the 216
     * deliveries one fixed-rate run of the bench lost. Past half the queue async mode now waits
     * for the journal like strict mode, and what does not fit is refused as overload, not
     * impairment.
     */
    @Test
    void asyncModeWaitsForTheJournalOncePastHalfItsQueueAndIsNeverImpairedByOverload() throws Exception {
        start("async");
        try (RawClient owner = RawClient.connect(server.webSocketUri());
             RawClient user = RawClient.connect(server.webSocketUri())) {
            String session = WireSessions.openWithUser(owner, token("t-ann", Role.TECHNICIAN, Tier.L1), user, "T-BUSY");

            List<String> ids = holdAndPileUp(owner, session, QUEUE + 1);
            JsonNode overflow = owner.awaitReply(ids.get(QUEUE));
            assertThat(overflow.path("code").asText()).as(overflow.toString()).isEqualTo("unavailable");
            assertThat(overflow.path("message").asText()).contains("behind");
            for (String id : ids.subList(0, QUEUE / 2)) {
                assertThat(owner.awaitReply(id).path("type").asText()).as("within half the queue: acked before durable")
                        .isEqualTo("ack");
            }
            assertThat(owner.received()).as("past half the queue: they wait for the journal, which is held")
                    .noneMatch(m -> ids.subList(QUEUE / 2, QUEUE).contains(m.path("re").asText("")));

            release.countDown();
            long seq = owner.awaitReply(ids.get(QUEUE / 2 - 1)).path("seq").asLong();
            for (String id : ids.subList(QUEUE / 2, QUEUE)) {
                JsonNode ack = owner.awaitReply(id);
                assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
                assertThat(ack.path("seq").asLong()).isEqualTo(++seq);
            }
            JsonNode after = owner.command("chat.send", session, Map.of("text", "after the rush"));
            assertThat(after.path("type").asText()).as(after.toString()).isEqualTo("ack");
            assertThat(after.path("seq").asLong()).as("decided on what was recorded, not on the refused command")
                    .isEqualTo(seq + 1);
            user.awaitMessage(m -> m.path("seq").asLong() == after.path("seq").asLong());
            assertThat(user.received()).as("overload is not impairment").noneMatch(JournalOverloadIT::impaired);

            WireSessions.assertAck(owner.command("session.end", session, Map.of("outcome", "resolved")), "ack");
            List<String> chats = RecordingProbes.chatTexts(transcript(session));
            List<String> expected = new ArrayList<>(List.of("before the hold", "held in the writer"));
            for (int i = 1; i <= QUEUE; i++) {
                expected.add("piled " + i);
            }
            expected.add("after the rush");
            assertThat(chats).as("everything anyone was delivered, in order, and not the refused one")
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void asyncModeWaitsForTheJournalOnceASessionIsTooFarAheadOfIt() throws Exception {
        start("async", 4096);
        try (RawClient owner = RawClient.connect(server.webSocketUri());
             RawClient user = RawClient.connect(server.webSocketUri())) {
            String session = WireSessions.openWithUser(owner, token("t-ann", Role.TECHNICIAN, Tier.L1), user, "T-BUSY");

            int backlog = 256; // SessionRuntime.ASYNC_BACKLOG
            List<String> ids = holdAndPileUp(owner, session, backlog + 50);
            // refused by the session core without the journal, so answered in order after every chat before it
            owner.sendText(RawClient.envelope("marker", "owner.transfer", session, Map.of("to", "nobody", "reason", "an in-order marker")));
            assertThat(owner.awaitReply("marker").path("code").asText()).isEqualTo("not_found");
            assertThat(owner.received()).as("within the backlog: delivered and answered before they are durable")
                    .anyMatch(m -> ids.get(backlog - 10).equals(m.path("re").asText(null)));
            assertThat(owner.received()).as("past it: they wait for the journal, which is held")
                    .noneMatch(m -> ids.get(backlog + 10).equals(m.path("re").asText(null)));
            assertThat(user.received()).noneMatch(JournalOverloadIT::impaired);

            release.countDown();
            for (String id : ids) {
                assertThat(owner.awaitReply(id).path("type").asText()).isEqualTo("ack");
            }
            WireSessions.assertAck(owner.command("session.end", session, Map.of("outcome", "resolved")), "ack");
            assertThat(String.join("\n", transcript(session))).contains("piled " + (backlog + 50));
            assertThat(user.received()).noneMatch(JournalOverloadIT::impaired);
        }
    }
}
