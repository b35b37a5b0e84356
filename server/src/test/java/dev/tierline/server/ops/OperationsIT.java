package dev.tierline.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierline.client.TierlineClient;
import dev.tierline.client.TierlineException;
import dev.tierline.client.TierlineSession;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.Tier;
import dev.tierline.server.ServerExtension;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One scripted support session — a request, accepted by L1, escalated to L2, control handed from
 * L1 to L2, ownership to L2, resolved — then what operators and leads see of it: /metrics, the
 * figures route, /healthz and /readyz.
 */
class OperationsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final ServerExtension server = new ServerExtension();

    @Test
    void aScriptedSessionShowsUpInTheMetricsAndTheFigures() throws Exception {
        assertThat(metric("tierline_desk_sessions_opened_total", "kind=\"request\"")).isZero();
        try (TierlineClient user = server.client(server.endUser("u-uma-ops"));
             TierlineClient ann = server.client(server.technician("t-ann-ops", Tier.L1));
             TierlineClient bob = server.client(server.technician("t-bob-ops", Tier.L2))) {
            user.connect().join();
            ReplyBody.SessionOpened request = user.openRequest("printers", "paper jam forever", "T-OPS-1").join();
            String id = request.session();
            ann.connect().join();
            TierlineSession l1 = ann.accept(id).join();
            bob.connect().join();
            TierlineSession l2 = bob.join(id, l1.invite(
                    new CommandBody.InviteCreate("L2", null, 60L, null, null, null)).join().token()).join();
            l1.requestControl().join();
            user.send(id, new CommandBody.ControlGrant("t-ann-ops")).join();
            l1.handoffControl("t-bob-ops").join();
            user.send(id, new CommandBody.ControlGrant("t-bob-ops")).join();
            l1.transferOwner("t-bob-ops", "needs L2").join();
            CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> l1.end("resolved", "not the owner any more").join());
            assertThat(((TierlineException) refused.getCause()).code()).isEqualTo(ErrorCode.FORBIDDEN);
            l2.end("resolved", "cleared the jam, replaced the roller").join();
        }

        // every figure is folded from the journal's commits, which precede the acks: no waiting needed
        assertThat(metric("tierline_desk_sessions_opened_total", "kind=\"request\"")).isEqualTo(1);
        assertThat(metric("tierline_desk_escalations_total", "path=\"L1->L2\"")).isEqualTo(1);
        assertThat(metric("tierline_desk_control_handoffs_total", "")).isEqualTo(1);
        assertThat(metric("tierline_desk_sessions_ended_total", "outcome=\"resolved\",tier=\"L2\"")).isEqualTo(1);
        assertThat(metric("tierline_desk_queue_wait_seconds_count", "")).isEqualTo(1);
        // resolved within the first minute: counted in every bucket from 60 s up
        assertThat(metric("tierline_desk_time_to_resolution_seconds_bucket", "tier=\"L2\",le=\"60.0\"")).isEqualTo(1);
        assertThat(metric("tierline_desk_time_to_resolution_seconds_count", "tier=\"L2\"")).isEqualTo(1);
        assertThat(metric("tierline_errors_total", "code=\"forbidden\"")).isGreaterThanOrEqualTo(1);
        assertThat(metric("tierline_events_recorded_total", "")).isGreaterThan(10);
        assertThat(metric("tierline_journal_batch_events_count", "")).isGreaterThan(0);
        assertThat(metric("tierline_journal_durable_seconds_count", "")).as("every batch holds a command or more")
                .isGreaterThanOrEqualTo(metric("tierline_journal_batch_events_count", ""));
        double syncs = metric("tierline_journal_commit_sync_seconds_count", "");
        assertThat(syncs).as("one commit call a batch, counted before the batch").isPositive()
                .isLessThanOrEqualTo(metric("tierline_journal_commit_seconds_count", ""));
        assertThat(metric("tierline_sessions", "state=\"active\"")).isZero();
        String scrape = scrape();
        assertThat(scrape).contains("jvm_memory_used_bytes", "netty_allocator_memory_used", "tierline_journal_commit_seconds",
                "tierline_journal_log_catchup_seconds_count",
                "tierline_connections_open", "tierline_outbound_bytes", "tierline_participants{role=\"technician\",tier=\"L4\"}");

        HttpResponse<String> figures = server.get("/api/figures", server.auditor("a-lead"), null);
        assertThat(figures.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(figures.body());
        assertThat(body.path("sessions").path("requests").asLong()).isEqualTo(1);
        assertThat(body.path("queueWait").path("count").asLong()).isEqualTo(1);
        assertThat(body.path("timeToResolution").path("count").asLong()).isEqualTo(1);
        assertThat(body.path("escalations").path("L1->L2").asLong()).isEqualTo(1);
        assertThat(body.path("resolvedByTier").path("L2").asLong()).isEqualTo(1);
        assertThat(body.path("outcomes").path("resolved").asLong()).isEqualTo(1);
        assertThat(body.path("controlHandoffs").asLong()).isEqualTo(1);
        assertThat(server.get("/api/figures", server.endUser("u-nosy"), null).statusCode()).isEqualTo(403);
    }

    @Test
    void healthAndReadiness() throws Exception {
        assertThat(server.get("/healthz", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = server.get("/readyz", null, null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"ready\"");
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = server.get("/metrics", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        return response.body();
    }

    /** The value of one series; 0 when it does not exist yet. */
    private static double metric(String name, String labels) throws Exception {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + (labels.isEmpty() ? "(\\{[^}]*\\})?" : "\\{[^}]*"
                + Pattern.quote(labels) + "[^}]*\\}") + " (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape());
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(m.groupCount()));
        }
        return total;
    }
}
