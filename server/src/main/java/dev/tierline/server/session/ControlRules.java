package dev.tierline.server.session;

import static dev.tierline.server.session.Decision.accept;
import static dev.tierline.server.session.Decision.draft;
import static dev.tierline.server.session.Decision.reject;

import dev.tierline.protocol.Audience;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.CommandType;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.server.session.SessionState.ConsentPolicy;
import dev.tierline.server.session.SessionState.Handoff;
import dev.tierline.server.session.SessionState.Member;

/**
 * The remote-control token and the screen share. The invariants: at most one controller; the
 * controller is present, connected, allowed control, and was consented to by the end user; the end
 * user's revoke always ends control.
 */
final class ControlRules {
    private static final ReplyBody DONE = new ReplyBody.Done();

    private ControlRules() {
    }

    static Decision decide(SessionState state, CommandType type, CommandBody body, Member actor) {
        String me = actor.actor().id();
        switch (type) {
            case CONTROL_REQUEST:
                return request(state, actor);
            case CONTROL_WITHDRAW:
                return state.controlRequests().contains(me)
                        ? accept(DONE, draft(EventType.CONTROL_WITHDRAWN, new EventBody.ControlWithdrawn(me)))
                        : reject(ErrorCode.CONFLICT, "no pending control request to withdraw");
            case CONTROL_GRANT:
                return grant(state, ((CommandBody.ControlGrant) body).to(), actor);
            case CONTROL_DENY:
                return deny(state, ((CommandBody.ControlDeny) body).to(), actor);
            case CONTROL_HANDOFF:
                return handoff(state, ((CommandBody.ControlHandoff) body).to(), actor);
            case CONTROL_RELEASE:
                return me.equals(state.controller())
                        ? accept(DONE, draft(EventType.CONTROL_RELEASED, new EventBody.ControlReleased(me, "released")))
                        : reject(ErrorCode.CONFLICT, "you do not hold control");
            case CONTROL_REVOKE:
                return revoke(state, actor);
            case SCREEN_SHARE_START:
                return share(state, (CommandBody.ScreenShareSpec) body, actor, false);
            case SCREEN_SHARE_UPDATE:
                return share(state, (CommandBody.ScreenShareSpec) body, actor, true);
            case SCREEN_SHARE_STOP:
                return stopShare(state, actor);
            case SCREEN_SIGNAL:
                return signal(state, (CommandBody.ScreenSignal) body, me);
            case SCREEN_POINTER:
                CommandBody.ScreenPointer p = (CommandBody.ScreenPointer) body;
                return new Decision.Relay(EventType.SCREEN_POINTER, new EventBody.Pointer(me, p.display(), p.x(), p.y()),
                        Audience.ALL, true);
            default:
                return reject(ErrorCode.BAD_REQUEST, type.wire() + " is not a control or screen command");
        }
    }

    private static Decision stopShare(SessionState state, Member actor) {
        if (!actor.actor().isEndUser()) {
            return reject(ErrorCode.FORBIDDEN, "only the end user shares a screen");
        }
        if (state.share() == null) {
            return reject(ErrorCode.CONFLICT, "no screen share to stop");
        }
        return accept(DONE, draft(EventType.SCREEN_SHARE_STOPPED, new EventBody.ScreenShareStopped(state.share().stream())));
    }

    private static Decision request(SessionState state, Member actor) {
        String me = actor.actor().id();
        if (!actor.isTechnician()) {
            return reject(ErrorCode.FORBIDDEN, "only technicians can request control");
        }
        if (!actor.allowControl()) {
            return reject(ErrorCode.FORBIDDEN, "your invitation does not allow remote control");
        }
        if (me.equals(state.controller())) {
            return reject(ErrorCode.CONFLICT, "you already hold control");
        }
        if (state.controlRequests().contains(me)) {
            return reject(ErrorCode.CONFLICT, "control already requested");
        }
        return accept(DONE, draft(EventType.CONTROL_REQUESTED, new EventBody.ControlRequested(me)));
    }

