package dev.tierline.server.session;

import static dev.tierline.server.session.Decision.accept;
import static dev.tierline.server.session.Decision.draft;
import static dev.tierline.server.session.Decision.reject;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Audience;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.CommandType;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Participant;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.Tier;
import dev.tierline.server.session.SessionState.ConsentPolicy;
import dev.tierline.server.session.SessionState.Invite;
import dev.tierline.server.session.SessionState.Member;
import dev.tierline.server.session.SessionState.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code decide(state, input, actor) -> events | rejection}: every rule of a session, and every
 * permission check, in one pure function. It reads the state and never changes it; the events it
 * returns are applied by {@link SessionEvolver}. Control and screen rules live in {@link ControlRules}.
 */
public final class SessionDecider {
    /** Outcomes {@code session.end} accepts. */
    public static final Set<String> OUTCOMES = Set.of("resolved", "unresolved", "escalated", "abandoned");
    // the server also ends sessions as "interrupted" (restart) and "abandoned" (idle timeout)

    private SessionDecider() {
    }

    public static Decision decide(SessionState state, Input input, Actor actor, DecideContext ctx) {
        if (input instanceof Input.Client client) {
            return decideClient(state, client.type(), client.body(), actor, ctx);
        } else if (input instanceof Input.Join join) {
            return join(state, join, actor, ctx);
        } else if (input instanceof Input.Disconnected d) {
            return disconnected(state, d.participant());
        } else if (input instanceof Input.GraceExpired g) {
            return departure(state, g.participant(), "timeout", m -> !m.connected());
        } else if (input instanceof Input.WindowEnded w) {
            return departure(state, w.participant(), "access window ended",
                    m -> m.accessUntil() != null && !ctx.now().isBefore(m.accessUntil()));
        } else if (input instanceof Input.ShareArticle share) {
            return KnowledgeRules.share(state, share, actor, ctx);
        } else if (input instanceof Input.SelfHelpRequest request) {
            return requestOpen(state, request.open(), actor, ctx, "self_help");
        } else if (input instanceof Input.SelfResolve resolve) {
            return KnowledgeRules.selfResolve(state, resolve, actor, ctx);
        } else if (input instanceof Input.IdleTimeout) {
            return state.status() == Status.ENDED || state.status() == Status.NEW
                    ? reject(ErrorCode.CONFLICT, "session is not open")
                    : end(state, "abandoned", "idle timeout", "timeout");
        } else if (input instanceof Input.Interrupted interrupted) {
            return state.status() == Status.ENDED || state.status() == Status.NEW
                    ? reject(ErrorCode.CONFLICT, "session is not open")
                    : end(state, "interrupted", interrupted.reason(), "interrupted");
        }
        throw new IllegalArgumentException("unknown input " + input);
    }

    private static Decision decideClient(SessionState state, CommandType type, CommandBody body, Actor actor,
                                         DecideContext ctx) {
        switch (type) {
            case SESSION_CREATE:
                return create(state, (CommandBody.SessionCreate) body, actor);
            case REQUEST_OPEN:
                return requestOpen(state, (CommandBody.RequestOpen) body, actor, ctx, "waiting");
            case SESSION_ACCEPT:
                return acceptRequest(state, actor, ctx);
            default:
                break;
        }
        Decision refusal = Permissions.memberRefusal(state, actor, ctx.now());
        if (refusal != null) {
            return refusal;
        }
        Member member = state.member(actor.id());
        return switch (type) {
            case SESSION_LEAVE -> departure(state, actor.id(), "left", m -> true);
            case CHAT_SEND -> chat((CommandBody.ChatSend) body, member, ctx);
            case NOTE_ADD -> member.seesTechnicianTraffic()
                    ? accept(new ReplyBody.Done(), draft(EventType.NOTE_ADDED,
                            note(ctx.redaction().apply(((CommandBody.NoteAdd) body).text())), Audience.TECHNICIANS))
                    : reject(ErrorCode.FORBIDDEN, "only technicians with access to technician notes can add notes");
            case INVITE_CREATE -> invite(state, (CommandBody.InviteCreate) body, member, ctx);
            case INVITE_REVOKE -> revokeInvite(state, (CommandBody.InviteRevoke) body, actor);
            case OWNER_TRANSFER -> transferOwner(state, (CommandBody.OwnerTransfer) body, actor);
            case SESSION_END -> endByOwner(state, (CommandBody.SessionEnd) body, actor);
            case CONTROL_REQUEST, CONTROL_WITHDRAW, CONTROL_GRANT, CONTROL_DENY, CONTROL_HANDOFF, CONTROL_RELEASE,
                    CONTROL_REVOKE, SCREEN_SHARE_START, SCREEN_SHARE_UPDATE, SCREEN_SHARE_STOP, SCREEN_SIGNAL,
                    SCREEN_POINTER -> ControlRules.decide(state, type, body, member);
            case HELLO, QUEUE_LIST, SESSION_JOIN, SESSION_CREATE, REQUEST_OPEN, SESSION_ACCEPT, KB_SEARCH ->
                    reject(ErrorCode.BAD_REQUEST, type.wire() + " is not a session command");
            case REQUEST_QUEUE -> toQueue(state, actor);
            case KB_SHARE, REQUEST_SELF_RESOLVE ->
                    reject(ErrorCode.BAD_REQUEST, type.wire() + " needs its article looked up by the relay first");
        };
    }

