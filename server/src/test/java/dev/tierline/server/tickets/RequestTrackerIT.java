package dev.tierline.server.tickets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.client.TierlineClient;
import dev.tierline.client.TierlineSession;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.Tier;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.config.Setting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Against a real Request Tracker (profile {@code rt}; .ci/run starts RT with the shared script):
 * the transcript and notes land in the ticket's history as internal comments, and while RT is
 * down deliveries wait, then each lands exactly once.
 */
class RequestTrackerIT {
    static final RequestTracker rt = rtOrFail();

    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.TICKETS_RT_URL, rt.baseUrl)
            .with(Setting.TICKETS_RT_USER, "root")
            .with(Setting.TICKETS_RT_PASSWORD, "password")
            .with(Setting.TICKETS_TIMEOUT, "PT5S")
            .with(Setting.TICKETS_RETRY_BASE, "PT0.2S")
            .with(Setting.TICKETS_RETRY_MAX, "PT1S");

    private static RequestTracker rtOrFail() {
        try {
            return new RequestTracker();
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** L1 opens, invites L2, both talk, L2 notes, L1 hands over ownership, L2 resolves. */
    private static String supportSession(String ticket) {
        try (TierlineClient ann = server.client(server.technician("t-ann-rt", Tier.L1));
             TierlineClient bob = server.client(server.technician("t-bob-rt", Tier.L2))) {
            ann.connect().join();
            String id = ann.createSession(ticket, "Outlook keeps asking for a password").join().session();
            TierlineSession l1 = ann.join(id, null).join();
            bob.connect().join();
            TierlineSession l2 = bob.join(id, l1.invite(
                    new CommandBody.InviteCreate("L2", null, 60L, null, null, null)).join().token()).join();
            l1.chat("Bob, the profile looks corrupt").join();
            l2.chat("Recreating the Outlook profile now").join();
            l2.addNote("Credential manager held a stale token for the old tenant").join();
            l1.transferOwner("t-bob-rt", "profile work is L2").join();
            l2.end("resolved", "Cleared the stale credential and recreated the profile").join();
            return id;
        }
    }

    private static String content(JsonNode attachment) {
        String raw = attachment.path("Content").asText();
        try { // RT 5 returns text content as is; some versions base64-encode it
            return raw.contains(" ") ? raw : new String(Base64.getDecoder().decode(raw), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException plain) {
            return raw;
        }
    }

    @Test
    void theTranscriptAndNotesLandInTheTicketsHistory() throws Exception {
        String ticket = "T-RT-" + UUID.randomUUID().toString().substring(0, 8);
        String session = supportSession(ticket);

        List<String> tickets = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            tickets.clear();
            tickets.addAll(rt.ticketsWithSubject("[tierline " + ticket + "]"));
            return tickets.size() == 1 && rt.attachments(tickets.get(0)).stream()
                    .anyMatch(a -> a.path("Subject").asText().contains("transcript"));
        });
        List<JsonNode> attachments = rt.attachments(tickets.get(0));
        JsonNode transcript = attachments.stream().filter(a -> a.path("Subject").asText().contains("transcript")).findFirst().orElseThrow();
        assertThat(content(transcript)).contains(
                "Tierline live session " + session,
                "Outcome: resolved — Cleared the stale credential and recreated the profile",
                "Escalation path: L1 -> L2",
                "Bob, the profile looks corrupt", "Recreating the Outlook profile now",
                "Signed digest: head ", "Auditor route: http://127.0.0.1:" + server.uri().getPort() + "/api/sessions/" + session);
        JsonNode note = attachments.stream().filter(a -> a.path("Subject").asText().contains("note")).findFirst().orElseThrow();
        assertThat(content(note)).contains("Credential manager held a stale token for the old tenant", "(L2)");
        assertThat(attachments.stream().filter(a -> a.path("Subject").asText().startsWith("Tierline")))
                .as("one comment per delivery").hasSize(2);
    }

    @Test
    void whileRtIsDownDeliveriesWaitThenEachLandsExactlyOnce() throws Exception {
        rt.stop();
        List<String> ticketIds = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                String ticket = "T-RT-DOWN-" + UUID.randomUUID().toString().substring(0, 8);
                ticketIds.add(ticket);
                supportSession(ticket);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> stuck() >= 1);
            assertThat(pending()).as("two notes and two transcripts wait").isEqualTo(4);
        } finally {
            rt.start();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> pending() == 0);
        for (String ticket : ticketIds) {
            List<String> rtTickets = rt.ticketsWithSubject("[tierline " + ticket + "]");
            assertThat(rtTickets).as("one RT ticket for " + ticket).hasSize(1);
            assertThat(rt.attachments(rtTickets.get(0)).stream().filter(a -> a.path("Subject").asText().startsWith("Tierline")))
                    .as("each delivery exactly once").hasSize(2);
        }
    }

    private static long pending() throws Exception {
        return server.server().observability() == null ? -1 : deliveries("pending");
    }

    private static long stuck() throws Exception {
        return deliveries("stuck");
    }

    private static long deliveries(String state) throws Exception {
        String body = server.get("/api/deliveries?state=" + state, server.auditor("a-rt"), null).body();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("deliveries").size();
    }
}
