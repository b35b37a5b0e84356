package dev.tierline.server.session;

import dev.tierline.protocol.Audience;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.Participant;
import dev.tierline.server.session.SessionState.Member;
import java.util.List;

/** Who may see what: the audience rule for events, and each viewer's snapshot. */
public final class Visibility {
    private Visibility() {
    }

    /** Whether {@code viewer} may receive an event for {@code audience}, judged by {@code state}. */
    public static boolean sees(SessionState state, String viewer, Audience audience) {
        if (audience.isAll()) {
            return true;
        }
        if (audience.isTechnicians()) {
            Member member = state.member(viewer);
            return member != null && member.seesTechnicianTraffic();
        }
        return viewer.equals(audience.participantId());
    }

    /** The session as {@code viewer} may see it; pending invitations only for technicians. */
    public static EventBody.Snapshot snapshot(SessionState state, String viewer) {
        Member me = state.member(viewer);
        boolean technician = me != null && me.seesTechnicianTraffic();
        List<Participant> participants = state.members().values().stream()
                .map(m -> new Participant(m.actor().id(), m.actor().name(), m.actor().role(), m.actor().tier(),
                        m.connected() ? Participant.CONNECTED : Participant.DISCONNECTED, m.joinedAt(),
                        m.allowControl(), m.accessUntil()))
                .toList();
        List<EventBody.InviteCreated> invites = !technician ? List.of() : state.invites().values().stream()
                .filter(i -> !i.used() && !i.revoked())
                .map(i -> new EventBody.InviteCreated(i.id(), i.tier(), i.invitee(), i.expiresAt(), i.allowControl(),
                        i.windowSeconds(), i.technicianChat()))
                .toList();
        EventBody.ControlHandoffRequested handoff = state.pendingHandoff() == null ? null
                : new EventBody.ControlHandoffRequested(state.pendingHandoff().from(), state.pendingHandoff().to());
        return new EventBody.Snapshot(state.ticket(), state.title(), state.topic(),
                state.status().name().toLowerCase(java.util.Locale.ROOT), state.consent().wire(), state.owner(),
                participants, state.controller(), List.copyOf(state.controlRequests()), handoff, state.share(),
                invites, state.seq());
    }
}
