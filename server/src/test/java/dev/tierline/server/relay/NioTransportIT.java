package dev.tierline.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import dev.tierline.server.config.Setting;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every other IT runs on the transport {@code auto} picks, which on Linux is epoll; this one keeps
 * the NIO transport, what other systems run on, relaying a session end to end.
 */
class NioTransportIT {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension().with(Setting.IO_TRANSPORT, "nio");

    @Test
    void aSessionRelaysChatBetweenItsParticipantsOnNio() throws Exception {
        assertThat(server.server().transport()).isEqualTo("nio");
        try (RawClient owner = RawClient.connect(server.uri());
             RawClient user = RawClient.connect(server.uri());
             RawClient l2 = RawClient.connect(server.uri())) {
            WireSessions.Created s = WireSessions.create(server, owner, "t-nio-owner");
            WireSessions.joinAsUser(user, s);
            WireSessions.inviteAndJoin(server, owner, l2, s.session(), "t-nio-l2", Tier.L2, Map.of());

            JsonNode sent = user.command("chat.send", s.session(), Map.of("text", "the VPN drops every hour"));
            long seq = sent.path("seq").asLong();
            for (RawClient other : new RawClient[] {owner, l2}) {
                JsonNode seen = other.awaitMessage(m -> m.path("seq").asLong() == seq);
                assertThat(seen.path("type").asText()).isEqualTo("chat.message");
                assertThat(seen.path("body").path("text").asText()).isEqualTo("the VPN drops every hour");
            }
        }
    }
}
