package dev.tierline.server.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import java.util.List;
import java.util.Map;

/**
 * For the resume tests: a session of an owner, an end user and an L2 technician in which the user
 * has just dropped, having seen everything up to {@code resumeFrom}.
 */
record DroppedUser(WireSessions.Created session, long resumeFrom) {
    /** {@code user} is closed here; {@code owner} has seen it go. */
    static DroppedUser drop(ServerExtension server, RawClient owner, RawClient user, RawClient l2, String owners)
            throws Exception {
        WireSessions.Created s = WireSessions.create(server, owner, owners);
        WireSessions.joinAsUser(user, s);
        WireSessions.inviteAndJoin(server, owner, l2, s.session(), "t-l2-" + owners, Tier.L2, Map.of());
        JsonNode seen = owner.command("chat.send", s.session(), Map.of("text", "before the drop"));
        user.awaitMessage(m -> m.path("seq").asLong() == seen.path("seq").asLong());
        user.close();
        owner.awaitMessage(m -> m.path("type").asText().equals("participant.disconnected"));
        return new DroppedUser(s, seen.path("seq").asLong());
    }

    /** The events the returning user received, without its replies and its snapshot. */
    static List<JsonNode> replayed(RawClient back) {
        return back.received().stream()
                .filter(m -> m.hasNonNull("seq") && !m.path("type").asText().equals("ack")
                        && !m.path("type").asText().equals("session.snapshot"))
                .toList();
    }

    /** The events after {@link #resumeFrom} that {@code l2} received and an end user may see. */
    List<JsonNode> forTheUser(RawClient l2) {
        return l2.received().stream()
                .filter(m -> m.hasNonNull("seq") && m.path("seq").asLong() > resumeFrom
                        && !m.path("type").asText().equals("ack")
                        && !m.path("audience").asText().equals("technicians"))
                .toList();
    }
}
