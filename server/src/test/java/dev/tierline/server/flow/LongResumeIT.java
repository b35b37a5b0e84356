package dev.tierline.server.flow;

import static dev.tierline.server.WireSessions.assertAck;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import dev.tierline.server.config.Setting;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A participant away for longer than a session keeps in memory: what it missed is read back from
 * the journal, and it gets every event it may see exactly once, in seq order, as it was sent live.
 */
class LongResumeIT {
    /** More than the session keeps in memory, so the oldest missed events must come from the journal. */
    private static final int MISSED = 700;

    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.MESSAGES_PER_SECOND, "1000000")
            .with(Setting.MESSAGE_BURST, "1000000");

    @Test
    void aUserAwayForHundredsOfEventsIsReplayedAllItMaySeeInOrderWithLiveTrafficBehind() throws Exception {
        RawClient user = RawClient.connect(server.uri()); // closed mid-test: the drop
        try (RawClient owner = RawClient.connect(server.uri());
             RawClient l2 = RawClient.connect(server.uri())) {
            DroppedUser dropped = DroppedUser.drop(server, owner, user, l2, "t-long-resume");
            WireSessions.Created s = dropped.session();
            long resumeFrom = dropped.resumeFrom();

            String lastId = null;
            for (int i = 0; i < MISSED; i++) {
                boolean techniciansOnly = i % 7 == 3;
                lastId = owner.nextId();
                owner.sendText(RawClient.envelope(lastId, "chat.send", s.session(), techniciansOnly
                        ? Map.of("text", "tech-only " + i, "audience", "technicians") : Map.of("text", "missed " + i)));
            }
            owner.awaitReply(lastId);

            try (RawClient back = RawClient.connect(server.uri())) {
                // command ids are the client's and must not repeat ones it used before: a repeated id is a retry
                String helloId = "again-1";
                back.sendText(RawClient.envelope(helloId, "hello", null, Map.of("key", s.key(), "name", "Uma")));
                assertAck(back.awaitReply(helloId), "welcome");
                String joinId = "again-2";
                back.sendText(RawClient.envelope(joinId, "session.join", s.session(), Map.of("resumeFrom", resumeFrom)));
                // sent while the replay may still be under way: it must arrive after everything missed
                JsonNode after = owner.command("chat.send", s.session(), Map.of("text", "right after the resume"));
                assertAck(back.awaitReply(joinId), "ack");
                back.awaitMessage(m -> m.path("seq").asLong() == after.path("seq").asLong());
                l2.awaitMessage(m -> m.path("seq").asLong() == after.path("seq").asLong());

                List<JsonNode> replayed = DroppedUser.replayed(back);
                List<JsonNode> expected = dropped.forTheUser(l2);
                assertThat(expected).hasSizeGreaterThan(MISSED / 2);
                // the same events, field for field, in the same order: none missing, none twice, none for technicians
                assertThat(replayed).containsExactlyElementsOf(expected);
                assertThat(replayed).noneMatch(m -> m.toString().contains("tech-only"));
            }
        }
    }
}
