package dev.tierline.server.session;

import static dev.tierline.server.session.Scenario.L1;
import static dev.tierline.server.session.Scenario.USER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.CommandBody;
import dev.tierline.server.ops.ServiceDeskFigures;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Time spent reading self-help articles is not queue wait: the wait starts when the user sends the request on. */
class SelfHelpFiguresTest {

    @Test
    void queueWaitCountsFromTheMomentSelfHelpIsDeclined() {
        Scenario s = new Scenario();
        s.decide(USER, new Input.SelfHelpRequest(new CommandBody.RequestOpen(null, "network", "VPN drops every hour")));
        s.advance(Duration.ofMinutes(5)); // reading the suggested articles
        s.ok(USER, new CommandBody.RequestQueue());
        s.advance(Duration.ofSeconds(90));
        s.ok(L1, new CommandBody.SessionAccept());

        ServiceDeskFigures figures = ServiceDeskFigures.report();
        s.log.forEach(figures::accept);
        JsonNode json = figures.toJson();
        assertThat(json.path("sessions").path("requests").asLong()).isEqualTo(1);
        assertThat(json.path("queueWait").path("count").asLong()).isEqualTo(1);
        assertThat(json.path("queueWait").path("p50Seconds").asDouble()).isEqualTo(90.0);
    }
}
