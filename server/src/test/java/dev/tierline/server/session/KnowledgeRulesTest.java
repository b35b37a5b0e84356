package dev.tierline.server.session;

import static dev.tierline.server.session.Scenario.L1;
import static dev.tierline.server.session.Scenario.L2;
import static dev.tierline.server.session.Scenario.L4;
import static dev.tierline.server.session.Scenario.L4_NO_CONTROL;
import static dev.tierline.server.session.Scenario.OUTSIDER;
import static dev.tierline.server.session.Scenario.USER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Audience;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.server.session.SessionState.Status;
import org.junit.jupiter.api.Test;

class KnowledgeRulesTest {
    private static final Input.Article PUBLIC = new Input.Article("kb-vpn", 2, "VPN drops hourly", "public", false);
    private static final Input.Article INTERNAL = new Input.Article("kb-mtu", 1, "Concentrator MTU", "technicians", false);
    private static final Input.Article RETIRED = new Input.Article("kb-old", 3, "Old fix", "public", true);

    private static void refused(Scenario s, Actor actor, Input input, ErrorCode code) {
        long seq = s.state.seq();
        Decision decision = s.decide(actor, input);
        assertThat(decision).as("%s by %s", input, actor.id()).isInstanceOf(Decision.Reject.class);
        assertThat(((Decision.Reject) decision).code()).as(decision.toString()).isEqualTo(code);
        assertThat(s.state.seq()).isEqualTo(seq);
    }

    private static Event accepted(Scenario s, Actor actor, Input input) {
        int before = s.log.size();
        Decision decision = s.decide(actor, input);
        assertThat(decision).as("%s by %s", input, actor.id()).isInstanceOf(Decision.Accept.class);
        assertThat(s.log.size()).as("recorded events").isGreaterThan(before);
        return s.log.get(s.log.size() - 1);
    }

    @Test
    void aTechnicianSharesAPublicArticleWithEveryoneAsARecordedEvent() {
        Scenario s = Scenario.activeSession();
        Event shared = accepted(s, L1, new Input.ShareArticle(PUBLIC, "all"));
        assertThat(shared.type()).isEqualTo(EventType.KB_SHARED);
        assertThat(shared.audience()).isEqualTo(Audience.ALL);
        assertThat(shared.body(EventBody.KbShared.class))
                .isEqualTo(new EventBody.KbShared("kb-vpn", 2, "VPN drops hourly", "public"));
        assertThat(s.replay()).isEqualTo(s.state);
    }

    @Test
    void aTechnicianOnlyArticleIsSharedOnlyWithTechnicians() {
        Scenario s = Scenario.activeSession();
        refused(s, L1, new Input.ShareArticle(INTERNAL, "all"), ErrorCode.FORBIDDEN);
        Event shared = accepted(s, L1, new Input.ShareArticle(INTERNAL, "technicians"));
        assertThat(shared.audience()).isEqualTo(Audience.TECHNICIANS);
    }

    @Test
    void endUsersOutsidersAndVendorsWithoutTechnicianAccessCannotShare() {
        Scenario s = Scenario.fullSession();
        refused(s, USER, new Input.ShareArticle(PUBLIC, "all"), ErrorCode.FORBIDDEN);
        refused(s, OUTSIDER, new Input.ShareArticle(PUBLIC, "all"), ErrorCode.FORBIDDEN);
        refused(s, L4_NO_CONTROL, new Input.ShareArticle(PUBLIC, "all"), ErrorCode.FORBIDDEN);
        refused(s, L4, new Input.ShareArticle(PUBLIC, "all"), ErrorCode.FORBIDDEN);
        accepted(s, L2, new Input.ShareArticle(PUBLIC, "all"));
    }

    @Test
    void retiredArticlesAreNotSharedAndEndedSessionsShareNothing() {
        Scenario s = Scenario.activeSession();
        refused(s, L1, new Input.ShareArticle(RETIRED, "all"), ErrorCode.CONFLICT);
        s.ok(L1, new CommandBody.SessionEnd("resolved", "done"));
        refused(s, L1, new Input.ShareArticle(PUBLIC, "all"), ErrorCode.CONFLICT);
    }

