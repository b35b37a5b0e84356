package dev.tierline.server.tickets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tierline.client.TierlineClient;
import dev.tierline.client.TierlineSession;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.Tier;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.config.Setting;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The webhook connector against a receiver on loopback that fails the first attempt with a 500,
 * lets the second time out, and accepts the third: every delivery lands once, signed, in order.
 */
class WebhookIT {
    private static final String SECRET = "a-shared-secret-of-32-characters";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request the receiver saw: delivery id, body, signature header, and what it answered. */
    record Seen(String delivery, String event, String body, String signature, int status) {}

    static final List<Seen> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    static final Map<String, Integer> accepted = new ConcurrentHashMap<>();
    static final AtomicInteger requests = new AtomicInteger();
    static final CountDownLatch releaseHeldRequest = new CountDownLatch(1);
    static final HttpServer receiver = startReceiver();

    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.TICKETS_WEBHOOK_URL, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/tierline")
            .with(Setting.TICKETS_WEBHOOK_SECRET, SECRET)
            .with(Setting.TICKETS_TIMEOUT, "PT1S")
            .with(Setting.TICKETS_RETRY_BASE, "PT0.1S")
            .with(Setting.TICKETS_RETRY_MAX, "PT0.5S");

    private static HttpServer startReceiver() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            http.createContext("/hooks/tierline", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String delivery = exchange.getRequestHeaders().getFirst(WebhookSink.DELIVERY_HEADER);
                int n = requests.incrementAndGet();
                // 1st: a server error; 2nd: held past the sender's timeout (599 marks it); then accepted,
                // counting per delivery id so a duplicate would show
                int status = n == 1 ? 500 : n == 2 ? 599 : 200;
                seen.add(new Seen(delivery, exchange.getRequestHeaders().getFirst(WebhookSink.EVENT_HEADER), body,
                        exchange.getRequestHeaders().getFirst(WebhookSink.SIGNATURE_HEADER), status));
                if (status == 599) {
                    try {
                        releaseHeldRequest.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else if (status == 200) {
                    accepted.merge(delivery, 1, Integer::sum);
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            http.start();
            return http;
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @AfterAll
    static void stopReceiver() {
        releaseHeldRequest.countDown();
        receiver.stop(0);
    }

    @Test
    void eachDeliveryLandsOnceSignedAndInOrderThroughFailuresAndATimeout() throws Exception {
        String session;
        try (TierlineClient ann = server.client(server.technician("t-ann-hook", Tier.L1));
             TierlineClient bob = server.client(server.technician("t-bob-hook", Tier.L2))) {
            ann.connect().join();
            ReplyBody.SessionOpened opened = ann.createSession("T-HOOK-1", "webhook me").join();
            session = opened.session();
            TierlineSession l1 = ann.join(session, null).join();
            bob.connect().join();
            TierlineSession l2 = bob.join(session, l1.invite(
                    new CommandBody.InviteCreate("L2", null, 60L, null, null, null)).join().token()).join();
            l1.chat("restarting the spooler").join();
            l2.addNote("spooler service was disabled by a GPO").join();
            l1.transferOwner("t-bob-hook", "GPO work is L2").join();
            l2.end("resolved", "re-enabled the spooler via GPO").join();
        }
        // two deliveries: the note, then the transcript; the first attempt fails, the second times out
        await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() == 2);
        releaseHeldRequest.countDown();

        List<Seen> all = List.copyOf(seen);
        assertThat(accepted).as("each delivery accepted exactly once").allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
        List<Seen> ok = all.stream().filter(s -> s.status() == 200).toList();
        assertThat(ok).extracting(Seen::event).containsExactly("note.added", "session.ended");
        String first = ok.get(0).delivery();
        assertThat(all.stream().filter(s -> s.delivery().equals(first)).map(Seen::status))
                .as("500, then a timeout, then accepted: the same delivery each time").containsExactly(500, 599, 200);
        assertThat(all.stream().filter(s -> s.delivery().equals(first)).map(Seen::body).distinct()).hasSize(1);
        for (Seen s : all) {
            assertThat(s.signature()).as("verifiable by the receiver")
                    .isEqualTo(WebhookSink.signature(SECRET.getBytes(StandardCharsets.UTF_8), s.body().getBytes(StandardCharsets.UTF_8)));
        }

        JsonNode note = JSON.readTree(ok.get(0).body());
        assertThat(note.path("ticket").asText()).isEqualTo("T-HOOK-1");
        assertThat(note.path("text").asText()).isEqualTo("spooler service was disabled by a GPO");
        assertThat(note.path("author").path("tier").asText()).isEqualTo("L2");
        JsonNode ended = JSON.readTree(ok.get(1).body());
        assertThat(ended.path("deliveryId").asText()).isEqualTo(ok.get(1).delivery());
        assertThat(ended.path("history").path("outcome").asText()).isEqualTo("resolved");
        assertThat(ended.path("history").path("escalationPath").toString()).isEqualTo("[\"L1\",\"L2\"]");
        assertThat(ended.path("transcript").asText()).contains("restarting the spooler", "Sealed at seq");
        assertThat(ended.path("auditorUrl").asText()).endsWith("/api/sessions/" + session + "/transcript");

        JsonNode delivered = JSON.readTree(server.get("/api/deliveries?state=delivered", server.auditor("a-hook"), null).body());
        assertThat(delivered.path("deliveries")).hasSize(2);
        assertThat(JSON.readTree(server.get("/api/deliveries?state=pending", server.auditor("a-hook"), null).body())
                .path("deliveries")).isEmpty();
        String metrics = server.get("/metrics", null, null).body();
        assertThat(metrics).contains("tierline_outbox_delivered_total{sink=\"webhook\"} 2.0",
                "tierline_outbox_pending{sink=\"webhook\"} 0.0", "tierline_outbox_failures_total{sink=\"webhook\"} 2.0");
    }
}
