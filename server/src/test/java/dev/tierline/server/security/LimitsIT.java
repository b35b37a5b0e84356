package dev.tierline.server.security;

import static dev.tierline.server.WireSessions.assertAck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.server.RawClient;
import dev.tierline.server.RawSocket;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import dev.tierline.server.config.Setting;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile and broken clients, each handled as the limits say, while a well-behaved session on the
 * same server goes on: after every case, its owner's chat still reaches its end user.
 */
class LimitsIT {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.MESSAGES_PER_SECOND, "20")
            .with(Setting.MESSAGE_BURST, "20")
            .with(Setting.RATE_LIMITED_BEFORE_CLOSE, "40")
            .with(Setting.HELLO_TIMEOUT, "PT1S")
            .with(Setting.PING_INTERVAL, "PT1S")
            .with(Setting.MAX_FRAME_BYTES, "4096")
            .with(Setting.ALLOWED_ORIGINS, "https://console.example.test");

    static RawClient owner;
    static RawClient user;
    static int checks;

    @BeforeAll
    static void wellBehavedSession() throws Exception {
        owner = RawClient.connect(server.uri());
        user = RawClient.connect(server.uri());
        WireSessions.Created created = WireSessions.create(server, owner, "t-good");
        WireSessions.joinAsUser(user, created);
        owner.command("session.join", created.session(), Map.of());
        goodSession = created.session();
    }

    static String goodSession;

    @AfterAll
    static void close() {
        owner.close();
        user.close();
    }

    /** The well-behaved session still relays, and no handler ever threw. */
    static void wellBehavedSessionStillWorks() {
        String text = "still here " + (++checks);
        assertAck(owner.command("chat.send", goodSession, Map.of("text", text)), "ack");
        user.awaitMessage(m -> text.equals(m.path("body").path("text").asText()));
        assertThat(server.server().metrics().handlerExceptions()).isZero();
    }

    @Test
    void overRateFramesAreRefusedThenASustainedFloodIsClosed() throws Exception {
        try (RawClient flooder = RawClient.connect(server.uri())) {
            WireSessions.Created created = WireSessions.create(server, flooder, "t-flood");
            int burst = 30;
            for (int i = 0; i < burst; i++) {
                flooder.write(RawClient.envelope("f-" + i, "chat.send", created.session(), Map.of("text", "spam " + i)));
            }
            flooder.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> replies(flooder, "f-") == burst);
            long limited = flooder.received().stream()
                    .filter(m -> m.path("re").asText().startsWith("f-") && "rate_limited".equals(m.path("code").asText()))
                    .count();
            // hello and session.create took 2 of the burst of 20; the bucket refills slowly meanwhile
            assertThat(limited).isPositive();
            assertThat(burst - limited).isGreaterThanOrEqualTo(18);
            assertThat(flooder.isOpen()).isTrue();

            for (int i = 0; i < 200; i++) {
                flooder.write(RawClient.envelope("g-" + i, "chat.send", created.session(), Map.of("text", "spam")));
            }
            flooder.flush();
            CloseWebSocketFrame close = flooder.awaitClose();
            assertThat(close.statusCode()).isEqualTo(1008);
            assertThat(close.reasonText()).isEqualTo("rate limit exceeded repeatedly");
            close.release();
        }
        wellBehavedSessionStillWorks();
    }

    private static long replies(RawClient client, String prefix) {
        return client.received().stream().filter(m -> m.path("re").asText().startsWith(prefix)).count();
    }

    @Test
    void anOversizedFrameIsRefusedAndAFarTooLargeOneClosesTheConnection() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            assertAck(client.hello(server.technician("t-big", dev.tierline.protocol.Tier.L1)), "welcome");
            client.sendText(RawClient.envelope("big-1", "chat.send", "s-x", Map.of("text", "x".repeat(5_000))));
            JsonNode refused = client.awaitMessage(m -> "error".equals(m.path("type").asText()));
            assertThat(refused.path("code").asText()).isEqualTo("too_large");
            assertThat(client.isOpen()).isTrue();

            client.sendText(RawClient.envelope("big-2", "chat.send", "s-x", Map.of("text", "x".repeat(20_000))));
            CloseWebSocketFrame close = client.awaitClose();
            assertThat(close.statusCode()).isEqualTo(1009);
            close.release();
        }
        wellBehavedSessionStillWorks();
    }

    @Test
    void tooDeepJsonIsABadRequestNotACrash() throws Exception {
        try (RawClient client = RawClient.connect(server.uri())) {
            assertAck(client.hello(server.technician("t-deep", dev.tierline.protocol.Tier.L1)), "welcome");
            String deep = "[".repeat(40) + "]".repeat(40);
            client.sendText("{\"v\":1,\"id\":\"deep-1\",\"type\":\"chat.send\",\"session\":\"s-x\",\"body\":{\"text\":\"a\",\"x\":" + deep + "}}");
            JsonNode refused = client.awaitMessage(m -> "error".equals(m.path("type").asText()));
            assertThat(refused.path("code").asText()).isEqualTo("bad_request");
            assertThat(refused.path("message").asText()).contains("nest");
            assertThat(client.isOpen()).isTrue();
        }
        wellBehavedSessionStillWorks();
    }

    @Test
    void aSlowLorisTricklingAnHttpHeadIsClosedAtTheHelloTimeout() throws Exception {
        try (RawSocket loris = new RawSocket(server.uri())) {
            loris.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            assertThat(loris.awaitEndOfStream()).as("closed by the server").isTrue();
        }
        wellBehavedSessionStillWorks();
    }

    @Test
    void aWebSocketThatNeverSaysHelloIsClosedWithAReason() throws Exception {
        try (RawClient silent = RawClient.connect(server.uri())) {
            CloseWebSocketFrame close = silent.awaitClose();
            assertThat(close.statusCode()).isEqualTo(1008);
            assertThat(close.reasonText()).isEqualTo("no hello within 1s");
            close.release();
        }
        wellBehavedSessionStillWorks();
    }

    @Test
    void aConnectionThatDoesNotAnswerPingsIsClosedAndOneThatDoesStays() throws Exception {
        RawClient ponger = RawClient.connect(server.uri()); // Netty's client answers pings by itself
        assertAck(ponger.hello(server.technician("t-pong", dev.tierline.protocol.Tier.L1)), "welcome");
        try (RawSocket deaf = new RawSocket(server.uri())) {
            deaf.upgrade();
            deaf.write(helloFrame(server.technician("t-deaf", dev.tierline.protocol.Tier.L1)));
            RawSocket.Frame frame;
            boolean pinged = false;
            while ((frame = deaf.readFrame()) != null && frame.opcode() != 0x8) {
                pinged |= frame.opcode() == 0x9;
            }
            assertThat(pinged).as("pinged before being closed").isTrue();
            assertThat(frame).isNotNull();
            assertThat(frame.closeCode()).isEqualTo(1001);
            assertThat(frame.closeReason()).isEqualTo("idle timeout: no answer to ping");
        }
        // The ponger was idle for at least as long as the deaf client, and answered every ping.
        assertThat(ponger.isOpen()).isTrue();
        assertThat(ponger.command("queue.list", null, Map.of()).path("type").asText()).isEqualTo("ack");
        ponger.close();
        wellBehavedSessionStillWorks();
    }

    @Test
    void browserPagesFromOtherOriginsCannotOpenTheWebSocket() throws Exception {
        assertThatThrownBy(() -> RawClient.connect(server.uri(),
                null, new DefaultHttpHeaders().set("Origin", "https://evil.example.test")))
                .hasMessageContaining("403");
        try (RawClient listed = RawClient.connect(server.uri(), null,
                new DefaultHttpHeaders().set("Origin", "https://console.example.test"))) {
            assertAck(listed.hello(server.technician("t-console", dev.tierline.protocol.Tier.L1)), "welcome");
        }
        String self = "http://127.0.0.1:" + server.uri().getPort();
        try (RawClient sameOrigin = RawClient.connect(server.uri(), null, new DefaultHttpHeaders().set("Origin", self))) {
            assertAck(sameOrigin.hello(server.technician("t-self", dev.tierline.protocol.Tier.L1)), "welcome");
        }
        wellBehavedSessionStillWorks();
    }

    /** A masked text frame carrying a hello, as a client must send it. */
    private static String helloFrame(String token) {
        byte[] payload = RawClient.envelope("h-1", "hello", null, Map.of("token", token))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder frame = new StringBuilder();
        frame.append((char) 0x81);
        if (payload.length < 126) {
            frame.append((char) (0x80 | payload.length));
        } else {
            frame.append((char) (0x80 | 126)).append((char) (payload.length >> 8)).append((char) (payload.length & 0xff));
        }
        frame.append("\0\0\0\0"); // a zero mask leaves the payload as it is
        for (byte b : payload) {
            frame.append((char) (b & 0xff));
        }
        return frame.toString();
    }
}
