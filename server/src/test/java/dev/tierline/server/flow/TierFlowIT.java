package dev.tierline.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierline.client.TierlineClient;
import dev.tierline.client.TierlineException;
import dev.tierline.client.TierlineSession;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.Tier;
import dev.tierline.server.ServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The service desk's escalation path, end to end over the SDK. */
class TierFlowIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final ServerExtension server = new ServerExtension();

    @Test
    void requestToL1ToL2ToATimeBoxedL4ToResolvedReadsAsTheEscalationPath() throws Exception {
        try (TierlineClient user = server.client(server.endUser("u-uma-flow"));
             TierlineClient ann = server.client(server.technician("t-ann-flow", Tier.L1));
             TierlineClient bob = server.client(server.technician("t-bob-flow", Tier.L2));
             TierlineClient vic = server.client(server.technician("v-vic-flow", Tier.L4))) {
            EventRecorder userEvents = new EventRecorder();
            user.addListener(userEvents);
            user.connect().join();
            ReplyBody.SessionOpened request = user.openRequest("vpn", "VPN drops every hour", null).join();
            String id = request.session();

            ann.connect().join();
            assertThat(ann.queue("vpn").join()).extracting(ReplyBody.QueuedRequest::session).contains(id);
            TierlineSession l1 = ann.accept(id).join();
            l1.chat("Hi, I am Ann from the help desk").join();
            await().until(() -> userEvents.has(EventType.CHAT_MESSAGE, e -> true));

            ReplyBody.InviteIssued forBob = l1.invite(new CommandBody.InviteCreate("L2", "t-bob-flow", 300L, null, null, null)).join();
            bob.connect().join();
            TierlineSession l2 = bob.join(id, forBob.token()).join();
            l1.transferOwner("t-bob-flow", "needs network engineering").join();

            ReplyBody.InviteIssued forVic = l2.invite(new CommandBody.InviteCreate("L4", null, 300L, false, 2L, false)).join();
            vic.connect().join();
            TierlineSession l4 = vic.join(id, forVic.token()).join();
            TierlineException noInvite = (TierlineException) catchCause(() ->
                    l4.invite(new CommandBody.InviteCreate("L2", null, 60L, null, null, null)).join());
            assertThat(noInvite.code()).isEqualTo(ErrorCode.FORBIDDEN);
            l4.chat("Vendor here, checking the concentrator logs").join();

            await().atMost(Duration.ofSeconds(10)).until(() -> userEvents.has(EventType.PARTICIPANT_LEFT,
                    e -> e.body(EventBody.ParticipantLeft.class).equals(
                            new EventBody.ParticipantLeft("v-vic-flow", "access window ended"))));
            TierlineException gone = (TierlineException) catchCause(() -> l4.chat("still here?").join());
            assertThat(gone.code()).isIn(ErrorCode.FORBIDDEN, ErrorCode.UNAVAILABLE);

            l2.end("resolved", "Replaced the expired VPN certificate on the concentrator").join();
            await().until(() -> userEvents.has(EventType.SESSION_ENDED, e -> true));

            List<EventBody.OwnerTransferred> transfers = userEvents.ofType(EventType.OWNER_TRANSFERRED).stream()
                    .map(e -> e.body(EventBody.OwnerTransferred.class)).toList();
            assertThat(transfers).containsExactly(new EventBody.OwnerTransferred("t-ann-flow", Tier.L1, "t-bob-flow",
                    Tier.L2, "needs network engineering"));
            JsonNode history = JSON.readTree(server.get("/api/tickets/" + request.ticket() + "/history",
                    server.auditor("a-flow"), null).body()).path("entries").get(0);
            assertThat(history.path("escalationPath")).extracting(JsonNode::asText).containsExactly("L1", "L2");
            assertThat(history.path("participants").findValuesAsText("tier")).contains("L1", "L2", "L4");
            assertThat(history.path("outcome").asText()).isEqualTo("resolved");
        }
    }

    private static Throwable catchCause(Runnable action) {
        try {
            action.run();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a refusal");
    }
}