    /** The end user read the suggested articles and still needs a technician. */
    private static Decision toQueue(SessionState state, Actor actor) {
        if (!actor.isEndUser()) {
            return reject(ErrorCode.FORBIDDEN, "only the end user who opened the request sends it to the queue");
        }
        if (state.status() != Status.SELF_HELP) {
            return reject(ErrorCode.CONFLICT, state.status() == Status.WAITING ? "request is already in the queue"
                    : "request is not waiting for a self-help choice");
        }
        return accept(new ReplyBody.Done(), draft(EventType.SESSION_REQUEUED,
                new EventBody.SessionRequeued(state.topic(), "self-help did not solve it")));
    }

    private static Decision endByOwner(SessionState state, CommandBody.SessionEnd end, Actor actor) {
        if (!actor.id().equals(state.owner())) {
            return reject(ErrorCode.FORBIDDEN, "only the owner can end the session");
        }
        if (!OUTCOMES.contains(end.outcome())) {
            return reject(ErrorCode.BAD_REQUEST, "body.outcome must be one of " + OUTCOMES);
        }
        return end(state, end.outcome(), end.resolution(), "owner");
    }

    private static Decision create(SessionState state, CommandBody.SessionCreate create, Actor actor) {
        if (!Permissions.isInternalTechnician(actor)) {
            return reject(ErrorCode.FORBIDDEN, "only L1-L3 technicians can create sessions");
        }
        if (state.status() != Status.NEW) {
            return reject(ErrorCode.CONFLICT, "session already exists");
        }
        ConsentPolicy consent = create.consent() == null ? ConsentPolicy.EACH_TIME : ConsentPolicy.fromWire(create.consent());
        if (consent == null) {
            return reject(ErrorCode.BAD_REQUEST, "body.consent must be each-time or once-per-technician");
        }
        return accept(new ReplyBody.SessionOpened(state.id(), create.ticket(), null),
                draft(EventType.SESSION_OPENED, new EventBody.SessionOpened(create.ticket(), create.title(), null, null,
                        "active", consent.wire())),
                joined(actor, "create", null, true, false, null));
    }

    /** @param initialState {@code waiting} (straight to the queue) or {@code self_help} (articles first) */
    private static Decision requestOpen(SessionState state, CommandBody.RequestOpen open, Actor actor, DecideContext ctx,
                                        String initialState) {
        if (!actor.isEndUser()) {
            return reject(ErrorCode.FORBIDDEN, "only end users open support requests");
        }
        if (state.status() != Status.NEW) {
            return reject(ErrorCode.CONFLICT, "session already exists");
        }
        String ticket = open.ticket() != null ? open.ticket() : "T-" + ctx.ids().get();
        return accept(new ReplyBody.SessionOpened(state.id(), ticket, null),
                draft(EventType.SESSION_OPENED, new EventBody.SessionOpened(ticket, open.summary(), open.topic(),
                        open.summary(), initialState, ConsentPolicy.EACH_TIME.wire())),
                joined(actor, "request", null, false, false, null));
    }

    private static Decision acceptRequest(SessionState state, Actor actor, DecideContext ctx) {
        if (!Permissions.isInternalTechnician(actor)) {
            return reject(ErrorCode.FORBIDDEN, "only L1-L3 technicians can accept requests");
        }
        if (state.status() != Status.WAITING) {
            return reject(ErrorCode.CONFLICT, state.status() == Status.ACTIVE
                    ? "request was already accepted by " + state.owner() : "session is not waiting in a queue");
        }
        List<Decision.Draft> events = new ArrayList<>();
        events.add(draft(EventType.SESSION_ACCEPTED, new EventBody.SessionAccepted(actor.id(), actor.tier())));
        if (!state.isMember(actor.id())) {
            if (state.members().size() >= ctx.maxParticipants()) {
                return reject(ErrorCode.CONFLICT, "session is full (" + ctx.maxParticipants() + " participants)");
            }
            events.add(joined(actor, "accept", null, true, false, null));
        }
        return new Decision.Accept(events, new ReplyBody.Joined(state.id(), actor.id(), state.seq() + events.size()));
    }

