package dev.tierline.server.relay;

import static dev.tierline.server.WireSessions.assertAck;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tier rules as they show on the wire: what reaches whose socket. */
class TierWireIT {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension();

    @Test
    void technicianOnlyTrafficNeverReachesTheEndUsersSocket() throws Exception {
        try (RawClient owner = RawClient.connect(server.uri());
             RawClient user = RawClient.connect(server.uri());
             RawClient l2 = RawClient.connect(server.uri())) {
            WireSessions.Created s = WireSessions.create(server, owner, "t-tech-only");
            WireSessions.joinAsUser(user, s);
            WireSessions.inviteAndJoin(server, owner, l2, s.session(), "t-l2-tech-only", Tier.L2, Map.of());

            owner.command("chat.send", s.session(), Map.of("text", "SECRET-CHAT user seems stressed", "audience", "technicians"));
            owner.command("note.add", s.session(), Map.of("text", "SECRET-NOTE reset the token"));
            JsonNode last = owner.command("chat.send", s.session(), Map.of("text", "all clear"));

            user.awaitMessage(m -> m.path("seq").asLong() == last.path("seq").asLong());
            l2.awaitMessage(m -> m.path("seq").asLong() == last.path("seq").asLong());
            List<JsonNode> userFrames = user.received();
            assertThat(userFrames).noneMatch(m -> m.toString().contains("SECRET"));
            assertThat(userFrames).noneMatch(m -> m.path("type").asText().equals("invite.created"));
            assertThat(userFrames).noneMatch(m -> m.path("audience").asText().equals("technicians"));
            assertThat(l2.received()).anyMatch(m -> m.toString().contains("SECRET-CHAT"));
            assertThat(l2.received()).anyMatch(m -> m.toString().contains("SECRET-NOTE"));
            // the user's seq stream has holes exactly where technician-only events are
            assertThat(user.receivedOfType("chat.message")).hasSize(1);
        }
    }

    @RepeatedTest(20)
    void twoTechniciansAcceptingTheSameRequestAtOnceExactlyOneWins() throws Exception {
        try (RawClient user = RawClient.connect(server.uri());
             RawClient ann = RawClient.connect(server.uri());
             RawClient bob = RawClient.connect(server.uri())) {
            assertAck(user.hello(server.endUser("u-race")), "welcome");
            JsonNode opened = user.command("request.open", null, Map.of("topic", "race", "summary", "printer jams"));
            String session = opened.path("body").path("session").asText();
            assertAck(ann.hello(server.technician("t-ann-race", Tier.L1)), "welcome");
            assertAck(bob.hello(server.technician("t-bob-race", Tier.L1)), "welcome");
            JsonNode queue = ann.command("queue.list", null, Map.of("topic", "race"));
            assertThat(queue.path("body").path("requests").findValuesAsText("session")).contains(session);

            String annId = ann.nextId();
            String bobId = bob.nextId();
            ann.write(RawClient.envelope(annId, "session.accept", session, Map.of()));
            bob.write(RawClient.envelope(bobId, "session.accept", session, Map.of()));
            ann.flush();
            bob.flush();
            List<String> outcomes = List.of(ann.awaitReply(annId).path("type").asText() + ":"
                    + ann.awaitReply(annId).path("code").asText(), bob.awaitReply(bobId).path("type").asText() + ":"
                    + bob.awaitReply(bobId).path("code").asText());
            assertThat(outcomes).containsExactlyInAnyOrder("ack:", "error:conflict");
            JsonNode accepted = user.awaitEvent("session.accepted");
            assertThat(accepted.path("body").path("owner").asText()).isIn("t-ann-race", "t-bob-race");
            // the winner owns it; leaving and ending keeps the queue clean for the next repetition
            RawClient winner = outcomes.get(0).startsWith("ack") ? ann : bob;
            assertAck(winner.command("session.end", session, Map.of("outcome", "resolved", "resolution", "race")), "ack");
        }
    }

    @Test
    void aSignalReachesOnlyItsTarget() throws Exception {
        try (RawClient owner = RawClient.connect(server.uri());
             RawClient user = RawClient.connect(server.uri());
             RawClient l2 = RawClient.connect(server.uri())) {
            WireSessions.Created s = WireSessions.create(server, owner, "t-signal");
            WireSessions.joinAsUser(user, s);
            WireSessions.inviteAndJoin(server, owner, l2, s.session(), "t-l2-signal", Tier.L2, Map.of());
            String userId = "user-" + s.session();

            assertAck(owner.command("screen.signal", s.session(), Map.of("to", userId, "kind", "offer",
                    "payload", Map.of("sdp", "v=0 SIGNAL-FOR-USER"))), "ack");
            JsonNode signal = user.awaitEvent("screen.signal");
            assertThat(signal.path("body").path("from").asText()).isEqualTo("t-signal");
            assertThat(signal.has("seq")).as("signals are not recorded").isFalse();
            JsonNode marker = owner.command("chat.send", s.session(), Map.of("text", "after the signal"));
            l2.awaitMessage(m -> m.path("seq").asLong() == marker.path("seq").asLong());
            assertThat(l2.received()).noneMatch(m -> m.toString().contains("SIGNAL-FOR-USER"));

            JsonNode missing = owner.command("screen.signal", s.session(), Map.of("to", "t-nobody", "kind", "ice",
                    "payload", Map.of("candidate", "c")));
            assertThat(missing.path("code").asText()).isEqualTo("not_found");
        }
    }
}
