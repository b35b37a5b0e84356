package dev.tierline.server.session;

import static dev.tierline.server.session.Scenario.L1;
import static dev.tierline.server.session.Scenario.L2;
import static dev.tierline.server.session.Scenario.L3;
import static dev.tierline.server.session.Scenario.L4;
import static dev.tierline.server.session.Scenario.USER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tierline.protocol.Audience;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Tier;
import dev.tierline.server.session.SessionState.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionDeciderTest {

    @Test
    void createdSessionIsActiveOwnedByItsCreatorWhoIsPresent() {
        Scenario s = new Scenario();
        List<Event> events = s.ok(L1, new CommandBody.SessionCreate("T-7", "Outlook", null));
        assertThat(events).extracting(Event::type).containsExactly(EventType.SESSION_OPENED, EventType.PARTICIPANT_JOINED);
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L);
        assertThat(s.state.status()).isEqualTo(Status.ACTIVE);
        assertThat(s.state.owner()).isEqualTo(L1.id());
        assertThat(s.state.isMember(L1.id())).isTrue();
    }

    @Test
    void onlyInternalTechniciansCreateSessions() {
        new Scenario().refused(USER, new CommandBody.SessionCreate("T-1", "x", null), ErrorCode.FORBIDDEN);
        new Scenario().refused(L4, new CommandBody.SessionCreate("T-1", "x", null), ErrorCode.FORBIDDEN);
    }

    @Test
    void aRequestWaitsUntilExactlyOneTechnicianAcceptsIt() {
        Scenario s = new Scenario();
        s.ok(USER, new CommandBody.RequestOpen(null, "network", "VPN drops every hour"));
        assertThat(s.state.status()).isEqualTo(Status.WAITING);
        assertThat(s.state.ticket()).startsWith("T-");
        assertThat(s.state.owner()).isNull();

        s.ok(L1, new CommandBody.SessionAccept());
        s.refused(L2, new CommandBody.SessionAccept(), ErrorCode.CONFLICT);
        assertThat(s.state.owner()).isEqualTo(L1.id());
        assertThat(s.state.isMember(L2.id())).isFalse();
    }

    @Test
    void l4CannotAcceptFromTheQueue() {
        Scenario s = new Scenario();
        s.ok(USER, new CommandBody.RequestOpen("T-9", "network", "help"));
        s.refused(L4, new CommandBody.SessionAccept(), ErrorCode.FORBIDDEN);
    }

    @Test
    void anInvitationAdmitsOneTechnicianOfItsTierOnce() {
        Scenario s = Scenario.activeSession();
        String invite = s.invite(L1, Tier.L2, null, null, false);
        assertThat(SessionDecider.decide(s.state, new Input.Join(invite, false), L3, s.context()))
                .isEqualTo(new Decision.Reject(ErrorCode.FORBIDDEN, "invitation is for a technician of tier L2"));
        s.join(L2, invite);
        Decision again = SessionDecider.decide(s.state, new Input.Join(invite, false), Scenario.OUTSIDER, s.context());
        assertThat(again).isEqualTo(new Decision.Reject(ErrorCode.EXPIRED, "invitation was already used"));
    }

    @Test
    void revokedAndExpiredInvitationsAdmitNobody() {
        Scenario s = Scenario.activeSession();
        String revoked = s.invite(L1, Tier.L2, null, null, false);
        s.ok(L1, new CommandBody.InviteRevoke(revoked));
        assertThat(((Decision.Reject) SessionDecider.decide(s.state, new Input.Join(revoked, false), L2, s.context())).code())
                .isEqualTo(ErrorCode.FORBIDDEN);

        String expiring = s.invite(L1, Tier.L2, null, null, false);
        s.advance(Duration.ofSeconds(601));
        assertThat(((Decision.Reject) SessionDecider.decide(s.state, new Input.Join(expiring, false), L2, s.context())).code())
                .isEqualTo(ErrorCode.EXPIRED);
    }

    @Test
    void invitationsAreForTechniciansEyesOnly() {
        Scenario s = Scenario.activeSession();
        s.invite(L1, Tier.L2, null, null, false);
        Event created = s.log.get(s.log.size() - 1);
        assertThat(created.audience()).isEqualTo(Audience.TECHNICIANS);
        assertThat(Visibility.sees(s.state, USER.id(), created.audience())).isFalse();
        assertThat(Visibility.snapshot(s.state, USER.id()).invites()).isEmpty();
        assertThat(Visibility.snapshot(s.state, L1.id()).invites()).hasSize(1);
    }

    @Test
    void l4InvitationNeedsAnAccessWindowAndL4CannotInvite() {
        Scenario s = Scenario.activeSession();
        s.refused(L1, new CommandBody.InviteCreate("L4", null, 60L, null, null, null), ErrorCode.BAD_REQUEST);
        s.join(L4, s.invite(L1, Tier.L4, false, 2L, false));
        s.refused(L4, new CommandBody.InviteCreate("L2", null, 60L, null, null, null), ErrorCode.FORBIDDEN);
    }

    @Test
    void l4SeesNoTechnicianTrafficUnlessItsInvitationSaysSo() {
        Scenario s = Scenario.activeSession();
        s.join(L4, s.invite(L1, Tier.L4, false, 60L, false));
        assertThat(Visibility.sees(s.state, L4.id(), Audience.TECHNICIANS)).isFalse();
        s.refused(L4, new CommandBody.ChatSend("psst", "technicians"), ErrorCode.FORBIDDEN);
        s.refused(L4, new CommandBody.NoteAdd("root cause"), ErrorCode.FORBIDDEN);

        Scenario t = Scenario.activeSession();
        t.join(L4, t.invite(L1, Tier.L4, false, 60L, true));
        assertThat(Visibility.sees(t.state, L4.id(), Audience.TECHNICIANS)).isTrue();
    }

    @Test
    void l4IsRemovedWhenItsAccessWindowEndsAndLosesControl() {
        Scenario s = Scenario.activeSession();
        s.join(L4, s.invite(L1, Tier.L4, true, 2L, false));
        s.ok(L4, new CommandBody.ControlRequest());
        s.ok(USER, new CommandBody.ControlGrant(L4.id()));
        assertThat(s.decide(dev.tierline.protocol.Actor.SERVER, new Input.WindowEnded(L4.id())))
                .as("the window has not ended yet").isInstanceOf(Decision.Reject.class);
        s.advance(Duration.ofSeconds(2));
        s.refused(L4, new CommandBody.ChatSend("still here?", null), ErrorCode.FORBIDDEN);
        s.decide(dev.tierline.protocol.Actor.SERVER, new Input.WindowEnded(L4.id()));
        assertThat(s.types().subList(s.types().size() - 2, s.types().size()))
                .containsExactly(EventType.CONTROL_RELEASED, EventType.PARTICIPANT_LEFT);
        assertThat(s.state.controller()).isNull();
        assertThat(s.state.isMember(L4.id())).isFalse();
    }

    @Test
    void ownershipGoesOnlyToAnInternalTechnicianPresent() {
        Scenario s = Scenario.fullSession();
        s.refused(L1, new CommandBody.OwnerTransfer(L4.id(), "vendor fix"), ErrorCode.FORBIDDEN);
        s.refused(L1, new CommandBody.OwnerTransfer("t-nobody", "?"), ErrorCode.NOT_FOUND);
        s.refused(L2, new CommandBody.OwnerTransfer(L3.id(), "not mine to give"), ErrorCode.FORBIDDEN);
        EventBody.OwnerTransferred moved = s.ok(L1, new CommandBody.OwnerTransfer(L2.id(), "needs L2"))
                .get(0).body(EventBody.OwnerTransferred.class);
        assertThat(moved).isEqualTo(new EventBody.OwnerTransferred(L1.id(), Tier.L1, L2.id(), Tier.L2, "needs L2"));
    }

    @Test
    void whenTheOwnerLeavesTheHighestTierTechnicianTakesOver() {
        Scenario s = Scenario.fullSession();
        s.ok(L1, new CommandBody.SessionLeave());
        assertThat(s.state.owner()).isEqualTo(L3.id());
        EventBody.OwnerTransferred moved = s.log.stream().filter(e -> e.type() == EventType.OWNER_TRANSFERRED)
                .findFirst().orElseThrow().body(EventBody.OwnerTransferred.class);
        assertThat(moved.reason()).isEqualTo("owner left");
    }

    @Test
    void whenTheOwnerLeavesWithOnlyVendorsLeftTheSessionWaitsInTheQueueAgain() {
        Scenario s = Scenario.activeSession();
        s.join(L4, s.invite(L1, Tier.L4, true, 60L, false));
        s.ok(L1, new CommandBody.SessionLeave());
        assertThat(s.state.status()).isEqualTo(Status.WAITING);
        assertThat(s.state.owner()).isNull();
        assertThat(s.types()).contains(EventType.SESSION_REQUEUED);
        s.ok(L2, new CommandBody.SessionAccept());
        assertThat(s.state.owner()).isEqualTo(L2.id());
    }

    @Test
    void onlyTheOwnerEndsTheSessionWithAKnownOutcome() {
        Scenario s = Scenario.fullSession();
        s.refused(L2, new CommandBody.SessionEnd("resolved", "fixed"), ErrorCode.FORBIDDEN);
        s.refused(L1, new CommandBody.SessionEnd("great", "fixed"), ErrorCode.BAD_REQUEST);
        s.ok(L1, new CommandBody.SessionEnd("resolved", "Reset the VPN profile"));
        assertThat(s.state.status()).isEqualTo(Status.ENDED);
        s.refused(USER, new CommandBody.ChatSend("hello?", null), ErrorCode.CONFLICT);
    }

    @Test
    void technicianChatIsForTechniciansOnly() {
        Scenario s = Scenario.activeSession();
        s.refused(USER, new CommandBody.ChatSend("let me see", "technicians"), ErrorCode.FORBIDDEN);
        Event note = s.ok(L1, new CommandBody.ChatSend("user seems stressed", "technicians")).get(0);
        assertThat(note.audience()).isEqualTo(Audience.TECHNICIANS);
        assertThat(Visibility.sees(s.state, USER.id(), note.audience())).isFalse();
    }

    @Test
    void aFullSessionRefusesTheNextJoiner() {
        Scenario s = Scenario.activeSession();
        s.maxParticipants = 2;
        String invite = s.invite(L1, Tier.L2, null, null, false);
        Decision decision = SessionDecider.decide(s.state, new Input.Join(invite, false), L2, s.context());
        assertThat(((Decision.Reject) decision).code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(((Decision.Reject) decision).message()).contains("full");
    }

    @Test
    void aDroppedParticipantIsDisconnectedThenLeavesWhenGraceEnds() {
        Scenario s = Scenario.fullSession();
        s.ok(L2, new CommandBody.ControlRequest());
        s.ok(USER, new CommandBody.ControlGrant(L2.id()));
        s.decide(dev.tierline.protocol.Actor.SERVER, new Input.Disconnected(L2.id()));
        assertThat(s.state.controller()).as("a drop releases control at once").isNull();
        assertThat(s.state.member(L2.id()).connected()).isFalse();

        s.decide(L2, new Input.Join(null, false));
        assertThat(s.log.get(s.log.size() - 1).type()).isEqualTo(EventType.PARTICIPANT_RECONNECTED);
        s.decide(dev.tierline.protocol.Actor.SERVER, new Input.GraceExpired(L2.id()));
        assertThat(s.last).as("back in time: grace expiry does nothing").isInstanceOf(Decision.Reject.class);

        s.decide(dev.tierline.protocol.Actor.SERVER, new Input.Disconnected(L2.id()));
        s.decide(dev.tierline.protocol.Actor.SERVER, new Input.GraceExpired(L2.id()));
        assertThat(s.state.isMember(L2.id())).isFalse();
        assertThat(s.log.get(s.log.size() - 1).body()).isEqualTo(new EventBody.ParticipantLeft(L2.id(), "timeout"));
    }

    @Test
    void handOffWaitsForTheUsersConsent() {
        Scenario s = Scenario.fullSession();
        s.ok(L1, new CommandBody.ControlRequest());
        s.ok(USER, new CommandBody.ControlGrant(L1.id()));
        s.ok(L1, new CommandBody.ControlHandoff(L2.id()));
        assertThat(s.state.controller()).isEqualTo(L1.id());
        assertThat(s.state.pendingHandoff()).isEqualTo(new SessionState.Handoff(L1.id(), L2.id()));
        EventBody.ControlGranted granted = s.ok(USER, new CommandBody.ControlGrant(L2.id())).get(0)
                .body(EventBody.ControlGranted.class);
        assertThat(granted).isEqualTo(new EventBody.ControlGranted(L2.id(), L1.id(), "user"));
        assertThat(s.state.controller()).isEqualTo(L2.id());
    }

    @Test
    void onceConsentedPolicyLetsAHandOffBackGoThroughWithoutAsking() {
        Scenario s = new Scenario();
        s.ok(L1, new CommandBody.SessionCreate("T-2", "x", "once-per-technician"));
        s.join(USER, null);
        s.join(L2, s.invite(L1, Tier.L2, null, null, false));
        s.ok(L1, new CommandBody.ControlRequest());
        s.ok(USER, new CommandBody.ControlGrant(L1.id()));
        s.ok(L1, new CommandBody.ControlHandoff(L2.id()));
        s.ok(USER, new CommandBody.ControlGrant(L2.id()));
        EventBody.ControlGranted back = s.ok(L2, new CommandBody.ControlHandoff(L1.id())).get(0)
                .body(EventBody.ControlGranted.class);
        assertThat(back.consent()).isEqualTo("policy");
        assertThat(s.state.controller()).isEqualTo(L1.id());
    }

    @Test
    void revokeEndsControlEvenWithHandoffPending() {
        Scenario s = Scenario.fullSession();
        s.ok(L1, new CommandBody.ControlRequest());
        s.ok(USER, new CommandBody.ControlGrant(L1.id()));
        s.ok(L1, new CommandBody.ControlHandoff(L2.id()));
        s.ok(USER, new CommandBody.ControlRevoke());
        assertThat(s.state.controller()).isNull();
        assertThat(s.state.pendingHandoff()).isNull();
        s.refused(USER, new CommandBody.ControlGrant(L2.id()), ErrorCode.CONFLICT);
    }

    @Test
    void aControlRequestCanBeWithdrawnAndIsInTheSnapshot() {
        Scenario s = Scenario.fullSession();
        s.ok(L2, new CommandBody.ControlRequest());
        assertThat(Visibility.snapshot(s.state, USER.id()).controlRequests()).containsExactly(L2.id());
        s.ok(L2, new CommandBody.ControlWithdraw());
        assertThat(Visibility.snapshot(s.state, USER.id()).controlRequests()).isEmpty();
        s.refused(USER, new CommandBody.ControlGrant(L2.id()), ErrorCode.CONFLICT);
    }

    @Test
    void screenShareStartsUpdatesAndStopsInOrderAndShowsInTheSnapshot() {
        Scenario s = Scenario.fullSession();
        var display = new CommandBody.Display("d1", 1920, 1080, 1.0, true);
        s.refused(USER, new CommandBody.ScreenShareUpdate("st-1", List.of(display), "vp9", 15), ErrorCode.CONFLICT);
        s.refused(L1, new CommandBody.ScreenShareStart("st-1", List.of(display), "vp9", 15), ErrorCode.FORBIDDEN);
        s.ok(USER, new CommandBody.ScreenShareStart("st-1", List.of(display), "vp9", 15));
        s.refused(USER, new CommandBody.ScreenShareStart("st-1", List.of(display), "vp9", 15), ErrorCode.CONFLICT);
        var second = new CommandBody.Display("d2", 1280, 1024, 1.25, false);
        s.ok(USER, new CommandBody.ScreenShareUpdate("st-1", List.of(display, second), "vp9", 30));
        assertThat(Visibility.snapshot(s.state, L2.id()).share().displays()).hasSize(2);
        s.ok(USER, new CommandBody.ScreenShareStop());
        assertThat(Visibility.snapshot(s.state, L2.id()).share()).isNull();
    }

    @Test
    void aSignalGoesToOneParticipantPresentAndIsNotRecorded() {
        Scenario s = Scenario.fullSession();
        long seq = s.state.seq();
        var payload = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("sdp", "v=0");
        Decision relay = s.run(L1, new CommandBody.ScreenSignal(USER.id(), "offer", payload));
        assertThat(relay).isInstanceOf(Decision.Relay.class);
        assertThat(((Decision.Relay) relay).audience()).isEqualTo(Audience.participant(USER.id()));
        assertThat(s.state.seq()).isEqualTo(seq);
        s.refused(L1, new CommandBody.ScreenSignal("t-gone", "offer", payload), ErrorCode.NOT_FOUND);
    }

    @Test
    void replayingTheLogRebuildsTheSameState() {
        Scenario s = Scenario.fullSession();
        s.ok(L2, new CommandBody.ControlRequest());
        s.ok(USER, new CommandBody.ControlGrant(L2.id()));
        s.ok(L1, new CommandBody.OwnerTransfer(L3.id(), "expert"));
        s.ok(L1, new CommandBody.SessionLeave());
        assertThat(s.replay()).isEqualTo(s.state);
        assertThat(s.log).extracting(Event::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, s.log.size()).boxed().toList());
    }
}
