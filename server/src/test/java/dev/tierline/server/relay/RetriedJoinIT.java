package dev.tierline.server.relay;

import static dev.tierline.server.WireSessions.assertAck;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A join sent again with its id, from another connection: what a client does when the first
 * connection dropped before the ack came. The server applies it once and answers it with the
 * first ack; the new connection must also get the session, or the client waits for a snapshot
 * that went to the dead one.
 */
class RetriedJoinIT {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension();

    @Test
    void aJoinRetriedFromANewConnectionIsAnsweredOnceAndWelcomedThere() throws Exception {
        try (RawClient owner = RawClient.connect(server.uri());
             RawClient first = RawClient.connect(server.uri());
             RawClient second = RawClient.connect(server.uri())) {
            WireSessions.Created s = WireSessions.create(server, owner, "t-owner-retried-join");
            JsonNode invite = owner.command("invite.create", s.session(), Map.of("tier", "L2", "ttlSeconds", 60));
            String token = invite.path("body").path("token").asText();
            String bob = server.technician("t-bob-retried-join", Tier.L2);
            assertAck(first.hello(bob), "welcome");
            String id = first.nextId();
            String join = RawClient.envelope(id, "session.join", s.session(), Map.of("invite", token));
            first.sendText(join);
            JsonNode joined = first.awaitReply(id);
            assertAck(joined, "ack");
            first.awaitEvent("session.snapshot");

            assertAck(second.hello(bob), "welcome");
            second.sendText(join);
            JsonNode again = second.awaitReply(id);
            assertThat(again).as("the first ack, not a second join").isEqualTo(joined);
            second.awaitEvent("session.snapshot");

            JsonNode chat = owner.command("chat.send", s.session(), Map.of("text", "reaches the new connection"));
            second.awaitMessage(m -> m.path("seq").asLong() == chat.path("seq").asLong());
            assertThat(owner.receivedOfType("participant.joined")).as("joined once")
                    .filteredOn(m -> m.path("body").path("participant").path("id").asText().equals("t-bob-retried-join"))
                    .hasSize(1);
        }
    }
}
