package dev.tierline.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import dev.tierline.server.config.Setting;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every kind of bad input gets its error code, and nobody else notices. */
class BadInputIT {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension().with(Setting.MAX_FRAME_BYTES, "4096");

    private static void assertError(JsonNode reply, String code) {
        assertThat(reply.path("type").asText()).as(reply.toString()).isEqualTo("error");
        assertThat(reply.path("code").asText()).as(reply.toString()).isEqualTo(code);
        assertThat(reply.path("message").asText()).isNotBlank();
    }

    private static JsonNode lastError(RawClient client) {
        return client.awaitMessage(m -> m.path("type").asText().equals("error") && m == client.last());
    }

    @Test
    void malformedJsonIsABadRequestAndTheConnectionStaysUsable() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            client.sendText("{\"v\":1,\"id\":\"c-1\",\"type\":");
            assertError(lastError(client), "bad_request");
            assertThat(client.hello(server.technician("t-malformed", Tier.L1)).path("type").asText()).isEqualTo("welcome");
        }
    }

    /** RFC 6455 8.1: a text frame that is not UTF-8 fails that connection with 1007; a session beside it goes on. */
    @Test
    void aTextFrameThatIsNotUtf8ClosesThatConnectionWith1007() throws Exception {
        try (RawClient owner = RawClient.connect(server.uri());
             RawClient user = RawClient.connect(server.uri());
             RawClient bad = RawClient.connect(server.uri())) {
            WireSessions.Created s = WireSessions.create(server, owner, "t-utf8-owner");
            WireSessions.joinAsUser(user, s);
            bad.hello(server.technician("t-utf8", Tier.L1));
            // an overlong "/" inside an otherwise fine command: what lenient decoders let through
            byte[] overlong = "{\"v\":1,\"id\":\"c-5\",\"type\":\"queue.list\",\"body\":{\"topic\":\"a\u00ff\u00ffb\"}}"
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            int at = new String(overlong, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('\u00ff');
            overlong[at] = (byte) 0xC0;
            overlong[at + 1] = (byte) 0xAF;
            bad.channel().writeAndFlush(new io.netty.handler.codec.http.websocketx.TextWebSocketFrame(
                    io.netty.buffer.Unpooled.wrappedBuffer(overlong)));
            CloseWebSocketFrame close = bad.awaitClose();
            assertThat(close.statusCode()).isEqualTo(1007);
            close.release();
            JsonNode chat = owner.command("chat.send", s.session(), Map.of("text", "still here"));
            assertThat(chat.path("type").asText()).isEqualTo("ack");
            user.awaitMessage(m -> m.path("seq").asLong() == chat.path("seq").asLong());
        }
    }

    @Test
    void unknownTypeIsNamedAsSuch() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            client.hello(server.technician("t-unknown", Tier.L1));
            JsonNode reply = client.command("chat.shout", "s-1", Map.of("text", "hi"));
            assertError(reply, "unknown_type");
            assertThat(reply.path("re").asText()).isEqualTo("c-2");
        }
    }

    @Test
    void missingFieldNamesTheField() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            client.hello(server.technician("t-missing", Tier.L1));
            JsonNode reply = client.command("session.create", null, Map.of("title", "no ticket"));
            assertError(reply, "bad_request");
            assertThat(reply.path("message").asText()).contains("body.ticket");
        }
    }

    @Test
    void wrongProtocolVersionIsUnsupported() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            client.sendText("{\"v\":2,\"id\":\"c-9\",\"type\":\"hello\",\"body\":{\"token\":\"x\"}}");
            JsonNode reply = client.awaitMessage(m -> "c-9".equals(m.path("re").asText()));
            assertError(reply, "unsupported_version");
        }
    }

    @Test
    void commandBeforeHelloIsUnauthenticatedButNotClosed() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            assertError(client.command("chat.send", "s-x", Map.of("text", "hi")), "unauthenticated");
            assertThat(client.isOpen()).isTrue();
            assertThat(client.hello(server.technician("t-early", Tier.L1)).path("type").asText()).isEqualTo("welcome");
        }
    }

    @Test
    void badTokenIsUnauthenticatedAndClosesWithAReason() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            assertError(client.hello("not-a-jwt"), "unauthenticated");
            CloseWebSocketFrame close = client.awaitClose();
            assertThat(close.statusCode()).isEqualTo(1008);
            assertThat(close.reasonText()).startsWith("unauthenticated");
            close.release();
        }
    }

    @Test
    void frameOverTheLimitIsTooLargeAndTheConnectionStaysOpen() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            client.hello(server.technician("t-large", Tier.L1));
            client.sendText("{\"v\":1,\"id\":\"big\",\"type\":\"chat.send\",\"session\":\"s\",\"body\":{\"text\":\""
                    + "x".repeat(5000) + "\"}}");
            assertError(lastError(client), "too_large");
            assertThat(client.isOpen()).isTrue();
            assertError(client.command("chat.send", "s-none", Map.of("text", "small")), "not_found");
        }
    }

    @Test
    void frameFarOverTheLimitClosesTheConnectionAsTooBig() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            client.hello(server.technician("t-huge", Tier.L1));
            client.sendText("x".repeat(4096 * 4 + 1));
            CloseWebSocketFrame close = client.awaitClose();
            assertThat(close).isNotNull();
            assertThat(close.statusCode()).isEqualTo(1009);
            close.release();
        }
    }

    @Test
    void binaryFramesAreRefused() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertError(lastError(client), "bad_request");
        }
    }

    @Test
    void commandForAnotherSessionIsForbiddenAndTheSessionGoesOn() throws Exception {
        try (RawClient owner = RawClient.connect(server.uri());
             RawClient user = RawClient.connect(server.uri());
             RawClient stranger = RawClient.connect(server.uri())) {
            owner.hello(server.technician("t-owner", Tier.L1));
            JsonNode created = owner.command("session.create", null, Map.of("ticket", "T-100", "title", "printer"));
            String session = created.path("body").path("session").asText();
            String key = created.path("body").path("key").asText();
            user.command("hello", null, Map.of("key", key, "name", "Uma"));
            assertThat(user.command("session.join", session, Map.of("key", key)).path("type").asText()).isEqualTo("ack");
            stranger.hello(server.technician("t-stranger", Tier.L2));

            assertError(stranger.command("chat.send", session, Map.of("text", "let me in")), "forbidden");
            assertError(stranger.command("session.end", session, Map.of("outcome", "resolved")), "forbidden");
            assertError(stranger.command("session.join", session, Map.of()), "forbidden");

            JsonNode ack = owner.command("chat.send", session, Map.of("text", "still here"));
            assertThat(ack.path("type").asText()).isEqualTo("ack");
            JsonNode message = user.awaitEvent("chat.message");
            assertThat(message.path("body").path("text").asText()).isEqualTo("still here");
            assertThat(message.path("seq").asLong()).isEqualTo(ack.path("seq").asLong());
            assertThat(stranger.receivedOfType("chat.message")).isEmpty();
        }
    }
}