    private static Decision join(SessionState state, Input.Join join, Actor actor, DecideContext ctx) {
        if (state.status() == Status.ENDED) {
            return reject(ErrorCode.CONFLICT, "session has ended");
        }
        Member present = state.member(actor.id());
        if (present != null) {
            ReplyBody reply = new ReplyBody.Joined(state.id(), actor.id(), state.seq() + (present.connected() ? 0 : 1));
            return present.connected() ? accept(reply)
                    : accept(reply, draft(EventType.PARTICIPANT_RECONNECTED,
                            new EventBody.ParticipantReconnected(actor.id())));
        }
        if (state.members().size() >= ctx.maxParticipants()) {
            return reject(ErrorCode.CONFLICT, "session is full (" + ctx.maxParticipants() + " participants)");
        }
        ReplyBody.Joined reply = new ReplyBody.Joined(state.id(), actor.id(), state.seq() + 1);
        if (join.keyHolder() && actor.isEndUser()) {
            return accept(reply, joined(actor, "key", null, false, false, null));
        }
        if (join.inviteId() == null) {
            return reject(ErrorCode.FORBIDDEN, "not a participant of this session: join with an invitation");
        }
        Invite invite = state.invites().get(join.inviteId());
        Decision refusal = Permissions.inviteRefusal(invite, actor, ctx.now());
        if (refusal != null) {
            return refusal;
        }
        Instant accessUntil = invite.windowSeconds() == null ? null : ctx.now().plusSeconds(invite.windowSeconds());
        return accept(reply, joined(actor, "invite", invite.id(), invite.allowControl(), invite.technicianChat(),
                accessUntil));
    }

    private static Decision.Draft joined(Actor actor, String via, String invite, boolean allowControl,
                                         boolean technicianChat, Instant accessUntil) {
        Participant participant = new Participant(actor.id(), actor.name(), actor.role(), actor.tier(),
                Participant.CONNECTED, null, allowControl, accessUntil);
        return draft(EventType.PARTICIPANT_JOINED, new EventBody.ParticipantJoined(participant, via, invite));
    }

    private static Decision chat(CommandBody.ChatSend chat, Member member, DecideContext ctx) {
        boolean technicians = chat.audience().equals("technicians");
        if (technicians && !member.seesTechnicianTraffic()) {
            return reject(ErrorCode.FORBIDDEN, "technician-only chat is for technicians");
        }
        Redaction.Result text = ctx.redaction().apply(chat.text());
        return accept(new ReplyBody.Done(), draft(EventType.CHAT_MESSAGE,
                new EventBody.ChatMessage(text.text(), text.masked() == 0 ? null : text.masked()),
                technicians ? Audience.TECHNICIANS : Audience.ALL));
    }

    private static EventBody.NoteAdded note(Redaction.Result text) {
        return new EventBody.NoteAdded(text.text(), text.masked() == 0 ? null : text.masked());
    }

    private static Decision invite(SessionState state, CommandBody.InviteCreate invite, Member member, DecideContext ctx) {
        if (!member.isInternalTechnician()) {
            return reject(ErrorCode.FORBIDDEN, "only L1-L3 technicians can invite");
        }
        if (state.status() != Status.ACTIVE) {
            return reject(ErrorCode.CONFLICT, "invitations need an accepted session");
        }
        Tier tier = invite.tierValue();
        if (tier == Tier.L4 && invite.windowSeconds() == null) {
            return reject(ErrorCode.BAD_REQUEST, "an L4 invitation needs body.windowSeconds (its access window)");
        }
        boolean allowControl = invite.allowControl() != null ? invite.allowControl() : tier.isInternal();
        boolean technicianChat = tier.isInternal() || invite.technicianChat();
        EventBody.InviteCreated created = new EventBody.InviteCreated(ctx.ids().get(), tier, invite.invitee(),
                ctx.now().plusSeconds(invite.ttlSeconds()), allowControl, invite.windowSeconds(), technicianChat);
        return accept(new ReplyBody.InviteIssued(created.invite(), null, created.expiresAt()),
                draft(EventType.INVITE_CREATED, created, Audience.TECHNICIANS));
    }