    @Test
    void theEndUserClosesAWaitingRequestAsSelfResolvedWithAPublicArticle() {
        Scenario s = new Scenario();
        s.ok(USER, new CommandBody.RequestOpen(null, "network", "VPN drops every hour"));
        Event ended = accepted(s, USER, new Input.SelfResolve(PUBLIC));
        assertThat(ended.type()).isEqualTo(EventType.SESSION_ENDED);
        EventBody.SessionEnded body = ended.body(EventBody.SessionEnded.class);
        assertThat(body.outcome()).isEqualTo("self-resolved");
        assertThat(body.reason()).isEqualTo("self-help");
        assertThat(body.article()).isEqualTo("kb-vpn");
        assertThat(body.resolution()).contains("kb-vpn v2").contains("VPN drops hourly");
        assertThat(s.state.status()).isEqualTo(Status.ENDED);
        assertThat(s.replay()).isEqualTo(s.state);
    }

    @Test
    void selfResolveNeedsAPublicLiveArticleAndTheRequestStillWaiting() {
        Scenario s = new Scenario();
        s.ok(USER, new CommandBody.RequestOpen(null, "network", "VPN drops every hour"));
        refused(s, USER, new Input.SelfResolve(INTERNAL), ErrorCode.NOT_FOUND);
        refused(s, USER, new Input.SelfResolve(RETIRED), ErrorCode.CONFLICT);
        refused(s, L1, new Input.SelfResolve(PUBLIC), ErrorCode.FORBIDDEN);
        s.ok(L1, new CommandBody.SessionAccept());
        refused(s, USER, new Input.SelfResolve(PUBLIC), ErrorCode.CONFLICT);
        refused(s, L1, new Input.SelfResolve(PUBLIC), ErrorCode.FORBIDDEN);
        assertThat(s.state.status()).isEqualTo(Status.ACTIVE);
    }

    @Test
    void onlyTheRequestsOwnEndUserMaySelfResolveIt() {
        Scenario s = new Scenario();
        s.ok(USER, new CommandBody.RequestOpen(null, "network", "VPN drops every hour"));
        Actor stranger = new Actor("u-sam", "Sam", dev.tierline.protocol.Role.END_USER, null);
        refused(s, stranger, new Input.SelfResolve(PUBLIC), ErrorCode.FORBIDDEN);
        refused(new Scenario(), USER, new Input.SelfResolve(PUBLIC), ErrorCode.NOT_FOUND);
    }

    @Test
    void aRequestWithSuggestionsWaitsForTheUsersChoiceBeforeTheQueue() {
        Scenario s = new Scenario();
        s.decide(USER, new Input.SelfHelpRequest(new CommandBody.RequestOpen(null, "network", "VPN drops every hour")));
        assertThat(s.state.status()).isEqualTo(SessionState.Status.SELF_HELP);
        refused(s, L1, new Input.Client(new CommandBody.SessionAccept()), ErrorCode.CONFLICT);
        refused(s, L1, new Input.Client(new CommandBody.RequestQueue()), ErrorCode.FORBIDDEN);

        s.ok(USER, new CommandBody.RequestQueue());
        assertThat(s.state.status()).isEqualTo(SessionState.Status.WAITING);
        assertThat(s.log.get(s.log.size() - 1).type()).isEqualTo(dev.tierline.protocol.EventType.SESSION_REQUEUED);
        refused(s, USER, new Input.Client(new CommandBody.RequestQueue()), ErrorCode.CONFLICT);
        s.ok(L1, new CommandBody.SessionAccept());
        assertThat(s.state.status()).isEqualTo(SessionState.Status.ACTIVE);
    }

    @Test
    void aRequestInSelfHelpCanBeSelfResolvedAndOneWithoutSuggestionsGoesStraightToTheQueue() {
        Scenario s = new Scenario();
        s.decide(USER, new Input.SelfHelpRequest(new CommandBody.RequestOpen(null, "network", "VPN drops every hour")));
        Event ended = accepted(s, USER, new Input.SelfResolve(PUBLIC));
        assertThat(ended.body(dev.tierline.protocol.EventBody.SessionEnded.class).outcome()).isEqualTo("self-resolved");

        Scenario plain = new Scenario();
        plain.ok(USER, new CommandBody.RequestOpen(null, "network", "VPN drops every hour"));
        assertThat(plain.state.status()).isEqualTo(SessionState.Status.WAITING);
    }
}
