package dev.tierline.server.relay;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Command;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.ErrorReply;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Reply;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.ServerMessage;
import dev.tierline.server.security.InvitationRegistry;
import dev.tierline.server.session.DecideContext;
import dev.tierline.server.session.Decision;
import dev.tierline.server.session.EventStamper;
import dev.tierline.server.session.Input;
import dev.tierline.server.session.SessionDecider;
import dev.tierline.server.session.SessionEvolver;
import dev.tierline.server.session.SessionState;
import dev.tierline.server.session.Visibility;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live session, confined to one event loop: every command for it runs there, in order, with no
 * locks. It asks {@link SessionDecider} what a command means, folds the events with
 * {@link SessionEvolver}, and sends each event, serialized once, to every participant allowed to
 * see it.
 */
final class SessionRuntime {
    private static final Logger log = LoggerFactory.getLogger("tierline.session");

    private final String id;
    private final EventLoop loop;
    private final SessionHub hub;
    private volatile SessionState state;
    /** Participants' current connections (loop only). */
    private final Map<String, Connection> attached = new HashMap<>();
    /** The recorded events, in seq order (loop only); the durable journal replaces this. */
    private final List<Event> events = new ArrayList<>();
    private final Map<String, RecentReplies> replies = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();

    SessionRuntime(String id, EventLoop loop, SessionHub hub) {
        this.id = id;
        this.loop = loop;
        this.hub = hub;
        this.state = SessionState.initial(id);
    }

    String id() {
        return id;
    }

    /** The latest state; safe to read from any thread (it is immutable and published volatile). */
    SessionState state() {
        return state;
    }

    void submit(Connection connection, Command command) {
        loop.execute(() -> handle(connection, command));
    }

    void connectionClosed(Connection connection) {
        loop.execute(() -> {
            String participant = connection.participantId();
            if (attached.get(participant) == connection) {
                attached.remove(participant);
                if (apply(new Input.Disconnected(participant), Actor.SERVER, null) != null) {
                    schedule(participant, hub.config().reconnectGrace().toMillis(), new Input.GraceExpired(participant));
                }
            }
        });
    }

    private void handle(Connection connection, Command command) {
        Actor actor = connection.principal().actor();
        RecentReplies recent = replies.computeIfAbsent(actor.id(), k -> new RecentReplies());
        byte[] earlier = recent.get(command.id());
        if (earlier != null) {
            connection.send(hub.wrap(earlier));
            return;
        }
        Input input;
        try {
            input = toInput(connection, command);
        } catch (Refusal refusal) {
            reply(connection, recent, ErrorReply.of(command.id(), refusal.code, refusal.getMessage()));
            return;
        }
        Decision decision = SessionDecider.decide(state, input, actor, context());
        if (decision instanceof Decision.Reject reject) {
            reply(connection, recent, ErrorReply.of(command.id(), reject.code(), reject.message()));
            if (state.status() == SessionState.Status.NEW) {
                hub.remove(this); // a create that was refused leaves no session behind
            }
        } else if (decision instanceof Decision.Relay relay) {
            relay(actor, relay);
            reply(connection, recent, Reply.ack(command.id(), null, new ReplyBody.Done()));
        } else {
            Decision.Accept accept = (Decision.Accept) decision;
            List<Event> stamped = record(accept, actor, connection);
            ReplyBody body = completeReply(accept.reply(), command, stamped);
            Long seq = stamped.isEmpty() ? null : stamped.get(0).seq();
            reply(connection, recent, Reply.ack(command.id(), seq, body));
            if (body instanceof ReplyBody.Joined || body instanceof ReplyBody.SessionOpened) {
                welcomeJoiner(connection, command.body() instanceof CommandBody.SessionJoin j ? j.resumeFrom() : null);
            }
        }
    }

    /** Resolves what the relay knows and the core must not: whose invitation a secret is. */
    private Input toInput(Connection connection, Command command) throws Refusal {
        if (!(command.body() instanceof CommandBody.SessionJoin join)) {
            return new Input.Client(command.type(), command.body());
        }
        String inviteId = null;
        if (join.invite() != null && !state.isMember(connection.participantId())) {
            InvitationRegistry.Ref ref = hub.invitations().lookup(join.invite());
            if (ref == null) {
                throw new Refusal(ErrorCode.EXPIRED, "invitation is unknown, used, revoked or expired");
            }
            if (!ref.session().equals(id)) {
                throw new Refusal(ErrorCode.FORBIDDEN, "invitation is for another session");
            }
            inviteId = ref.inviteId();
        }
        return new Input.Join(inviteId, id.equals(connection.principal().boundSession()));
    }

