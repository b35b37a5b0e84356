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
 * A participant that comes back after missing more than its outbound bound holds, on a link that
 * takes it in slowly but steadily, is replayed all of it; the replay is not mistaken for a reader
 * that stopped, and what happens live meanwhile reaches it after the replay.
 */
class ResumeBackpressureIT {
    /** About 1 MB of missed events against a 256 KiB bound. */
    private static final int MISSED = 1500;
    private static final int LIVE = 50;

    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.OUTBOUND_HIGH_WATER_BYTES, "262144")
            .with(Setting.MESSAGES_PER_SECOND, "1000000")
            .with(Setting.MESSAGE_BURST, "1000000");

    @Test
    void aReplayLargerThanTheOutboundBoundReachesASlowLinkWholeWithLiveTrafficBehind() throws Exception {
        RawClient user = RawClient.connect(server.uri()); // closed mid-test: the drop
        try (RawClient owner = RawClient.connect(server.uri());
             RawClient l2 = RawClient.connect(server.uri())) {
            DroppedUser dropped = DroppedUser.drop(server, owner, user, l2, "t-resume-bp");
            WireSessions.Created s = dropped.session();
            long resumeFrom = dropped.resumeFrom();

            String text = "y".repeat(500);
            String lastId = null;
            for (int i = 0; i < MISSED; i++) {
                lastId = owner.nextId();
                owner.write(RawClient.envelope(lastId, "chat.send", s.session(), Map.of("text", i + " " + text)));
                if (i % 100 == 99) {
                    owner.flush();
                    owner.awaitReply(lastId);
                }
            }
            owner.flush();
            owner.awaitReply(lastId);
            long closedBefore = server.server().metrics().slowReadersClosed();

            try (RawClient back = RawClient.connectWithSmallBuffer(server.uri())) {
                String helloId = "back-1";
                back.sendText(RawClient.envelope(helloId, "hello", null, Map.of("key", s.key(), "name", "Uma")));
                assertAck(back.awaitReply(helloId), "welcome");
                String joinId = "back-2";
                back.sendText(RawClient.envelope(joinId, "session.join", s.session(), Map.of("resumeFrom", resumeFrom)));
                JsonNode after = null;
                for (int i = 0; i < LIVE; i++) { // while the replay is under way
                    after = owner.command("chat.send", s.session(), Map.of("text", "live " + i));
                }
                long last = after.path("seq").asLong();
                back.awaitMessage(m -> m.path("seq").asLong() == last);
                l2.awaitMessage(m -> m.path("seq").asLong() == last);

                assertThat(back.isOpen()).as("the replay did not get the resumer closed").isTrue();
                assertThat(server.server().metrics().slowReadersClosed()).isEqualTo(closedBefore);
                List<JsonNode> replayed = DroppedUser.replayed(back);
                List<JsonNode> expected = dropped.forTheUser(l2);
                assertThat(expected).hasSizeGreaterThanOrEqualTo(MISSED + LIVE); // and the user's disconnect and return
                assertThat(replayed).containsExactlyElementsOf(expected);
            }
        }
    }
}
