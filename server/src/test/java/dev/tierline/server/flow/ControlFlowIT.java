package dev.tierline.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tierline.client.TierlineClient;
import dev.tierline.client.TierlineSession;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.Tier;
import dev.tierline.server.ServerExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The remote-control token changing hands with the end user's consent, over the SDK. */
class ControlFlowIT {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension();

    @Test
    void l1RequestsUserGrantsL1HandsOffToL2UserConsentsL2Releases() throws Exception {
        try (TierlineClient ann = server.client(server.technician("t-ann-ctl", Tier.L1));
             TierlineClient bob = server.client(server.technician("t-bob-ctl", Tier.L2))) {
            ann.connect().join();
            ReplyBody.SessionOpened opened = ann.createSession("T-CTL", "remote fix").join();
            TierlineSession l1 = ann.join(opened.session(), null).join();
            try (TierlineClient user = server.endUserClient(opened.key(), "Uma")) {
                EventRecorder seen = new EventRecorder();
                user.addListener(seen);
                user.connect().join();
                TierlineSession me = user.join(opened.session(), null).join();
                me.startShare("st-1", List.of(new CommandBody.Display("d1", 1920, 1080, 1.0, true)), "vp9", 30).join();
                bob.connect().join();
                TierlineSession l2 = bob.join(opened.session(), l1.invite(
                        new CommandBody.InviteCreate("L2", null, 60L, null, null, null)).join().token()).join();
                l1.requestControl().join();
                me.grantControl("t-ann-ctl").join();
                l1.handoffControl("t-bob-ctl").join();
                await().until(() -> seen.has(EventType.CONTROL_HANDOFF_REQUESTED, e -> true));
                me.grantControl("t-bob-ctl").join();
                l2.releaseControl().join();
                await().until(() -> seen.has(EventType.CONTROL_RELEASED, e -> true));

                assertThat(seen.all().stream().filter(e -> e.type().wire().startsWith("control.")).map(e -> e.type().wire()))
                        .containsExactly("control.requested", "control.granted", "control.handoff.requested",
                                "control.granted", "control.released");
                assertThat(seen.ofType(EventType.CONTROL_GRANTED)).extracting(e -> e.body(EventBody.ControlGranted.class))
                        .containsExactly(new EventBody.ControlGranted("t-ann-ctl", null, "user"),
                                new EventBody.ControlGranted("t-bob-ctl", "t-ann-ctl", "user"));
                assertThat(me.snapshot()).as("a joined handle comes with its snapshot").isNotNull();
                assertThat(l2.snapshot().share()).as("a joiner mid-share sees the share").isNotNull();
            }
        }
    }
}
