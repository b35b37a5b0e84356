package dev.tierline.server.session;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.server.session.SessionState.Invite;
import dev.tierline.server.session.SessionState.Member;
import dev.tierline.server.session.SessionState.Status;
import java.time.Instant;
import java.util.Comparator;

/** Who may do what: the checks {@link SessionDecider} and {@link ControlRules} share. */
final class Permissions {
    private Permissions() {
    }

    static boolean isInternalTechnician(Actor actor) {
        return actor.isTechnician() && actor.tier().isInternal();
    }

    /** Why {@code actor} may not act in this session at all, or {@code null} when it may. */
    static Decision.Reject memberRefusal(SessionState state, Actor actor, Instant now) {
        if (state.status() == Status.NEW) {
            return new Decision.Reject(ErrorCode.NOT_FOUND, "no such session");
        }
        if (state.status() == Status.ENDED) {
            return new Decision.Reject(ErrorCode.CONFLICT, "session has ended");
        }
        Member member = state.member(actor.id());
        if (member == null) {
            return new Decision.Reject(ErrorCode.FORBIDDEN, "not a participant of this session");
        }
        if (member.accessUntil() != null && !now.isBefore(member.accessUntil())) {
            return new Decision.Reject(ErrorCode.FORBIDDEN, "access window ended");
        }
        return null;
    }

    /** Why {@code actor} may not join with {@code invite}, or {@code null} when it may. */
    static Decision.Reject inviteRefusal(Invite invite, Actor actor, Instant now) {
        if (invite == null) {
            return new Decision.Reject(ErrorCode.FORBIDDEN, "invitation is not for this session");
        }
        if (invite.revoked()) {
            return new Decision.Reject(ErrorCode.FORBIDDEN, "invitation was revoked");
        }
        if (invite.used()) {
            return new Decision.Reject(ErrorCode.EXPIRED, "invitation was already used");
        }
        if (!now.isBefore(invite.expiresAt())) {
            return new Decision.Reject(ErrorCode.EXPIRED, "invitation expired");
        }
        if (!actor.isTechnician() || actor.tier() != invite.tier()) {
            return new Decision.Reject(ErrorCode.FORBIDDEN, "invitation is for a technician of tier " + invite.tier());
        }
        if (invite.invitee() != null && !invite.invitee().equals(actor.id())) {
            return new Decision.Reject(ErrorCode.FORBIDDEN, "invitation names another invitee");
        }
        return null;
    }

    /**
     * Who owns the session when {@code leaving} goes: the highest-tier internal technician left,
     * connected ones first, earliest joined on a tie; {@code null} when there is none.
     */
    static Member successor(SessionState state, String leaving) {
        Comparator<Member> order = Comparator.<Member, Boolean>comparing(Member::connected).reversed()
                .thenComparing(m -> m.actor().tier(), Comparator.reverseOrder());
        return state.members().values().stream()
                .filter(m -> !m.actor().id().equals(leaving) && m.isInternalTechnician())
                .min(order)
                .orElse(null);
    }
}
