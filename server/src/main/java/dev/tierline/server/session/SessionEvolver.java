package dev.tierline.server.session;

import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.Participant;
import dev.tierline.server.session.SessionState.ConsentPolicy;
import dev.tierline.server.session.SessionState.Draft;
import dev.tierline.server.session.SessionState.Handoff;
import dev.tierline.server.session.SessionState.Invite;
import dev.tierline.server.session.SessionState.Member;
import dev.tierline.server.session.SessionState.Status;
import java.util.function.BiConsumer;

/**
 * {@code evolve(state, event) -> state}: folds one recorded event into the state. It decides
 * nothing and refuses nothing, because the event already happened; replaying a transcript through
 * it rebuilds the session.
 */
public final class SessionEvolver {
    private SessionEvolver() {
    }

    public static SessionState evolve(SessionState state, Event event) {
        return switch (event.type()) {
            case CHAT_MESSAGE, NOTE_ADDED, KB_SHARED -> state.withSeq(event.seq());
            case SESSION_OPENED -> apply(state, event, EventBody.SessionOpened.class, (d, b) -> {
                d.status = switch (b.state()) {
                    case "waiting" -> Status.WAITING;
                    case "self_help" -> Status.SELF_HELP;
                    default -> Status.ACTIVE;
                };
                d.ticket = b.ticket();
                d.title = b.title();
                d.topic = b.topic();
                d.summary = b.summary();
                d.consent = ConsentPolicy.fromWire(b.consent());
                d.openedAt = event.ts();
                d.owner = d.status == Status.ACTIVE ? event.actor().id() : null;
            });
            case SESSION_ACCEPTED -> apply(state, event, EventBody.SessionAccepted.class, (d, b) -> {
                d.status = Status.ACTIVE;
                d.owner = b.owner();
            });
            case SESSION_REQUEUED -> apply(state, event, EventBody.SessionRequeued.class, (d, b) -> {
                d.status = Status.WAITING;
                d.owner = null;
            });
            case PARTICIPANT_JOINED -> apply(state, event, EventBody.ParticipantJoined.class, (d, b) -> {
                Participant p = b.participant();
                d.members.put(p.id(), new Member(p.actor(), true, event.ts(), p.allowControl(),
                        technicianChat(state, b), p.accessUntil()));
                d.invites.computeIfPresent(b.invite() == null ? "" : b.invite(), (id, i) -> i.markUsed());
            });
            case PARTICIPANT_LEFT -> apply(state, event, EventBody.ParticipantLeft.class, (d, b) -> {
                d.members.remove(b.participant());
                forgetControlOf(d, b.participant());
            });
            case PARTICIPANT_DISCONNECTED -> apply(state, event, EventBody.ParticipantDisconnected.class, (d, b) -> {
                d.members.computeIfPresent(b.participant(), (id, m) -> m.withConnected(false));
                forgetControlOf(d, b.participant());
            });
            case PARTICIPANT_RECONNECTED -> apply(state, event, EventBody.ParticipantReconnected.class,
                    (d, b) -> d.members.computeIfPresent(b.participant(), (id, m) -> m.withConnected(true)));
            case INVITE_CREATED -> apply(state, event, EventBody.InviteCreated.class,
                    (d, b) -> d.invites.put(b.invite(), new Invite(b.invite(), b.tier(), b.invitee(), b.expiresAt(),
                            b.allowControl(), b.windowSeconds(), b.technicianChat(), event.actor().id(), false, false)));
            case INVITE_REVOKED -> apply(state, event, EventBody.InviteRevoked.class,
                    (d, b) -> d.invites.computeIfPresent(b.invite(), (id, i) -> i.markRevoked()));
            case OWNER_TRANSFERRED -> apply(state, event, EventBody.OwnerTransferred.class, (d, b) -> d.owner = b.to());
            case CONTROL_REQUESTED -> apply(state, event, EventBody.ControlRequested.class,
                    (d, b) -> d.controlRequests.add(b.by()));
            case CONTROL_WITHDRAWN -> apply(state, event, EventBody.ControlWithdrawn.class,
                    (d, b) -> d.controlRequests.remove(b.by()));
            case CONTROL_GRANTED -> apply(state, event, EventBody.ControlGranted.class, (d, b) -> {
                d.controller = b.to();
                d.controlRequests.remove(b.to());
                d.pendingHandoff = null;
                d.consented.add(b.to());
            });
            case CONTROL_DENIED -> apply(state, event, EventBody.ControlDenied.class, (d, b) -> {
                d.controlRequests.remove(b.to());
                if (d.pendingHandoff != null && d.pendingHandoff.to().equals(b.to())) {
                    d.pendingHandoff = null;
                }
            });
            case CONTROL_HANDOFF_REQUESTED -> apply(state, event, EventBody.ControlHandoffRequested.class,
                    (d, b) -> d.pendingHandoff = new Handoff(b.from(), b.to()));
            case CONTROL_RELEASED, CONTROL_REVOKED -> apply(state, event, EventBody.class, (d, b) -> {
                d.controller = null;
                d.pendingHandoff = null;
            });
            case SCREEN_SHARE_STARTED, SCREEN_SHARE_UPDATED -> apply(state, event, EventBody.ScreenShareInfo.class,
                    (d, b) -> d.share = b);
            case SCREEN_SHARE_STOPPED -> apply(state, event, EventBody.ScreenShareStopped.class, (d, b) -> d.share = null);
            case SESSION_ENDED -> apply(state, event, EventBody.SessionEnded.class, (d, b) -> {
                d.status = Status.ENDED;
                d.controller = null;
                d.pendingHandoff = null;
                d.controlRequests.clear();
            });
            case SESSION_SNAPSHOT, SCREEN_SIGNAL, SCREEN_POINTER, RECORDING_STATUS ->
                    throw new IllegalArgumentException(event.type().wire() + " is not a recorded event");
        };
    }

    private static <B extends EventBody> SessionState apply(SessionState state, Event event, Class<B> type,
                                                            BiConsumer<Draft, B> change) {
        B body = event.body(type);
        return state.with(d -> {
            d.seq = event.seq();
            change.accept(d, body);
        });
    }

    /** A participant who is gone or dropped holds and awaits nothing. */
    private static void forgetControlOf(Draft d, String participant) {
        d.controlRequests.remove(participant);
        if (participant.equals(d.controller)) {
            d.controller = null;
        }
        Handoff h = d.pendingHandoff;
        if (h != null && (h.from().equals(participant) || h.to().equals(participant))) {
            d.pendingHandoff = null;
        }
    }

    /** The invitation decides whether an L4 joiner sees technician traffic; internal tiers always do. */
    private static boolean technicianChat(SessionState state, EventBody.ParticipantJoined joined) {
        Participant p = joined.participant();
        if (p.tier() != null && p.tier().isInternal()) {
            return true;
        }
        Invite invite = joined.invite() == null ? null : state.invites().get(joined.invite());
        return invite != null && invite.technicianChat();
    }
}
