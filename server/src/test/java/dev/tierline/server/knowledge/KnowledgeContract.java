package dev.tierline.server.knowledge;

import static dev.tierline.server.WireSessions.assertAck;
import static dev.tierline.server.WireSessions.create;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the knowledge base must do, whatever the database (SQLite FTS5 or PostgreSQL full-text
 * search): each backend's test class supplies a server and runs these same tests. Each test uses
 * words of its own, since they share one database.
 */
abstract class KnowledgeContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    abstract ServerExtension server();

    private JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private JsonNode publish(String token, Map<String, Object> article) throws Exception {
        return json(server().send("POST", "/api/articles", token, JSON.writeValueAsString(article)), 201);
    }

    private List<String> search(String token, String query) throws Exception {
        return json(server().get("/api/articles?" + query, token, null), 200).path("results").findValuesAsText("id");
    }

    private static String q(String words) {
        return "q=" + java.net.URLEncoder.encode(words, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void anArticlePublishedFromAnEndedSessionIsVersionedSearchableRankedAndRetired() throws Exception {
        ServerExtension server = server();
        String session;
        try (RawClient l1 = RawClient.connect(server.uri()); RawClient user = RawClient.connect(server.uri())) {
            var s = create(server, l1, "t-kb-ann", "T-KB-VPN");
            joinAsUser(user, s);
            session = s.session();
            assertAck(l1.command("note.add", session, Map.of("text", "Split tunnelling pushes packets past the MTU")), "ack");
            assertThat(json(server.get("/api/sessions/" + session + "/article-draft",
                    server.technician("t-kb-ann", Tier.L1), null), 409).path("code").asText()).isEqualTo("conflict");
            assertAck(l1.command("session.end", session, Map.of("outcome", "resolved",
                    "resolution", "Lowered the MTU of the VPN adapter to 1400")), "ack");
        }
        String ann = server.technician("t-kb-ann", Tier.L1);
        JsonNode draft = json(server.get("/api/sessions/" + session + "/article-draft", ann, null), 200);
        assertThat(draft.path("cause").asText()).isEqualTo("Split tunnelling pushes packets past the MTU");
        assertThat(draft.path("fixSteps").get(0).asText()).isEqualTo("Lowered the MTU of the VPN adapter to 1400");
        assertThat(draft.path("ticket").asText()).isEqualTo("T-KB-VPN");
        assertThat(draft.path("links").path("transcript").asText()).isEqualTo("/api/sessions/" + session + "/transcript");
        assertThat(server.get("/api/sessions/" + session + "/article-draft", server.technician("t-kb-stranger", Tier.L3),
                null).statusCode()).isEqualTo(403);

        JsonNode vpn = publish(ann, Map.of("title", "VPN tunnel drops every hour", "symptoms",
                "The VPN tunnel drops every hour and Teams calls freeze", "cause", draft.path("cause").asText(),
                "fixSteps", List.of("Open the adapter settings", "Set the MTU to 1400"), "tags", List.of("VPN", "network"),
                "audience", "technicians", "session", session));
        String vpnId = vpn.path("id").asText();
        assertThat(vpn.path("version").asInt()).isEqualTo(1);
        assertThat(vpn.path("ticket").asText()).isEqualTo("T-KB-VPN");
        assertThat(vpn.path("links").path("ticketHistory").asText()).isEqualTo("/api/tickets/T-KB-VPN/history");
        assertThat(vpn.path("tags")).extracting(JsonNode::asText).containsExactly("vpn", "network");

        String bob = server.technician("t-kb-bob", Tier.L3);
        JsonNode edited = json(server.send("PUT", "/api/articles/" + vpnId, bob, JSON.writeValueAsString(Map.of(
                "symptoms", "The VPN tunnel drops every hour, Teams calls freeze and the shares disconnect"))), 200);
        assertThat(edited.path("version").asInt()).isEqualTo(2);
        assertThat(edited.path("title").asText()).isEqualTo("VPN tunnel drops every hour");
        JsonNode read = json(server.get("/api/articles/" + vpnId, ann, null), 200);
        assertThat(read.path("versions")).hasSize(2);
        assertThat(read.path("versions").get(0).path("author").path("tier").asText()).isEqualTo("L1");
        assertThat(read.path("versions").get(1).path("author").path("id").asText()).isEqualTo("t-kb-bob");
        assertThat(read.path("versions").get(1).path("author").path("tier").asText()).isEqualTo("L3");
        assertThat(read.path("versions").get(0).path("symptoms").asText()).doesNotContain("shares");

        String wifi = publish(bob, Map.of("title", "Meeting room wireless is slow", "symptoms",
                "Wireless is slow in meeting rooms; the tunnel sometimes drops", "fixSteps", List.of("Move to 5 GHz"),
                "tags", List.of("wifi"), "audience", "public")).path("id").asText();

        assertThat(search(ann, q("freeze"))).containsExactly(vpnId);
        assertThat(search(ann, q("shares disconnect"))).containsExactly(vpnId);
        // articles of other tests may share a word ("every"), but rank below both of these
        assertThat(search(ann, q("tunnel drops every hour"))).startsWith(vpnId, wifi);
        assertThat(search(ann, q("tunnel drops meeting rooms"))).startsWith(wifi, vpnId);
        assertThat(search(ann, q("tunnel") + "&tag=wifi")).containsExactly(wifi);
        assertThat(search(ann, q("tunnel") + "&audience=technicians")).containsExactly(vpnId);

        json(server.send("POST", "/api/articles/" + vpnId + "/retire", bob, ""), 200);
        assertThat(search(ann, q("tunnel drops every hour"))).startsWith(wifi).doesNotContain(vpnId);
        assertThat(search(ann, q("freeze"))).isEmpty();
        assertThat(json(server.get("/api/articles/" + vpnId, ann, null), 200).path("retired").asBoolean()).isTrue();
        assertThat(json(server.send("PUT", "/api/articles/" + vpnId, bob, "{\"title\":\"again\"}"), 409)
                .path("code").asText()).isEqualTo("conflict");
    }

    @Test
    void articlesAreForTechniciansAndBadInputGetsAClearError() throws Exception {
        ServerExtension server = server();
        assertThat(server.get("/api/articles?q=anything", null, null).statusCode()).isEqualTo(401);
        assertThat(json(server.get("/api/articles?q=anything", server.endUser("u-kb"), null), 403)
                .path("code").asText()).isEqualTo("forbidden");
        String ann = server.technician("t-kb-input", Tier.L2);
        JsonNode missing = json(server.send("POST", "/api/articles", ann, "{\"title\":\"x\",\"symptoms\":\"y\"}"), 400);
        assertThat(missing.path("message").asText()).contains("fixSteps");
        JsonNode audience = json(server.send("POST", "/api/articles", ann, "{\"title\":\"x\",\"symptoms\":\"y\","
                + "\"fixSteps\":[\"z\"],\"audience\":\"everyone\"}"), 400);
        assertThat(audience.path("message").asText()).contains("audience");
        assertThat(json(server.get("/api/articles/kb-none", ann, null), 404).path("code").asText()).isEqualTo("not_found");
        // query syntax of either engine is not passed through: quotes, operators and SQL are just words
        String quokka = publish(ann, Map.of("title", "Quokka badge reader offline", "symptoms",
                "The quokka badge reader is offline", "fixSteps", List.of("Power-cycle the reader"),
                "audience", "technicians")).path("id").asText();
        assertThat(search(ann, q("quokka\" OR * NEAR( ') ; DROP TABLE kb_search; --"))).startsWith(quokka);
        assertThat(search(ann, q("\"*()'"))).isEmpty();
        assertThat(server.send("DELETE", "/api/articles/kb-none", ann, "").statusCode()).isEqualTo(405);
    }

    @Test
    void aRequestIsAnsweredWithMatchingPublicArticlesAndNeverATechnicianOnlyOne() throws Exception {
        ServerExtension server = server();
        String ann = server.technician("t-kb-mail", Tier.L2);
        String open = publish(ann, Map.of("title", "Outlook keeps asking for the password", "symptoms",
                "Outlook prompts for the password again and again after a password change",
                "fixSteps", List.of("Sign out of Office", "Sign in again"), "tags", List.of("email"),
                "audience", "public")).path("id").asText();
        String internalTitle = "Outlook password prompt loop: clear the credential vault";
        String internal = publish(ann, Map.of("title", internalTitle, "symptoms",
                "Outlook keeps asking for the password again and again", "fixSteps", List.of("cmdkey /delete"),
                "tags", List.of("email"), "audience", "technicians")).path("id").asText();
        assertThat(search(ann, q("outlook password"))).contains(open, internal);

        try (RawClient user = RawClient.connect(server.uri())) {
            assertAck(user.hello(server.endUser("u-kb-mail")), "welcome");
            JsonNode ack = user.command("request.open", null, Map.of("topic", "email",
                    "summary", "Outlook keeps asking for my password"));
            assertAck(ack, "ack");
            JsonNode suggestions = ack.path("body").path("suggestions");
            assertThat(suggestions.findValuesAsText("id")).containsExactly(open);
            assertThat(suggestions.get(0).path("title").asText()).isEqualTo("Outlook keeps asking for the password");
            assertThat(suggestions.get(0).path("snippet").asText()).startsWith("Outlook prompts for the password");
            String session = ack.path("body").path("session").asText();

            JsonNode refused = user.command("request.selfResolve", session, Map.of("article", internal));
            assertThat(refused.path("code").asText()).as(refused.toString()).isEqualTo("not_found");
            assertThat(user.received()).allSatisfy(frame -> assertThat(frame.toString())
                    .doesNotContain(internalTitle).doesNotContain("credential vault"));

            // with articles offered, no technician sees the request until the user sends it on
            try (RawClient l1 = RawClient.connect(server.uri())) {
                assertAck(l1.hello(server.technician("t-kb-l1", Tier.L1)), "welcome");
                assertThat(l1.command("queue.list", null, Map.of("topic", "email")).path("body").path("requests")
                        .findValuesAsText("session")).doesNotContain(session);
                assertThat(l1.command("session.accept", session, Map.of()).path("code").asText()).isEqualTo("conflict");
                assertAck(user.command("request.queue", session, Map.of()), "ack");
                assertThat(l1.command("queue.list", null, Map.of("topic", "email")).path("body").path("requests")
                        .findValuesAsText("session")).contains(session);
                assertAck(l1.command("session.accept", session, Map.of()), "ack");
            }
        }
    }

    @Test
    void aSelfResolvedRequestEndsAndIsCountedInTheServiceDeskFigures() throws Exception {
        ServerExtension server = server();
        String ann = server.technician("t-kb-disk", Tier.L3);
        String article = publish(ann, Map.of("title", "BitLocker asks for the recovery key at every boot", "symptoms",
                "BitLocker recovery screen at every start after a firmware update", "fixSteps",
                List.of("Enter the recovery key once", "Suspend and resume BitLocker protection"),
                "audience", "public")).path("id").asText();
        String session;
        try (RawClient user = RawClient.connect(server.uri()); RawClient l1 = RawClient.connect(server.uri())) {
            assertAck(user.hello(server.endUser("u-kb-disk")), "welcome");
            JsonNode ack = user.command("request.open", null, Map.of("topic", "laptop",
                    "summary", "BitLocker recovery key asked at boot"));
            assertThat(ack.path("body").path("suggestions").findValuesAsText("id")).containsExactly(article);
            session = ack.path("body").path("session").asText();
            assertAck(user.command("request.selfResolve", session, Map.of("article", article)), "ack");
            JsonNode ended = user.awaitEvent("session.ended");
            assertThat(ended.path("body").path("outcome").asText()).isEqualTo("self-resolved");
            assertThat(ended.path("body").path("article").asText()).isEqualTo(article);

            assertAck(l1.hello(server.technician("t-kb-queue", Tier.L1)), "welcome");
            JsonNode queue = l1.command("queue.list", null, Map.of("topic", "laptop"));
            assertThat(queue.path("body").path("requests").findValuesAsText("session")).doesNotContain(session);
        }
        String auditor = server.auditor("a-kb");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode figures = json(server.get("/api/figures", auditor, null), 200);
            assertThat(figures.path("outcomes").path("self-resolved").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(server.get("/metrics", null, null).body().lines()
                    .filter(l -> l.startsWith("tierline_desk_sessions_ended_total{") && l.contains("outcome=\"self-resolved\"")))
                    .isNotEmpty();
        });
        JsonNode history = json(server.get("/api/tickets/" + JSON.readTree(server.get("/api/sessions?participant=u-kb-disk",
                auditor, null).body()).path("sessions").get(0).path("ticket").asText() + "/history", auditor, null), 200);
        assertThat(history.path("entries").get(0).path("outcome").asText()).isEqualTo("self-resolved");
    }

    @Test
    void aTechnicianSearchesFromALiveSessionAndSharesAnArticleIntoTheChat() throws Exception {
        ServerExtension server = server();
        String ann = server.technician("t-kb-print", Tier.L2);
        String open = publish(ann, Map.of("title", "Printer queue stuck", "symptoms", "Jobs wait forever in the printer queue",
                "fixSteps", List.of("Restart the printer"), "tags", List.of("printer"), "audience", "public"))
                .path("id").asText();
        String internalTitle = "Spooler registry surgery";
        String internal = publish(ann, Map.of("title", internalTitle, "symptoms", "Printer queue stuck after driver update",
                "fixSteps", List.of("Delete the spooler registry key"), "tags", List.of("printer"),
                "audience", "technicians")).path("id").asText();
        try (RawClient l1 = RawClient.connect(server.uri()); RawClient user = RawClient.connect(server.uri())) {
            var s = create(server, l1, "t-kb-live", "T-KB-PRINT");
            joinAsUser(user, s);
            JsonNode found = l1.command("kb.search", null, Map.of("q", "printer queue stuck driver"));
            assertAck(found, "ack");
            assertThat(found.path("body").path("results").findValuesAsText("id")).containsExactly(internal, open);
            JsonNode publicOnly = l1.command("kb.search", null, Map.of("q", "printer queue", "audience", "public"));
            assertThat(publicOnly.path("body").path("results").findValuesAsText("id")).containsExactly(open);
            assertThat(user.command("kb.search", null, Map.of("q", "printer")).path("code").asText()).isEqualTo("forbidden");
            try (RawClient vendor = RawClient.connect(server.uri())) {
                assertAck(vendor.hello(server.technician("v-kb-vendor", Tier.L4)), "welcome");
                JsonNode vendorHits = vendor.command("kb.search", null, Map.of("q", "printer queue stuck driver"));
                assertThat(vendorHits.path("body").path("results").findValuesAsText("id")).containsExactly(open);
                assertThat(vendor.command("kb.search", null, Map.of("q", "printer", "audience", "technicians"))
                        .path("code").asText()).isEqualTo("forbidden");
            }
            String vendorToken = server.technician("v-kb-vendor", Tier.L4);
            assertThat(search(vendorToken, q("printer queue stuck driver"))).containsExactly(open);
            assertThat(server.get("/api/articles/" + internal, vendorToken, null).statusCode()).isEqualTo(404);
            assertThat(server.send("POST", "/api/articles", vendorToken, "{}").statusCode()).isEqualTo(403);

            JsonNode shared = l1.command("kb.share", s.session(), Map.of("article", open));
            assertAck(shared, "ack");
            JsonNode event = user.awaitEvent("kb.shared");
            assertThat(event.path("seq").asLong()).isEqualTo(shared.path("seq").asLong());
            assertThat(event.path("audience").asText()).isEqualTo("all");
            assertThat(event.path("body").path("article").asText()).isEqualTo(open);
            assertThat(event.path("body").path("version").asInt()).isEqualTo(1);
            assertThat(event.path("body").path("title").asText()).isEqualTo("Printer queue stuck");

            assertThat(l1.command("kb.share", s.session(), Map.of("article", internal)).path("code").asText())
                    .isEqualTo("forbidden");
            assertAck(l1.command("kb.share", s.session(), Map.of("article", internal, "audience", "technicians")), "ack");
            assertThat(l1.awaitMessage(m -> "kb.shared".equals(m.path("type").asText())
                    && internal.equals(m.path("body").path("article").asText())).path("audience").asText())
                    .isEqualTo("technicians");
            assertThat(l1.command("kb.share", s.session(), Map.of("article", "kb-none")).path("code").asText())
                    .isEqualTo("not_found");
            assertThat(user.command("kb.share", s.session(), Map.of("article", open)).path("code").asText())
                    .isEqualTo("forbidden");
            assertAck(user.command("chat.send", s.session(), Map.of("text", "thanks")), "ack");
            l1.awaitMessage(m -> "thanks".equals(m.path("body").path("text").asText()));
            assertThat(user.received()).allSatisfy(frame -> assertThat(frame.toString()).doesNotContain(internal)
                    .doesNotContain(internalTitle));
        }
    }
}
