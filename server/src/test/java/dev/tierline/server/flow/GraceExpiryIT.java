package dev.tierline.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tierline.client.ReconnectPolicy;
import dev.tierline.client.TierlineClient;
import dev.tierline.client.TierlineSession;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.Tier;
import dev.tierline.server.FaultyProxy;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.config.Setting;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A participant who drops and does not come back within the grace period has left, and holds nothing. */
class GraceExpiryIT {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension().with(Setting.RECONNECT_GRACE, "PT1S");

    @Test
    void aControllerWhoDropsLosesControlAtOnceAndHasLeftWhenGraceEnds() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(server.server().port(), 1, Integer.MAX_VALUE / 4);
             TierlineClient ann = server.client(server.technician("t-ann-grace", Tier.L1));
             TierlineClient bob = TierlineClient.builder().uri(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"))
                     .token(server.technician("t-bob-grace", Tier.L2)).reconnect(ReconnectPolicy.NEVER).build()) {
            ann.connect().join();
            ReplyBody.SessionOpened opened = ann.createSession("T-GRACE", "drop").join();
            TierlineSession l1 = ann.join(opened.session(), null).join();
            EventRecorder seen = new EventRecorder();
            ann.addListener(seen);
            try (TierlineClient user = server.endUserClient(opened.key(), "Uma")) {
                user.connect().join();
                TierlineSession me = user.join(opened.session(), null).join();
                bob.connect().join();
                TierlineSession l2 = bob.join(opened.session(), l1.invite(
                        new CommandBody.InviteCreate("L2", null, 60L, null, null, null)).join().token()).join();
                l2.requestControl().join();
                me.grantControl("t-bob-grace").join();

                proxy.links().get(0).drop();

                await().atMost(Duration.ofSeconds(5)).until(() -> seen.has(EventType.CONTROL_RELEASED,
                        e -> e.body(EventBody.ControlReleased.class).equals(
                                new EventBody.ControlReleased("t-bob-grace", "disconnected"))));
                assertThat(seen.has(EventType.PARTICIPANT_DISCONNECTED, e -> true)).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.has(EventType.PARTICIPANT_LEFT,
                        e -> e.body(EventBody.ParticipantLeft.class).equals(
                                new EventBody.ParticipantLeft("t-bob-grace", "timeout"))));
                var recorded = server.server().journal().store().entries(opened.session()).stream()
                        .map(dev.tierline.server.recording.JournalStore.Entry::type).toList();
                assertThat(recorded).containsSubsequence("control.granted", "participant.disconnected",
                        "control.released", "participant.left");
                assertThat(seen.all()).extracting(Event::type).doesNotContain(EventType.PARTICIPANT_RECONNECTED);
            }
        }
    }
}