    /** Applies a server-noticed input; returns the events it caused, or {@code null} if refused. */
    private List<Event> apply(Input input, Actor actor, Connection connection) {
        Decision decision = SessionDecider.decide(state, input, actor, context());
        if (!(decision instanceof Decision.Accept accept)) {
            return null;
        }
        return record(accept, actor, connection);
    }

    private List<Event> record(Decision.Accept accept, Actor actor, Connection connection) {
        List<Event> stamped = EventStamper.stamp(state, accept.events(), actor, Instant.now());
        for (Event event : stamped) {
            state = SessionEvolver.evolve(state, event);
            events.add(event);
            hub.metrics().eventsRecorded.increment();
            fanOut(event);
            afterEvent(event, connection);
        }
        return stamped;
    }

    private void fanOut(Event event) {
        ByteBuf frame = hub.encode(event);
        try {
            for (Map.Entry<String, Connection> member : attached.entrySet()) {
                if (Visibility.sees(state, member.getKey(), event.audience())) {
                    member.getValue().send(frame.retainedDuplicate());
                    hub.metrics().framesRelayed.increment();
                }
            }
        } finally {
            frame.release();
        }
    }

    private void relay(Actor actor, Decision.Relay relay) {
        Event event = new Event(relay.type(), id, null, Instant.now(), actor, relay.audience(), relay.body());
        ByteBuf frame = hub.encode(event);
        try {
            for (Map.Entry<String, Connection> member : attached.entrySet()) {
                String participant = member.getKey();
                if ((relay.excludeActor() && participant.equals(actor.id()))
                        || !Visibility.sees(state, participant, relay.audience())) {
                    continue;
                }
                if (relay.type() == EventType.SCREEN_POINTER) {
                    member.getValue().sendPointer(actor.id(), frame.retainedDuplicate());
                } else {
                    member.getValue().send(frame.retainedDuplicate());
                }
            }
        } finally {
            frame.release();
        }
    }

    /** Keeps connections, timers and the hub in step with what just happened. */
    private void afterEvent(Event event, Connection connection) {
        String ticket = state.ticket();
        switch (event.type()) {
            case SESSION_OPENED -> log.info("session opened session={} ticket={} by={} state={}", id, ticket,
                    event.actor().id(), state.status());
            case SESSION_ACCEPTED -> log.info("session accepted session={} ticket={} owner={}", id, ticket,
                    event.body(EventBody.SessionAccepted.class).owner());
            case SESSION_REQUEUED -> log.info("session requeued session={} ticket={} topic={}", id, ticket, state.topic());
            case PARTICIPANT_JOINED -> {
                EventBody.ParticipantJoined joined = event.body(EventBody.ParticipantJoined.class);
                String participant = joined.participant().id();
                attach(participant, connection);
                log.info("participant joined session={} ticket={} participant={} role={} tier={} via={}", id, ticket,
                        participant, joined.participant().role().wire(), joined.participant().tier(), joined.via());
                if (joined.participant().accessUntil() != null) {
                    long delay = Math.max(0, joined.participant().accessUntil().toEpochMilli() - System.currentTimeMillis());
                    schedule(participant, delay, new Input.WindowEnded(participant));
                }
            }
            case PARTICIPANT_RECONNECTED -> {
                String participant = event.body(EventBody.ParticipantReconnected.class).participant();
                cancelTimer(participant);
                attach(participant, connection);
                log.info("participant reconnected session={} ticket={} participant={}", id, ticket, participant);
            }
            case PARTICIPANT_DISCONNECTED -> log.info("participant disconnected session={} ticket={} participant={}", id,
                    ticket, event.body(EventBody.ParticipantDisconnected.class).participant());
            case PARTICIPANT_LEFT -> {
                EventBody.ParticipantLeft left = event.body(EventBody.ParticipantLeft.class);
                cancelTimer(left.participant());
                Connection gone = attached.remove(left.participant());
                if (gone != null) {
                    gone.sessions.remove(id);
                }
                log.info("participant left session={} ticket={} participant={} reason={}", id, ticket,
                        left.participant(), left.reason());
            }
            case OWNER_TRANSFERRED -> {
                EventBody.OwnerTransferred t = event.body(EventBody.OwnerTransferred.class);
                log.info("owner transferred session={} ticket={} from={}({}) to={}({}) reason={}", id, ticket, t.from(),
                        t.fromTier(), t.to(), t.toTier(), t.reason());
            }
            case INVITE_REVOKED -> hub.invitations().forgetInvite(id, event.body(EventBody.InviteRevoked.class).invite());
            case SESSION_ENDED -> {
                EventBody.SessionEnded ended = event.body(EventBody.SessionEnded.class);
                log.info("session ended session={} ticket={} outcome={} reason={} events={}", id, ticket,
                        ended.outcome(), ended.reason(), event.seq());
                close();
            }
            default -> {
            }
        }
    }

