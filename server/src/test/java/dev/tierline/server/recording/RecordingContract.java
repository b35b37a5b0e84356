package dev.tierline.server.recording;

import static dev.tierline.server.WireSessions.create;
import static dev.tierline.server.WireSessions.inviteAndJoin;
import static dev.tierline.server.WireSessions.joinAsUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierline.protocol.Tier;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * What recording must do, whatever the journal's database: each backend's test class supplies a
 * server and runs these same tests.
 */
abstract class RecordingContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    abstract ServerExtension server();

    /** Runs a small session to its end and returns its id: chat, a note, an escalation, control. */
    private String recordedSession(String owner, String ticket) throws Exception {
        ServerExtension server = server();
        try (RawClient l1 = RawClient.connect(server.uri());
             RawClient user = RawClient.connect(server.uri());
             RawClient l2 = RawClient.connect(server.uri())) {
            var s = create(server, l1, owner, ticket);
            joinAsUser(user, s);
            inviteAndJoin(server, l1, l2, s.session(), owner + "-l2", Tier.L2, Map.of());
            l1.command("chat.send", s.session(), Map.of("text", "hello from L1"));
            user.command("chat.send", s.session(), Map.of("text", "my VPN drops"));
            l1.command("note.add", s.session(), Map.of("text", "MTU issue suspected"));
            l2.command("control.request", s.session(), Map.of());
            user.command("control.grant", s.session(), Map.of("to", owner + "-l2"));
            l1.command("owner.transfer", s.session(), Map.of("to", owner + "-l2", "reason", "needs L2"));
            JsonNode end = l2.command("session.end", s.session(), Map.of("outcome", "resolved",
                    "resolution", "Lowered the MTU to 1400"));
            assertThat(end.path("type").asText()).as(end.toString()).isEqualTo("ack");
            // in async recording mode the ack comes before the journal commits (and seals): wait for the seal
            String auditor = server.auditor("a-seal-wait");
            await().atMost(Duration.ofSeconds(10)).until(() -> StreamSupport.stream(JSON.readTree(
                    server.get("/api/sessions?ticket=" + ticket, auditor, null).body()).path("sessions").spliterator(), false)
                    .anyMatch(row -> row.path("session").asText().equals(s.session()) && row.path("sealed").asBoolean()));
            return s.session();
        }
    }

    @Test
    void anEndedSessionIsSealedAndVerifiesWithThePublicKeyAlone() throws Exception {
        String session = recordedSession("t-seal", "T-SEAL");
        String auditor = server().auditor("a-audrey");
        HttpResponse<String> jsonl = server().get("/api/sessions/" + session + "/transcript", auditor, null);
        assertThat(jsonl.statusCode()).isEqualTo(200);
        List<String> lines = Arrays.asList(jsonl.body().split("\n"));
        JsonNode keys = JSON.readTree(server().get("/api/keys", null, null).body()).path("keys");
        Map<String, byte[]> publicKeys = new java.util.HashMap<>();
        keys.forEach(k -> publicKeys.put(k.path("kid").asText(), TranscriptSigner.parsePublicKey(k.path("pem").asText())));

        TranscriptVerifier.Result result = TranscriptVerifier.verify(lines, publicKeys);
        assertThat(result.problems()).isEmpty();
        assertThat(result.sealed()).isTrue();
        assertThat(lines.get(lines.size() - 1)).contains("\"seal\"");
        JsonNode verified = JSON.readTree(server().get("/api/sessions/" + session + "/transcript/verify", auditor, null).body());
        assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
        assertThat(verified.path("entries").asLong()).isEqualTo(result.entries());
    }

    @Test
    void theTicketHistoryHoldsParticipantsEscalationControlNotesAndTheDigest() throws Exception {
        String session = recordedSession("t-hist", "T-HIST");
        JsonNode history = JSON.readTree(server().get("/api/tickets/T-HIST/history", server().auditor("a-h"), null).body());
        JsonNode entry = history.path("entries").get(0);
        assertThat(entry.path("session").asText()).isEqualTo(session);
        assertThat(entry.path("outcome").asText()).isEqualTo("resolved");
        assertThat(entry.path("resolution").asText()).isEqualTo("Lowered the MTU to 1400");
        assertThat(entry.path("escalationPath")).extracting(JsonNode::asText).containsExactly("L1", "L2");
        assertThat(entry.path("participants").findValuesAsText("role")).contains("technician", "end_user");
        assertThat(entry.path("participants").findValuesAsText("tier")).contains("L1", "L2");
        assertThat(entry.path("notes").get(0).path("text").asText()).isEqualTo("MTU issue suspected");
        assertThat(entry.path("controlChanges").findValuesAsText("type")).contains("control.granted");
        assertThat(entry.path("counts").path("chatMessages").asInt()).isEqualTo(2);
        assertThat(entry.path("transcript").path("signature").asText()).isNotBlank();
        assertThat(entry.path("durationSeconds").isNumber()).isTrue();
    }

    @Test
    void transcriptsReadAsTextAndHtmlWithNamesTiersAndTimes() throws Exception {
        String session = recordedSession("t-fmt", "T-FMT");
        String auditor = server().auditor("a-fmt");
        String text = server().get("/api/sessions/" + session + "/transcript", auditor, "text/plain").body();
        assertThat(text).contains("t-fmt (L1): hello from L1").contains("Uma (user): my VPN drops")
                .contains("note: MTU issue suspected").contains("Sealed at seq");
        HttpResponse<String> html = server().get("/api/sessions/" + session + "/transcript?format=html", auditor, null);
        assertThat(html.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(html.body()).contains("<table>").contains("my VPN drops").doesNotContain("<script");
    }

    @Test
    void searchFiltersByTicketParticipantAndTimeAndPages() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        String first = recordedSession("t-srch", "T-SRCH");
        String second = recordedSession("t-srch", "T-SRCH");
        String auditor = server().auditor("a-search");
        JsonNode byTicket = JSON.readTree(server().get("/api/sessions?ticket=T-SRCH", auditor, null).body());
        assertThat(byTicket.path("sessions").findValuesAsText("session")).containsExactlyInAnyOrder(first, second);

        JsonNode page1 = JSON.readTree(server().get("/api/sessions?ticket=T-SRCH&limit=1", auditor, null).body());
        JsonNode page2 = JSON.readTree(server().get("/api/sessions?ticket=T-SRCH&limit=1&offset="
                + page1.path("nextOffset").asInt(), auditor, null).body());
        assertThat(List.of(page1.path("sessions").get(0).path("session").asText(),
                page2.path("sessions").get(0).path("session").asText())).containsExactlyInAnyOrder(first, second);

        JsonNode byParticipant = JSON.readTree(server().get("/api/sessions?participant=t-srch-l2&from=" + before,
                auditor, null).body());
        assertThat(byParticipant.path("sessions").findValuesAsText("session")).contains(first, second);
        JsonNode future = JSON.readTree(server().get("/api/sessions?ticket=T-SRCH&from="
                + Instant.now().plusSeconds(3600), auditor, null).body());
        assertThat(future.path("sessions")).isEmpty();
    }

    @Test
    void onlyAuditorsSearchAndReadTranscriptsAndTechniciansOnlyTheirTicketsHistory() throws Exception {
        String session = recordedSession("t-acl", "T-ACL");
        assertThat(server().get("/api/sessions", null, null).statusCode()).isEqualTo(401);
        assertThat(server().get("/api/sessions", "not-a-token", null).statusCode()).isEqualTo(401);
        String technician = server().technician("t-acl", Tier.L1);
        assertThat(server().get("/api/sessions", technician, null).statusCode()).isEqualTo(403);
        assertThat(server().get("/api/sessions/" + session + "/transcript", technician, null).statusCode()).isEqualTo(403);
        assertThat(server().get("/api/tickets/T-ACL/history", technician, null).statusCode()).isEqualTo(200);
        String stranger = server().technician("t-elsewhere", Tier.L3);
        assertThat(server().get("/api/tickets/T-ACL/history", stranger, null).statusCode()).isEqualTo(403);
        assertThat(server().get("/api/sessions?limit=0", server().auditor("a-x"), null).statusCode()).isEqualTo(400);
        assertThat(server().get("/api/keys", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aSessionLiveAtARestartIsEndedAsInterruptedSealedAndNothingIsLost() throws Exception {
        ServerExtension server = server();
        String session;
        long lastSeq;
        try (RawClient l1 = RawClient.connect(server.uri()); RawClient user = RawClient.connect(server.uri())) {
            var s = create(server, l1, "t-restart", "T-RESTART");
            joinAsUser(user, s);
            session = s.session();
            lastSeq = l1.command("chat.send", session, Map.of("text", "before the restart")).path("seq").asLong();
        }
        server.restart();
        String auditor = server.auditor("a-restart");
        List<String> lines = Arrays.asList(server.get("/api/sessions/" + session + "/transcript", auditor, null)
                .body().split("\n"));
        JsonNode ended = JSON.readTree(lines.get(lines.size() - 2)).path("event");
        assertThat(ended.path("type").asText()).isEqualTo("session.ended");
        assertThat(ended.path("body").path("outcome").asText()).isEqualTo("interrupted");
        assertThat(StreamSupport.stream(JSON.readTree(server.get("/api/sessions/" + session + "/transcript/verify",
                auditor, null).body()).path("problems").spliterator(), false)).isEmpty();
        assertThat(lines).anyMatch(l -> l.contains("before the restart") && l.contains("\"seq\":" + lastSeq));
    }
}
