package dev.tierline.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerProcess;
import dev.tierline.server.WireSessions;
import dev.tierline.server.security.DevTokenIssuer;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM during a live session: the session is ended and sealed, clients get the reconnectable
 * close reason, the process exits within its bound, and a restart shows the session recorded.
 * The first run logs JSON lines, which this also checks.
 */
class GracefulShutdownIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void sigtermEndsAndSealsLiveSessionsTellsClientsAndExitsInTime() throws Exception {
        DevTokenIssuer tokens = DevTokenIssuer.open(dataDir);
        String session;
        List<String> output;
        try (ServerProcess server = ServerProcess.jar(dataDir, Map.of("TIERLINE_LOG_FORMAT", "json",
                "TIERLINE_SHUTDOWN_TIMEOUT", "PT10S"));
             RawClient owner = RawClient.connect(server.webSocketUri());
             RawClient user = RawClient.connect(server.webSocketUri())) {
            WireSessions.assertAck(owner.hello(tokens.mint(new Actor("t-ann", "Ann", Role.TECHNICIAN, Tier.L1),
                    Duration.ofHours(1))), "welcome");
            JsonNode created = owner.command("session.create", null, Map.of("ticket", "T-TERM", "title", "sigterm"));
            session = created.path("body").path("session").asText();
            WireSessions.joinAsUser(user, new WireSessions.Created(session, created.path("body").path("key").asText()));
            WireSessions.assertAck(owner.command("chat.send", session, Map.of("text", "about to restart")), "ack");

            long asked = System.nanoTime();
            server.terminate();
            for (RawClient client : List.of(owner, user)) {
                JsonNode ended = client.awaitEvent("session.ended");
                assertThat(ended.path("body").path("outcome").asText()).isEqualTo("interrupted");
                assertThat(ended.path("body").path("resolution").asText()).isEqualTo("the server was shut down");
                CloseWebSocketFrame close = client.awaitClose();
                assertThat(close.statusCode()).isEqualTo(1001);
                assertThat(close.reasonText()).isEqualTo("server shutting down");
                close.release();
            }
            assertThat(server.awaitExit(Duration.ofSeconds(15))).as("exited within the bound").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
            output = server.lines();
        }
        List<JsonNode> logLines = output.stream().filter(l -> l.startsWith("{")).map(GracefulShutdownIT::json).toList();
        assertThat(logLines).as("log.format=json: every log line is one JSON object").isNotEmpty()
                .allSatisfy(line -> assertThat(line.has("level") && line.has("loggerName")).isTrue());
        assertThat(output.stream().filter(l -> !l.startsWith("{")))
                .as("besides JSON logs, only the start banner").allMatch(l -> l.startsWith("Tierline ") || l.startsWith("Data directory"));
        assertThat(logLines).anySatisfy(line -> assertThat(line.path("formattedMessage").asText()).startsWith("stopped in"));

        try (ServerProcess restarted = ServerProcess.jar(dataDir, Map.of())) {
            String auditor = tokens.mint(new Actor("a-audrey", "Audrey", Role.AUDITOR, null), Duration.ofHours(1));
            List<String> transcript = restarted.get("/api/sessions/" + session + "/transcript", auditor).lines().toList();
            JsonNode last = json(transcript.get(transcript.size() - 2)).path("event");
            assertThat(last.path("type").asText()).isEqualTo("session.ended");
            assertThat(last.path("body").path("reason").asText()).isEqualTo("interrupted");
            assertThat(json(transcript.get(transcript.size() - 1)).has("seal")).isTrue();
            JsonNode verify = json(restarted.get("/api/sessions/" + session + "/transcript/verify", auditor));
            assertThat(verify.path("valid").asBoolean()).as(verify.toString()).isTrue();
            assertThat(restarted.lines()).as("nothing was left open for the restart to end")
                    .noneMatch(l -> l.contains("were live when the server last stopped"));
        }
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
