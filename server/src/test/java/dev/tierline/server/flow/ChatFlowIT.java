package dev.tierline.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tierline.client.TierlineClient;
import dev.tierline.client.TierlineSession;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Participant;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.Tier;
import dev.tierline.server.ServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Four participants on the real SDK: one technician, the end user and two colleagues. */
class ChatFlowIT {
    private static final int MESSAGES_EACH = 50;

    @RegisterExtension
    static final ServerExtension server = new ServerExtension();

    @Test
    void fourParticipantsChattingAtOnceAllSeeTheSameMessagesInTheSameGapFreeOrder() throws Exception {
        try (TierlineClient ann = server.client(server.technician("t-ann-chat", Tier.L1))) {
            ann.connect().join();
            ReplyBody.SessionOpened opened = ann.createSession("T-CHAT", "four of us").join();
            String id = opened.session();
            try (TierlineClient user = server.endUserClient(opened.key(), "Uma");
                 TierlineClient bob = server.client(server.technician("t-bob-chat", Tier.L2));
                 TierlineClient cy = server.client(server.technician("t-cy-chat", Tier.L3))) {
                TierlineSession annSession = ann.join(id, null).join();
                user.connect().join();
                TierlineSession userSession = user.join(id, null).join();
                bob.connect().join();
                TierlineSession bobSession = bob.join(id, annSession.invite(
                        new CommandBody.InviteCreate("L2", null, 60L, null, null, null)).join().token()).join();
                cy.connect().join();
                TierlineSession cySession = cy.join(id, annSession.invite(
                        new CommandBody.InviteCreate("L3", null, 60L, null, null, null)).join().token()).join();

                List<TierlineSession> all = List.of(annSession, userSession, bobSession, cySession);
                List<List<Event>> seen = new ArrayList<>();
                for (TierlineSession s : all) {
                    List<Event> mine = java.util.Collections.synchronizedList(new ArrayList<>());
                    s.onEvent(mine::add);
                    seen.add(mine);
                }
                // everyone has seen the same prefix (the last join) before the chatter starts
                await().until(() -> all.stream().mapToLong(TierlineSession::lastSeq).distinct().count() == 1);
                long start = annSession.lastSeq();
                List<CompletableFuture<?>> sends = new ArrayList<>();
                for (int i = 0; i < MESSAGES_EACH; i++) {
                    for (int p = 0; p < all.size(); p++) {
                        sends.add(all.get(p).chat("p" + p + "-m" + i));
                    }
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
                int total = MESSAGES_EACH * all.size();
                await().atMost(Duration.ofSeconds(20)).until(() -> seen.stream().allMatch(s -> chats(s).size() == total));

                List<String> reference = chats(seen.get(0)).stream().map(ChatFlowIT::seqAndText).toList();
                for (List<Event> events : seen) {
                    List<Event> messages = chats(events);
                    assertThat(messages.stream().map(ChatFlowIT::seqAndText).toList()).isEqualTo(reference);
                    assertThat(messages).extracting(Event::seq).containsExactlyElementsOf(
                            java.util.stream.LongStream.rangeClosed(start + 1, start + total).boxed().toList());
                }
                for (int p = 0; p < all.size(); p++) {
                    int sender = p;
                    List<String> own = chats(seen.get(0)).stream().map(e -> e.body(EventBody.ChatMessage.class).text())
                            .filter(t -> t.startsWith("p" + sender + "-")).toList();
                    assertThat(own).as("each sender's messages keep their order")
                            .containsExactlyElementsOf(java.util.stream.IntStream.range(0, MESSAGES_EACH)
                                    .mapToObj(i -> "p" + sender + "-m" + i).toList());
                }

                cySession.leave().join();
                await().until(() -> seen.get(0).stream().anyMatch(e -> e.type() == EventType.PARTICIPANT_LEFT
                        && e.body(EventBody.ParticipantLeft.class).participant().equals("t-cy-chat")));
                bob.close(); // a drop, not a leave
                await().until(() -> seen.get(1).stream().anyMatch(e -> e.type() == EventType.PARTICIPANT_DISCONNECTED
                        && e.body(EventBody.ParticipantDisconnected.class).participant().equals("t-bob-chat")));
                TierlineSession again = user.join(id, null).join();
                await().until(() -> again.snapshot() != null && again.snapshot().participants().stream()
                        .anyMatch(p -> p.id().equals("t-bob-chat") && p.presence().equals(Participant.DISCONNECTED)));
                assertThat(again.snapshot().participants()).extracting(Participant::id).doesNotContain("t-cy-chat");
            }
        }
    }

    private static List<Event> chats(List<Event> events) {
        synchronized (events) {
            return events.stream().filter(e -> e.type() == EventType.CHAT_MESSAGE).toList();
        }
    }

    private static String seqAndText(Event e) {
        return e.seq() + ":" + e.body(EventBody.ChatMessage.class).text();
    }
}
