package dev.tierline.server.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import dev.tierline.server.config.Setting;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A reader that stops reading costs the server bounded memory and the other participants nothing. */
class BackpressureIT {
    private static final int POINTERS = 60_000;
    private static final int BATCH = 500;

    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.OUTBOUND_HIGH_WATER_BYTES, String.valueOf(256 * 1024))
            // these tests flood on purpose to fill socket buffers; the rate limit is LimitsIT's subject
            .with(Setting.MESSAGES_PER_SECOND, "1000000")
            .with(Setting.MESSAGE_BURST, "1000000");

    /**
     * The sender paces itself in batches until the healthy readers have caught up, so that only the
     * stalled reader is ever far behind; a burst on a busy machine must not decide who is slow.
     */
    private static void awaitCaughtUp(RawClient reader, String type, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2)).until(() -> reader.count(type) >= count);
    }

    @Test
    void aStalledReaderGetsOnlyTheNewestPointerWhileOthersGetEveryOne() throws Exception {
        try (RawClient owner = RawClient.connect(server.uri());
             RawClient user = RawClient.connect(server.uri());
             RawClient stalled = RawClient.connectWithSmallBuffer(server.uri())) {
            WireSessions.Created s = WireSessions.create(server, owner, "t-pointer");
            WireSessions.joinAsUser(user, s);
            WireSessions.inviteAndJoin(server, owner, stalled, s.session(), "t-stalled", Tier.L2, Map.of());
            stalled.stopReading();
            long coalescedBefore = server.server().metrics().pointersCoalesced();

            for (int i = 1; i <= POINTERS; i++) {
                owner.write(RawClient.envelope("p-" + i, "screen.pointer", s.session(),
                        Map.of("display", "d1", "x", i, "y", 0)));
                if (i % BATCH == 0) {
                    owner.flush();
                    awaitCaughtUp(user, "screen.pointer", i);
                }
            }
            assertThat(user.last().path("body").path("x").asInt()).isEqualTo(POINTERS);
            assertThat(server.server().metrics().pointersCoalesced()).isGreaterThan(coalescedBefore);

            stalled.resumeReading();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode last = stalled.last();
                return last != null && last.path("type").asText().equals("screen.pointer")
                        && last.path("body").path("x").asInt() == POINTERS;
            });
            assertThat(stalled.count("screen.pointer")).as("older positions were dropped, not queued")
                    .isLessThan(POINTERS / 2);
            assertThat(stalled.isOpen()).as("pointer traffic alone never closes a reader").isTrue();
        }
    }

    @Test
    void aReaderTooFarBehindIsClosedAsSlowWhileTheOthersGetEveryMessage() throws Exception {
        try (RawClient owner = RawClient.connect(server.uri());
             RawClient user = RawClient.connect(server.uri());
             RawClient slow = RawClient.connectWithSmallBuffer(server.uri())) {
            WireSessions.Created s = WireSessions.create(server, owner, "t-flood");
            WireSessions.joinAsUser(user, s);
            WireSessions.inviteAndJoin(server, owner, slow, s.session(), "t-slow", Tier.L2, Map.of());
            slow.stopReading();
            long closedBefore = server.server().metrics().slowReadersClosed();

            String text = "x".repeat(1000);
            int messages = 3000; // ~3 MB to the slow reader: far past its 256 KiB bound
            for (int i = 1; i <= messages; i++) {
                owner.write(RawClient.envelope("m-" + i, "chat.send", s.session(), Map.of("text", text)));
                if (i % 100 == 0) {
                    owner.flush();
                    awaitCaughtUp(user, "chat.message", i);
                    awaitCaughtUp(owner, "chat.message", i);
                }
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.server().metrics().slowReadersClosed() > closedBefore);
            slow.resumeReading();
            CloseWebSocketFrame close = slow.awaitClose();
            assertThat(close).as("closed with a close frame, not just dropped").isNotNull();
            assertThat(close.reasonText()).isEqualTo("slow reader");
            close.release();
            // the session goes on for everyone else, gap-free
            JsonNode after = owner.command("chat.send", s.session(), Map.of("text", "still going"));
            user.awaitMessage(m -> m.path("seq").asLong() == after.path("seq").asLong());
            assertThat(user.receivedOfType("chat.message")).extracting(m -> m.path("seq").asLong())
                    .isSorted().doesNotHaveDuplicates();
        }
    }
}
