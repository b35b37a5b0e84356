package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerProcess;
import dev.tierline.server.WireSessions;
import dev.tierline.server.security.DevTokenIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as its own process, killed with SIGKILL while four participants chat: after a restart,
 * every event any client received and every command any client saw acknowledged is in the
 * transcript, at its seq, gap-free, and the chain verifies.
 */
class CrashRecoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGES_PER_CLIENT = 3000;

    @TempDir
    Path dataDir;
    private ServerProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Starts the packaged server jar on a free port and returns the port once it listens. */
    private int startServer() throws Exception {
        // the clients publish as fast as they can, to have much in flight at the kill: no rate limit
        server = ServerProcess.jar(dataDir, Map.of("TIERLINE_LIMITS_MESSAGES_PER_SECOND", "1000000",
                "TIERLINE_LIMITS_MESSAGE_BURST", "1000000"));
        return server.port();
    }

    @Test
    void everythingAnyoneSawSurvivesAKillDashNine() throws Exception {
        int port = startServer();
        URI ws = URI.create("ws://127.0.0.1:" + port + "/ws");
        DevTokenIssuer tokens = DevTokenIssuer.open(dataDir);
        String session;
        List<RawClient> clients = new ArrayList<>();
        try (RawClient owner = RawClient.connect(ws); RawClient user = RawClient.connect(ws);
             RawClient l2 = RawClient.connect(ws); RawClient l3 = RawClient.connect(ws)) {
            clients.addAll(List.of(owner, user, l2, l3));
            WireSessions.assertAck(owner.hello(mint(tokens, "t-ann", Tier.L1)), "welcome");
            JsonNode created = owner.command("session.create", null, Map.of("ticket", "T-CRASH", "title", "crash"));
            session = created.path("body").path("session").asText();
            WireSessions.joinAsUser(user, new WireSessions.Created(session, created.path("body").path("key").asText()));
            join(owner, l2, session, tokens, "t-bob", Tier.L2);
            join(owner, l3, session, tokens, "t-cy", Tier.L3);

            for (int i = 0; i < MESSAGES_PER_CLIENT; i++) {
                for (int c = 0; c < clients.size(); c++) {
                    String id = "m-" + c + "-" + i;
                    clients.get(c).write(RawClient.envelope(id, "chat.send", session, Map.of("text", id)));
                }
                if (i % 50 == 0) {
                    clients.forEach(RawClient::flush);
                }
            }
            clients.forEach(RawClient::flush);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                    .until(() -> user.count("chat.message") >= 1000);
            server.kill(); // SIGKILL: no shutdown hook, no flush
            await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().noneMatch(RawClient::isOpen));
        }

        Map<Long, String> seen = new HashMap<>();
        Map<String, Long> acked = new HashMap<>();
        for (RawClient client : clients) {
            for (JsonNode m : client.received()) {
                if (m.path("type").asText().equals("chat.message")) {
                    String earlier = seen.put(m.path("seq").asLong(), m.path("body").path("text").asText());
                    assertThat(earlier == null || earlier.equals(m.path("body").path("text").asText()))
                            .as("two clients saw different events at seq %s", m.path("seq")).isTrue();
                } else if (m.path("type").asText().equals("ack") && m.path("re").asText().startsWith("m-")) {
                    acked.put(m.path("re").asText(), m.path("seq").asLong());
                }
            }
        }
        assertThat(seen).as("the kill came mid-stream").hasSizeLessThan(4 * MESSAGES_PER_CLIENT).isNotEmpty();

        int restarted = startServer();
        String auditor = mint(tokens, "a-audrey", null);
        List<String> lines = get(restarted, "/api/sessions/" + session + "/transcript", auditor).lines().toList();
        Map<Long, JsonNode> recorded = new HashMap<>();
        long expected = 1;
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            if (node.has("seal")) {
                continue;
            }
            JsonNode event = node.path("event");
            assertThat(event.path("seq").asLong()).as("gap-free and in order").isEqualTo(expected++);
            recorded.put(event.path("seq").asLong(), event);
        }
        seen.forEach((seq, text) -> {
            assertThat(recorded).as("seq %s was seen by a client", seq).containsKey(seq);
            assertThat(recorded.get(seq).path("body").path("text").asText()).as("seq %s", seq).isEqualTo(text);
        });
        acked.forEach((id, seq) -> assertThat(recorded.get(seq).path("body").path("text").asText())
                .as("acked command %s", id).isEqualTo(id));
        JsonNode last = recorded.get(expected - 1);
        assertThat(last.path("type").asText()).isEqualTo("session.ended");
        assertThat(last.path("body").path("outcome").asText()).isEqualTo("interrupted");
        JsonNode verify = JSON.readTree(get(restarted, "/api/sessions/" + session + "/transcript/verify", auditor));
        assertThat(verify.path("valid").asBoolean()).as(verify.toString()).isTrue();
    }

    private static void join(RawClient owner, RawClient joiner, String session, DevTokenIssuer tokens, String id, Tier tier) {
        JsonNode invite = owner.command("invite.create", session, Map.of("tier", tier.name(), "ttlSeconds", 60));
        WireSessions.assertAck(joiner.hello(mint(tokens, id, tier)), "welcome");
        WireSessions.assertAck(joiner.command("session.join", session,
                Map.of("invite", invite.path("body").path("token").asText())), "ack");
    }

    private static String mint(DevTokenIssuer tokens, String id, Tier tier) {
        Role role = tier == null ? Role.AUDITOR : Role.TECHNICIAN;
        return tokens.mint(new Actor(id, id, role, tier), Duration.ofHours(1));
    }

    private static String get(int port, String path, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
