package dev.tierline.server.fuzz;

import static dev.tierline.server.WireSessions.assertAck;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import dev.tierline.server.config.Setting;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thousands of mutated frames from an authenticated technician at a real server, aimed at its own
 * session and at a victim session it is not in. Every frame gets an error or an ack, or the
 * connection is closed cleanly (and the fuzzer reconnects); no handler throws, no reply says
 * {@code internal}, the fuzzer's own connection never hangs, and the victim session's
 * participants see nothing of it and still chat.
 */
class WireFuzzIT {
    private static final int FRAMES = 4_000;
    private static final int BATCH = 50;
    private static final long SEED = 7_2026_11_23L;

    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.MESSAGES_PER_SECOND, "1000000")
            .with(Setting.MESSAGE_BURST, "1000000")
            .with(Setting.MAX_CONSECUTIVE_ERRORS, "1000000");

    @Test
    void mutatedFramesGetErrorsOrCleanClosesAndNeverReachAnotherSession() throws Exception {
        RawClient victimOwner = RawClient.connect(server.uri());
        RawClient victimUser = RawClient.connect(server.uri());
        WireSessions.Created victim = WireSessions.create(server, victimOwner, "t-victim");
        WireSessions.joinAsUser(victimUser, victim);
        assertAck(victimOwner.command("session.join", victim.session(), Map.of()), "ack");
        assertAck(victimOwner.command("chat.send", victim.session(), Map.of("text", "before")), "ack");
        victimUser.awaitMessage(m -> "before".equals(m.path("body").path("text").asText()));
        int ownerSeen = victimOwner.received().size();
        int userSeen = victimUser.received().size();

        FrameMutator mutator = new FrameMutator(SEED, FrameMutator.corpus());
        Random bytes = new Random(SEED);
        int sent = 0;
        int cleanCloses = 0;
        int internalErrors = 0;
        List<String> unanswered = new ArrayList<>();
        while (sent < FRAMES) {
            try (RawClient fuzzer = RawClient.connect(server.uri())) {
                WireSessions.Created own = WireSessions.create(server, fuzzer, "t-fuzz");
                Map<String, String> ids = Map.of("$SESSION", own.session(), "$VICTIM", victim.session(),
                        "$PEER", "t-victim");
                while (sent < FRAMES && fuzzer.isOpen()) {
                    for (int i = 0; i < BATCH; i++, sent++) {
                        if (bytes.nextInt(200) == 0) { // now and then, bytes that are not UTF-8 at all
                            byte[] junk = new byte[1 + bytes.nextInt(64)];
                            bytes.nextBytes(junk);
                            fuzzer.channel().write(new TextWebSocketFrame(Unpooled.wrappedBuffer(junk)));
                        } else {
                            fuzzer.write(mutator.next(ids));
                        }
                    }
                    // Frames are handled in order, so once this is answered every frame before it was too.
                    String sync = "sync-" + sent;
                    fuzzer.write(RawClient.envelope(sync, "queue.list", null, Map.of()));
                    fuzzer.flush();
                    JsonNode reply = fuzzer.awaitMessage(m -> sync.equals(m.path("re").asText()) || !fuzzer.isOpen());
                    if (!fuzzer.isOpen()) {
                        break;
                    }
                    assertAck(reply, "ack");
                }
                if (!fuzzer.isOpen()) {
                    var close = fuzzer.awaitClose();
                    assertThat(close).as("closed with a close frame, not dropped").isNotNull();
                    assertThat(close.statusCode()).as(close.reasonText()).isIn(1002, 1007, 1008, 1009);
                    close.release();
                    cleanCloses++;
                }
                internalErrors += (int) fuzzer.received().stream()
                        .filter(m -> "internal".equals(m.path("code").asText())).count();
            }
        }

        assertThat(internalErrors).as("replies that say the server failed").isZero();
        assertThat(server.server().metrics().handlerExceptions()).as("exceptions that reached a handler").isZero();
        // The victim's participants saw none of it, and their session goes on.
        assertThat(victimOwner.received().size()).isEqualTo(ownerSeen);
        assertThat(victimUser.received().size()).isEqualTo(userSeen);
        assertAck(victimOwner.command("chat.send", victim.session(), Map.of("text", "after")), "ack");
        victimUser.awaitMessage(m -> "after".equals(m.path("body").path("text").asText()));
        System.out.printf("wire fuzz: %d frames, %d clean closes, seed %d%n", sent, cleanCloses, SEED);
        victimOwner.close();
        victimUser.close();
    }
}