    private void attach(String participant, Connection connection) {
        if (connection == null) {
            return;
        }
        Connection previous = attached.put(participant, connection);
        if (previous != null && previous != connection) {
            previous.sessions.remove(id);
        }
        connection.sessions.put(id, this);
    }

    /** A joiner (new or returning) gets the session as it is now, then what it missed. */
    private void welcomeJoiner(Connection connection, Long resumeFrom) {
        String participant = connection.participantId();
        if (!state.isMember(participant)) {
            return;
        }
        attach(participant, connection);
        Event snapshot = new Event(EventType.SESSION_SNAPSHOT, id, state.seq(), Instant.now(), Actor.SERVER,
                dev.tierline.protocol.Audience.participant(participant), Visibility.snapshot(state, participant));
        connection.send(hub.encode(snapshot));
        if (resumeFrom != null) {
            for (int i = (int) Math.min(resumeFrom, events.size()); i < events.size(); i++) {
                Event missed = events.get(i);
                if (Visibility.sees(state, participant, missed.audience())) {
                    connection.send(hub.encode(missed));
                }
            }
        }
    }

    /** Adds the secrets that only the relay may know to a reply: the session key, an invitation token. */
    private ReplyBody completeReply(ReplyBody reply, Command command, List<Event> stamped) {
        if (reply instanceof ReplyBody.SessionOpened opened && command.body() instanceof CommandBody.SessionCreate) {
            return new ReplyBody.SessionOpened(opened.session(), opened.ticket(), hub.keys().issue(id));
        }
        if (reply instanceof ReplyBody.InviteIssued issued) {
            String token = hub.invitations().register(id, issued.invite(), issued.expiresAt());
            return new ReplyBody.InviteIssued(issued.invite(), token, issued.expiresAt());
        }
        return reply;
    }

    private void reply(Connection connection, RecentReplies recent, ServerMessage message) {
        byte[] bytes = hub.codec().encode(message);
        if (message instanceof ErrorReply) {
            hub.metrics().errorsSent.increment();
        }
        recent.put(message instanceof Reply r ? r.re() : ((ErrorReply) message).re(), bytes);
        connection.send(hub.wrap(bytes));
    }

    private DecideContext context() {
        return new DecideContext(Instant.now(), hub::newId, hub.config().maxParticipants());
    }

    private void schedule(String participant, long delayMillis, Input input) {
        cancelTimer(participant);
        timers.put(participant, loop.schedule(() -> {
            timers.remove(participant);
            apply(input, Actor.SERVER, null);
        }, delayMillis, TimeUnit.MILLISECONDS));
    }

    private void cancelTimer(String participant) {
        ScheduledFuture<?> timer = timers.remove(participant);
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void close() {
        timers.values().forEach(t -> t.cancel(false));
        timers.clear();
        for (Connection connection : attached.values()) {
            connection.sessions.remove(id);
        }
        attached.clear();
        hub.keys().revokeAll(id);
        hub.remove(this);
    }

    /** A command refused before it reaches the core (its secret did not check out). */
    private static final class Refusal extends Exception {
        final ErrorCode code;

        Refusal(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