    private static Decision grant(SessionState state, String to, Member actor) {
        if (!actor.actor().isEndUser()) {
            return reject(ErrorCode.FORBIDDEN, "only the end user can grant control");
        }
        Handoff handoff = state.pendingHandoff();
        boolean handoffTo = handoff != null && handoff.to().equals(to);
        if (!handoffTo && !state.controlRequests().contains(to)) {
            return reject(ErrorCode.CONFLICT, "no pending control request or hand-off for " + to);
        }
        Decision.Reject unfit = unfitController(state, to);
        if (unfit != null) {
            return unfit;
        }
        return accept(DONE, draft(EventType.CONTROL_GRANTED, new EventBody.ControlGranted(to, state.controller(), "user")));
    }

    private static Decision deny(SessionState state, String to, Member actor) {
        if (!actor.actor().isEndUser()) {
            return reject(ErrorCode.FORBIDDEN, "only the end user can deny control");
        }
        boolean handoffTo = state.pendingHandoff() != null && state.pendingHandoff().to().equals(to);
        if (!handoffTo && !state.controlRequests().contains(to)) {
            return reject(ErrorCode.CONFLICT, "no pending control request or hand-off for " + to);
        }
        return accept(DONE, draft(EventType.CONTROL_DENIED, new EventBody.ControlDenied(to)));
    }

    private static Decision handoff(SessionState state, String to, Member actor) {
        String me = actor.actor().id();
        if (!me.equals(state.controller())) {
            return reject(ErrorCode.FORBIDDEN, "only the controller can hand control off");
        }
        if (to.equals(me)) {
            return reject(ErrorCode.CONFLICT, "you already hold control");
        }
        Decision.Reject unfit = unfitController(state, to);
        if (unfit != null) {
            return unfit;
        }
        if (state.consent() == ConsentPolicy.ONCE_PER_TECHNICIAN && state.consented().contains(to)) {
            return accept(DONE, draft(EventType.CONTROL_GRANTED, new EventBody.ControlGranted(to, me, "policy")));
        }
        return accept(DONE, draft(EventType.CONTROL_HANDOFF_REQUESTED, new EventBody.ControlHandoffRequested(me, to)));
    }

    private static Decision revoke(SessionState state, Member actor) {
        if (!actor.actor().isEndUser()) {
            return reject(ErrorCode.FORBIDDEN, "only the end user can revoke control");
        }
        if (state.controller() == null && state.pendingHandoff() == null) {
            return reject(ErrorCode.CONFLICT, "nobody holds control");
        }
        return accept(DONE, draft(EventType.CONTROL_REVOKED, new EventBody.ControlRevoked(state.controller())));
    }

    /** Why {@code to} cannot hold control, or {@code null} when it can. */
    private static Decision.Reject unfitController(SessionState state, String to) {
        Member target = state.member(to);
        if (target == null) {
            return new Decision.Reject(ErrorCode.NOT_FOUND, "no participant " + to + " in this session");
        }
        if (!target.isTechnician() || !target.allowControl()) {
            return new Decision.Reject(ErrorCode.FORBIDDEN, to + " is not allowed remote control");
        }
        if (!target.connected()) {
            return new Decision.Reject(ErrorCode.CONFLICT, to + " is disconnected");
        }
        return null;
    }

    private static Decision share(SessionState state, CommandBody.ScreenShareSpec share, Member actor, boolean update) {
        if (!actor.actor().isEndUser()) {
            return reject(ErrorCode.FORBIDDEN, "only the end user shares a screen");
        }
        if (update && state.share() == null) {
            return reject(ErrorCode.CONFLICT, "no screen share to update: start one first");
        }
        if (!update && state.share() != null) {
            return reject(ErrorCode.CONFLICT, "already sharing: use screen.share.update");
        }
        EventBody.ScreenShareInfo info = new EventBody.ScreenShareInfo(share.stream(), share.displays(), share.codec(),
                share.maxFps());
        return accept(DONE, draft(update ? EventType.SCREEN_SHARE_UPDATED : EventType.SCREEN_SHARE_STARTED, info));
    }

    private static Decision signal(SessionState state, CommandBody.ScreenSignal signal, String me) {
        if (signal.to().equals(me)) {
            return reject(ErrorCode.BAD_REQUEST, "a signal goes to another participant");
        }
        if (!state.isMember(signal.to())) {
            return reject(ErrorCode.NOT_FOUND, "no participant " + signal.to() + " in this session");
        }
        return new Decision.Relay(EventType.SCREEN_SIGNAL, new EventBody.Signal(me, signal.kind(), signal.payload()),
                Audience.participant(signal.to()), false);
    }
}
