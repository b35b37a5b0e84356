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
import dev.tierline.server.recording.JournalStore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SDK through a proxy that breaks connections: nothing lost, nothing repeated, nothing applied twice. */
class ReconnectIT {
    private static final long SEED = Long.getLong("tierline.seed", 6L);
    private static final ReconnectPolicy FAST = new ReconnectPolicy(Duration.ofMillis(5), Duration.ofMillis(200), 2.0, 1000);

    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.OUTBOUND_HIGH_WATER_BYTES, String.valueOf(128 * 1024))
            // these tests flood on purpose to fill socket buffers; the rate limit is LimitsIT's subject
            .with(Setting.MESSAGES_PER_SECOND, "1000000")
            .with(Setting.MESSAGE_BURST, "1000000");

    /** {@code states}: the client's state changes with their reasons, to tell an unexpected reconnect. */
    private record Party(TierlineClient client, TierlineSession session, List<Event> events, List<String> states) {}

    private static TierlineClient through(FaultyProxy proxy, String token) {
        return TierlineClient.builder().uri(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws")).token(token)
                .reconnect(FAST).build();
    }

    /** L1 creates a session; the user and two colleagues join it, all through the proxy. */
    private static List<Party> fourThrough(FaultyProxy proxy, String prefix) {
        return fourThrough(proxy, proxy, prefix);
    }

    /** As above, but the last to join (cy, L3) comes through a proxy of its own. */
    private static List<Party> fourThrough(FaultyProxy proxy, FaultyProxy lastProxy, String prefix) {
        TierlineClient ann = through(proxy, server.technician(prefix + "-ann", Tier.L1));
        ann.connect().join();
        ReplyBody.SessionOpened opened = ann.createSession("T-" + prefix, "flaky network").join();
        TierlineSession annSession = ann.join(opened.session(), null).join();
        TierlineClient user = TierlineClient.builder().uri(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"))
                .sessionKey(opened.key(), "Uma").reconnect(FAST).build();
        user.connect().join();
        List<Party> parties = new ArrayList<>(List.of(party(ann, annSession), party(user, user.join(opened.session(), null).join())));
        for (var who : List.of(Map.entry(prefix + "-bob", Tier.L2), Map.entry(prefix + "-cy", Tier.L3))) {
            TierlineClient client = through(who.getValue() == Tier.L3 ? lastProxy : proxy,
                    server.technician(who.getKey(), who.getValue()));
            client.connect().join();
            String token = annSession.invite(new CommandBody.InviteCreate(who.getValue().name(), null, 60L, null, null,
                    null)).join().token();
            parties.add(party(client, client.join(opened.session(), token).join()));
        }
        return parties;
    }

    private static Party party(TierlineClient client, TierlineSession session) {
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        session.onEvent(events::add);
        List<String> states = Collections.synchronizedList(new ArrayList<>());
        client.addListener(new dev.tierline.client.TierlineListener() {
            @Override
            public void onStateChange(dev.tierline.client.ConnectionState state, String reason) {
                states.add(state + (reason == null ? "" : " (" + reason + ")"));
            }
        });
        return new Party(client, session, events, states);
    }

    private static Map<Long, String> chats(List<Event> events) {
        synchronized (events) {
            return events.stream().filter(e -> e.type() == EventType.CHAT_MESSAGE)
                    .collect(Collectors.toMap(Event::seq, e -> e.body(EventBody.ChatMessage.class).text(), (a, b) -> {
                        throw new AssertionError("seq delivered twice: " + a);
                    }, TreeMap::new));
        }
    }

    /** Waits for every party to have seen {@code head}; if they do not, says where each one is. */
    private static void awaitHead(List<Party> parties, long head, Duration atMost) {
        String session = parties.get(0).session().id();
        try {
            await().atMost(atMost).until(() -> parties.stream().allMatch(p -> p.session().lastSeq() >= head));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // a reader connected and joined, yet stuck with nothing coming: once it was the proxy's
            // own TCP window (see FaultyProxy); the threads show who waits on what
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                System.err.println("\"" + thread.getName() + "\" " + thread.getState());
                for (StackTraceElement frame : stack) {
                    System.err.println("    at " + frame);
                }
            });
            throw new AssertionError("head " + head + " but (state/lastSeq/still joined/closed as slow so far) "
                    + parties.stream().map(p -> p.session().participantId() + ":" + p.client().state() + "/"
                    + p.session().lastSeq() + "/" + (p.client().session(session) != null) + " " + p.states()).toList()
                    + " "
                    + server.server().metrics().slowReadersClosed(), e);
        }
    }

    private static boolean disconnected(List<Event> events, String participant) {
        synchronized (events) {
            return events.stream().anyMatch(e -> e.type() == EventType.PARTICIPANT_DISCONNECTED
                    && e.body(EventBody.ParticipantDisconnected.class).participant().equals(participant));
        }
    }

    @Test
    void randomCutsWhileFourChatLoseAndRepeatNothing() throws Exception {
        int perParty = 150;
        try (FaultyProxy proxy = new FaultyProxy(server.server().port(), SEED, 6_000)) {
            List<Party> parties = fourThrough(proxy, "cut");
            String session = parties.get(0).session().id();
            long before = parties.get(0).session().lastSeq();
            proxy.cutting(true);
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (int i = 0; i < perParty; i++) {
                for (int p = 0; p < parties.size(); p++) {
                    sends.add(parties.get(p).session().chat("p" + p + "-" + i));
                }
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);
            proxy.cutting(false);
            assertThat(proxy.cuts()).as("the proxy really cut, many times").isGreaterThanOrEqualTo(10);

            List<JournalStore.Entry> journal = server.server().journal().store().entries(session);
            long head = journal.get(journal.size() - 1).seq();
            awaitHead(parties, head, Duration.ofSeconds(30));
            Map<Long, String> recorded = journal.stream().filter(e -> e.type().equals("chat.message"))
                    .collect(Collectors.toMap(JournalStore.Entry::seq, e -> e.body().replaceAll("^\\{\"text\":\"|\"}$", ""),
                            (a, b) -> a, TreeMap::new));
            assertThat(recorded.values()).as("every command applied exactly once").hasSize(4 * perParty)
                    .doesNotHaveDuplicates();
            for (Party party : parties) {
                Map<Long, String> seen = chats(party.events());
                assertThat(seen).as("each participant saw exactly the journal's chat, at the same seqs")
                        .isEqualTo(recorded);
                synchronized (party.events()) {
                    // recorded events only: a snapshot's seq is the state it shows, not a place in the stream
                    List<Long> seqs = party.events().stream().filter(e -> e.type().recorded()).map(Event::seq)
                            .filter(s -> s > before).toList();
                    assertThat(seqs).isSorted().doesNotHaveDuplicates();
                }
            }
            for (Party party : parties) {
                party.client().close();
            }
        }
    }

    @Test
    void aReaderThatStopsIsCutPastTheHighWaterMarkAndResumesWithoutLossWhileTheOthersGoOn() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(server.server().port(), SEED, Integer.MAX_VALUE / 4);
             FaultyProxy cyProxy = new FaultyProxy(server.server().port(), SEED, Integer.MAX_VALUE / 4)) {
            List<Party> parties = fourThrough(proxy, cyProxy, "slow");
            // cy's own proxy: the link paused is cy's by construction, not by its place in a list
            assertThat(cyProxy.links()).hasSize(1);
            FaultyProxy.Link slowLink = cyProxy.links().get(0);
            Party slow = parties.get(3);
            long closedBefore = server.server().metrics().slowReadersClosed();
            slowLink.pause();
            String text = "x".repeat(900);
            int messages = 0;
            // publish until the server cuts the stalled reader: how much the kernel's socket buffers
            // absorb first differs between machines, so the amount is bounded, not fixed
            while (server.server().metrics().slowReadersClosed() == closedBefore && messages < 20_000) {
                List<CompletableFuture<?>> sends = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    sends.add(parties.get(0).session().chat(messages++ + text));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
            }
            assertThat(server.server().metrics().slowReadersClosed()).as("closed as a slow reader after %s messages",
                    messages).isGreaterThan(closedBefore);
            // the others got every message while the slow reader was stalled: it held nobody up
            long head = parties.get(0).session().lastSeq();
            awaitHead(parties.subList(0, 3), head, Duration.ofSeconds(20));
            // and a reader that takes nothing, not even the close frame, is not held on to: the
            // server drops it 10 s after the close (the WebSocket handler's forceCloseTimeoutMillis),
            // which the others see as its disconnection
            String cy = slow.session().participantId();
            await().atMost(Duration.ofSeconds(25)).until(() -> disconnected(parties.get(0).events(), cy));

            slowLink.resume();
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.session().lastSeq() >= head);
            assertThat(chats(slow.events())).isEqualTo(chats(parties.get(1).events()));
            assertThat(chats(slow.events())).hasSize(messages);
            assertThat(slow.client().state()).isEqualTo(dev.tierline.client.ConnectionState.CONNECTED);
            for (Party party : parties) {
                party.client().close();
            }
        }
    }
}
