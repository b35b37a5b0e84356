package dev.tierline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.Tier;
import java.util.HashMap;
import java.util.Map;

/** Sets sessions up over raw sockets, for tests that check what crosses the wire. */
public final class WireSessions {
    public record Created(String session, String key) {}

    private WireSessions() {
    }

    public static Created create(ServerExtension server, RawClient owner, String ownerId) {
        return create(server, owner, ownerId, "T-" + ownerId);
    }

    public static Created create(ServerExtension server, RawClient owner, String ownerId, String ticket) {
        return create(owner, server.technician(ownerId, Tier.L1), ticket);
    }

    /** The owner says hello with {@code ownerToken} and opens a session on {@code ticket}. */
    public static Created create(RawClient owner, String ownerToken, String ticket) {
        assertAck(owner.hello(ownerToken), "welcome");
        JsonNode created = owner.command("session.create", null, Map.of("ticket", ticket, "title", "test"));
        assertAck(created, "ack");
        return new Created(created.path("body").path("session").asText(), created.path("body").path("key").asText());
    }

    public static void joinAsUser(RawClient user, Created created) {
        assertAck(user.command("hello", null, Map.of("key", created.key(), "name", "Uma")), "welcome");
        assertAck(user.command("session.join", created.session(), Map.of("key", created.key())), "ack");
    }

    /**
     * For a test that starts its own server: the owner says hello with {@code ownerToken} and opens
     * a session on {@code ticket}, which the end user joins; returns the session's id.
     */
    public static String openWithUser(RawClient owner, String ownerToken, RawClient user, String ticket) {
        Created created = create(owner, ownerToken, ticket);
        joinAsUser(user, created);
        return created.session();
    }

    /** {@code inviter} invites a technician of {@code tier}, who says hello as {@code id} and joins. */
    public static void inviteAndJoin(ServerExtension server, RawClient inviter, RawClient joiner, String session, String id,
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

    public static void assertAck(JsonNode reply, String type) {
        assertThat(reply.path("type").asText()).as(reply.toString()).isEqualTo(type);
    }
}