    private static Decision revokeInvite(SessionState state, CommandBody.InviteRevoke revoke, Actor actor) {
        Invite invite = state.invites().get(revoke.invite());
        if (invite == null) {
            return reject(ErrorCode.NOT_FOUND, "no invitation " + revoke.invite() + " in this session");
        }
        if (!actor.id().equals(invite.createdBy()) && !actor.id().equals(state.owner())) {
            return reject(ErrorCode.FORBIDDEN, "only the invitation's creator or the owner can revoke it");
        }
        if (invite.used() || invite.revoked()) {
            return reject(ErrorCode.CONFLICT, "invitation was already " + (invite.used() ? "used" : "revoked"));
        }
        return accept(new ReplyBody.Done(), draft(EventType.INVITE_REVOKED, new EventBody.InviteRevoked(invite.id()),
                Audience.TECHNICIANS));
    }

    private static Decision transferOwner(SessionState state, CommandBody.OwnerTransfer transfer, Actor actor) {
        if (!actor.id().equals(state.owner())) {
            return reject(ErrorCode.FORBIDDEN, "only the owner can transfer ownership");
        }
        Member to = state.member(transfer.to());
        if (to == null) {
            return reject(ErrorCode.NOT_FOUND, "no participant " + transfer.to() + " in this session");
        }
        if (!to.isInternalTechnician()) {
            return reject(ErrorCode.FORBIDDEN, "ownership goes only to an L1-L3 technician");
        }
        if (to.actor().id().equals(actor.id())) {
            return reject(ErrorCode.CONFLICT, "already the owner");
        }
        return accept(new ReplyBody.Done(), draft(EventType.OWNER_TRANSFERRED, new EventBody.OwnerTransferred(
                actor.id(), actor.tier(), to.actor().id(), to.actor().tier(), transfer.reason())));
    }

    private static Decision disconnected(SessionState state, String participant) {
        Member member = state.member(participant);
        if (member == null || !member.connected() || state.status() == Status.ENDED) {
            return reject(ErrorCode.CONFLICT, participant + " is not connected");
        }
        List<Decision.Draft> events = new ArrayList<>();
        events.add(draft(EventType.PARTICIPANT_DISCONNECTED, new EventBody.ParticipantDisconnected(participant)));
        if (participant.equals(state.controller())) {
            events.add(draft(EventType.CONTROL_RELEASED, new EventBody.ControlReleased(participant, "disconnected")));
        }
        return new Decision.Accept(events, new ReplyBody.Done());
    }

    /**
     * A participant goes, by choice or not: control it held is released, and if it owned the
     * session, ownership passes to the highest-tier internal technician left, or the session waits
     * in its queue again.
     */
    private static Decision departure(SessionState state, String participant, String reason,
                                      java.util.function.Predicate<Member> applies) {
        Member member = state.member(participant);
        if (member == null || state.status() == Status.ENDED || !applies.test(member)) {
            return reject(ErrorCode.CONFLICT, participant + " cannot leave now");
        }
        List<Decision.Draft> events = new ArrayList<>();
        if (participant.equals(state.controller())) {
            events.add(draft(EventType.CONTROL_RELEASED, new EventBody.ControlReleased(participant, reason)));
        }
        if (participant.equals(state.owner())) {
            Member successor = Permissions.successor(state, participant);
            if (successor != null) {
                events.add(draft(EventType.OWNER_TRANSFERRED, new EventBody.OwnerTransferred(participant,
                        member.actor().tier(), successor.actor().id(), successor.actor().tier(), "owner " + reason)));
            } else {
                events.add(draft(EventType.SESSION_REQUEUED, new EventBody.SessionRequeued(state.topic(),
                        "owner " + reason + " and no technician could take over")));
            }
        }
        events.add(draft(EventType.PARTICIPANT_LEFT, new EventBody.ParticipantLeft(participant, reason)));
        return new Decision.Accept(events, new ReplyBody.Done());
    }

    private static Decision end(SessionState state, String outcome, String resolution, String reason) {
        return end(state, new EventBody.SessionEnded(outcome, resolution, reason));
    }

    static Decision end(SessionState state, EventBody.SessionEnded ended) {
        List<Decision.Draft> events = new ArrayList<>();
        if (state.controller() != null) {
            events.add(draft(EventType.CONTROL_RELEASED, new EventBody.ControlReleased(state.controller(), "ended")));
        }
        events.add(draft(EventType.SESSION_ENDED, ended));
        return new Decision.Accept(events, new ReplyBody.Done());
    }
}
