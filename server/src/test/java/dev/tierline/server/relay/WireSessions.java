package dev.tierline.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import java.util.HashMap;
import java.util.Map;

/** Sets sessions up over raw sockets, for tests that check what crosses the wire. */
final class WireSessions {
    record Created(String session, String key) {}

    private WireSessions() {
    }

    static Created create(ServerExtension server, RawClient owner, String ownerId) {
        assertAck(owner.hello(server.technician(ownerId, Tier.L1)), "welcome");
        JsonNode created = owner.command("session.create", null, Map.of("ticket", "T-" + ownerId, "title", "test"));
        assertAck(created, "ack");
        return new Created(created.path("body").path("session").asText(), created.path("body").path("key").asText());
    }

    static void joinAsUser(RawClient user, Created created) {
        assertAck(user.command("hello", null, Map.of("key", created.key(), "name", "Uma")), "welcome");
        assertAck(user.command("session.join", created.session(), Map.of("key", created.key())), "ack");
    }

    /** {@code inviter} invites a technician of {@code tier}, who says hello as {@code id} and joins. */
    static void inviteAndJoin(ServerExtension server, RawClient inviter, RawClient joiner, String session, String id,
                              Tier tier, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(extra);
        body.put("tier", tier.name());
        body.put("ttlSeconds", 60);
        JsonNode invite = inviter.command("invite.create", session, body);
        assertAck(invite, "ack");
        assertAck(joiner.hello(server.technician(id, tier)), "welcome");
        assertAck(joiner.command("session.join", session, Map.of("invite", invite.path("body").path("token").asText())),
                "ack");
    }

    static void assertAck(JsonNode reply, String type) {
        assertThat(reply.path("type").asText()).as(reply.toString()).isEqualTo(type);
    }
}
