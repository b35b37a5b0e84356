package dev.tierline.server.relay;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Audience;
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
import dev.tierline.server.config.ServerConfig.RecordingMode;
import dev.tierline.server.recording.EntryCodec;
import dev.tierline.server.recording.Journal;
import dev.tierline.server.recording.JournalStore;
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
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live session, confined to one event loop: every command for it runs there, in order, with no
 * locks. It asks {@link SessionDecider} what a command means, has the journal record the events,
 * and sends each event, serialized once, to every participant allowed to see it.
 *
 * <p>Two states are kept. {@code state} has every event decided so far, so the next command is
 * decided against it at once; {@code delivered} has only what participants have seen. In strict
 * recording mode an event is delivered once durable; if the journal refuses it, {@code state}
 * falls back to {@code delivered} and the command is answered {@code unavailable}, so nobody ever
 * sees what the transcript lacks.
 */
final class SessionRuntime {
    private static final String IDLE_TIMER = "\u0000idle";
    /** Events a session keeps in memory for resuming participants; older ones are read back from the journal. */
    static final int RESUME_TAIL = 256;
    /** Frames that may wait for one participant while it is replayed what it missed; past that it must resume again. */
    private static final int MAX_HELD_FRAMES = 10_000;
    /** Async mode: events of a session that may be delivered before they are durable. */
    static final int ASYNC_BACKLOG = 256;
    /** How soon a session impaired by an overloaded (but healthy) journal tries again. */
    private static final long RECOVERY_RETRY_MILLIS = 50;
    private static final Logger logger = LoggerFactory.getLogger(SessionRuntime.class);

    private final String id;
    private final EventLoop loop;
    private final SessionHub hub;
    private volatile SessionState state;
    private SessionState delivered;
    /** Participants' current connections (loop only). */
    private final Map<String, Connection> attached = new HashMap<>();
    /** The newest delivered events, for resuming participants (loop only). */
    private final ResumeTail tail = new ResumeTail(RESUME_TAIL);
    /** Participants being replayed, from the journal, what they missed; what else they are sent waits (loop only). */
    private final Map<String, Catchup> catchingUp = new HashMap<>();
    /** Async mode: events delivered but refused by the journal, re-recorded once it recovers. */
    private final List<Event> unrecorded = new ArrayList<>();
    /** Strict order: the events being recorded, one list a command, oldest first (loop only). */
    private final ArrayDeque<List<Event>> recording = new ArrayDeque<>();
    private boolean recoveryRetryScheduled;
    /** Recovering: reading back what the journal holds past what this session knows is recorded (loop only). */
    private boolean readingBack;
    /**
     * Commands answered unavailable while recording failed, whose events a commit may have
     * written after all (see {@link #takeInDoubt}); kept until the journal recovers (loop only).
     */
    private final List<Refused> refusedInDoubt = new ArrayList<>();

    /**
     * {@code reply}: the ack's body as decided; {@code first}: the first event it was decided with,
     * which a commit that failed in name only stored as it was.
     */
    private record Refused(String actor, Command command, ReplyBody reply, Event first) {}
    private final Map<String, RecentReplies> replies = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();
    private final SessionLog log;
    private boolean impaired;
    private long lastActivity = System.currentTimeMillis();

    SessionRuntime(String id, EventLoop loop, SessionHub hub) {
        this.id = id;
        this.loop = loop;
        this.hub = hub;
        this.state = SessionState.initial(id);
        this.delivered = state;
        this.log = new SessionLog(id);
    }

    String id() {
        return id;
    }

    /** The latest decided state; safe to read from any thread (immutable, published volatile). */
    SessionState state() {
        return state;
    }

    /**
     * @param resolved    what the relay already looked up for the command (a shared article), or
     *                    {@code null} to resolve it here
     * @param suggestions knowledge articles for a {@code request.open} ack, or {@code null}
     */
    void submit(Connection connection, Command command, Input resolved, List<ReplyBody.ArticleHit> suggestions) {
        loop.execute(() -> handle(connection, command, resolved, suggestions));
    }

    void connectionClosed(Connection connection) {
        loop.execute(() -> {
            String participant = connection.participantId();
            if (attached.get(participant) == connection) {
                attached.remove(participant);
                apply(new Input.Disconnected(participant), events -> scheduleGraceExpiry(participant));
            }
        });
    }

    void recordingImpaired(String reason) {
        loop.execute(() -> markImpaired(reason));
    }

    void recordingRecovered() {
        loop.execute(this::recovered);
    }

    // ------------------------------------------------------------------ commands

    private void handle(Connection connection, Command command, Input resolved,
                        List<ReplyBody.ArticleHit> suggestions) {
        Actor actor = connection.principal().actor();
        RecentReplies recent = replies.computeIfAbsent(actor.id(), k -> new RecentReplies());
        byte[] earlier = recent.begin(command.id(), connection);
        if (earlier != null) {
            // a retry after a reconnect: answered again (now, or when the original completes), applied once
            if (earlier.length > 0) {
                sendTo(connection.participantId(), connection, hub.wrap(earlier));
                if (command.body() instanceof CommandBody.SessionJoin || command.body() instanceof CommandBody.SessionAccept) {
                    // the snapshot and the replay went to the connection that asked first, which may be gone
                    welcomeJoiner(connection, resumeFrom(command));
                }
            }
            return;
        }
        Input input;
        try {
            input = resolved != null ? resolved : toInput(connection, command);
        } catch (Refusal refusal) {
            reply(connection, recent, ErrorReply.of(command.id(), refusal.code, refusal.getMessage()));
            return;
        }
        Decision decision = SessionDecider.decide(state, input, actor, context());
        if (decision instanceof Decision.Reject reject) {
            reply(connection, recent, ErrorReply.of(command.id(), reject.code(), reject.message()));
            dropIfNeverOpened();
        } else if (decision instanceof Decision.Relay relay) {
            relay(actor, relay);
            reply(connection, recent, Reply.ack(command.id(), null, new ReplyBody.Done()));
        } else if (impaired) {
            reply(connection, recent, ErrorReply.of(command.id(), ErrorCode.UNAVAILABLE,
                    "recording is impaired; nothing was applied, try again shortly"));
            dropIfNeverOpened();
        } else {
            lastActivity = System.currentTimeMillis();
            Decision.Accept accept = (Decision.Accept) decision;
            List<Event> stamped = decideEvents(accept, actor);
            commit(stamped, connection, () -> {
                ReplyBody body = completeReply(accept.reply(), command, suggestions);
                reply(connection, recent, Reply.ack(command.id(), stamped.isEmpty() ? null : stamped.get(0).seq(), body));
                if (body instanceof ReplyBody.Joined || body instanceof ReplyBody.SessionOpened) {
                    welcomeJoiner(connection, resumeFrom(command));
                }
            }, reason -> {
                // an open's ack carries a key issued now, and a refused open leaves no session to recover
                if (impaired && !stamped.isEmpty() && (accept.reply() instanceof ReplyBody.Done
                        || accept.reply() instanceof ReplyBody.InviteIssued || accept.reply() instanceof ReplyBody.Joined)) {
                    refusedInDoubt.add(new Refused(actor.id(), command, accept.reply(), stamped.get(0)));
                }
                reply(connection, recent, ErrorReply.of(command.id(), ErrorCode.UNAVAILABLE, reason));
                dropIfNeverOpened();
            });
        }
    }

    /** Where a join asks its replay to start; {@code null} for a first join or an accept. */
    private static Long resumeFrom(Command command) {
        return command.body() instanceof CommandBody.SessionJoin join ? join.resumeFrom() : null;
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

    /** Server-noticed inputs (drops, timers): recorded like commands, answered to nobody. */
    /**
     * Ends the session because the server is going down: recorded and sealed like any end, and
     * delivered so participants see why. Completes when that is done or cannot be done.
     */
    CompletableFuture<Void> shutDown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            Decision decision = SessionDecider.decide(state, new Input.Interrupted("the server was shut down"),
                    Actor.SERVER, context());
            if (!(decision instanceof Decision.Accept accept) || impaired) {
                done.complete(null);
                return;
            }
            commit(decideEvents(accept, Actor.SERVER), null, () -> done.complete(null), reason -> done.complete(null));
        });
        return done;
    }

    private void apply(Input input, Consumer<List<Event>> afterDelivery) {
        Decision decision = SessionDecider.decide(state, input, Actor.SERVER, context());
        if (decision instanceof Decision.Accept accept && !impaired) {
            List<Event> stamped = decideEvents(accept, Actor.SERVER);
            commit(stamped, null, () -> afterDelivery.accept(stamped), reason -> { });
        }
    }

    private List<Event> decideEvents(Decision.Accept accept, Actor actor) {
        List<Event> stamped = EventStamper.stamp(state, accept.events(), actor, Instant.now());
        for (Event event : stamped) {
            state = SessionEvolver.evolve(state, event);
        }
        return stamped;
    }

    // ------------------------------------------------------------------ recording and delivery

    /**
     * Records and delivers in the order the recording mode asks for. Async mode falls back to the
     * strict order for a session whose journal backlog passes {@link #ASYNC_BACKLOG} events, or
     * while the journal's queue is more than half taken ({@link Journal#roomToRunAhead}), until it
     * catches up: the clients' windows then bound what waits for the journal, as in strict mode,
     * instead of the journal's queue overflowing under events already delivered.
     */
    private void commit(List<Event> stamped, Connection connection, Runnable onDelivered, Consumer<String> onRefused) {
        if (stamped.isEmpty()) {
            onDelivered.run();
            return;
        }
        long last = stamped.get(stamped.size() - 1).seq();
        List<EntryCodec.Prepared> prepared = hub.journal().prepare(stamped);
        if (hub.config().recordingMode() == RecordingMode.ASYNC && recording.isEmpty()
                && delivered.seq() - tail.durableSeq() < ASYNC_BACKLOG && hub.journal().roomToRunAhead()) {
            deliver(stamped, prepared, connection);
            onDelivered.run();
            hub.journal().append(stamped, prepared).whenCompleteAsync((ok, error) -> {
                if (error != null) {
                    addUnrecorded(stamped);
                    markImpaired(error.getMessage());
                } else {
                    tail.durableUpTo(last);
                }
            }, loop);
            return;
        }
        recording.addLast(stamped);
        CompletableFuture<Void> written = hub.journal().append(stamped, prepared);
        Throwable refused = refusedAtOnce(written);
        if (refused != null) {
            // answered here, not from the loop's queue: no other command may be decided on top of these events first
            recorded(stamped, prepared, connection, onDelivered, onRefused, refused);
        } else {
            written.whenCompleteAsync((ok, error) -> recorded(stamped, prepared, connection, onDelivered, onRefused,
                    error), loop);
        }
    }

    /** Strict order: delivered once durable; if refused, what was decided on top of it is undone too. */
    private void recorded(List<Event> stamped, List<EntryCodec.Prepared> prepared, Connection connection,
                          Runnable onDelivered, Consumer<String> onRefused, Throwable error) {
        if (error == null) {
            recording.removeIf(waiting -> waiting == stamped);
            tail.durableUpTo(stamped.get(stamped.size() - 1).seq());
            deliver(stamped, prepared, connection);
            onDelivered.run();
            return;
        }
        // What was decided but not recorded never happened: the state goes back to what participants
        // saw plus what is still being recorded before these events. Lists decided after them were
        // decided on top of them and are refused as well, by the journal, in order.
        boolean after = false;
        for (var it = recording.iterator(); it.hasNext(); ) {
            List<Event> waiting = it.next();
            after |= waiting == stamped;
            if (after) {
                it.remove();
            }
        }
        redecideFromDelivered();
        if (!(error instanceof Journal.OverloadedException)) {
            markImpaired(error.getMessage()); // overload is not impairment: the journal is healthy, only behind
        }
        onRefused.accept(error.getMessage());
    }

    /** The decided state anew: what participants saw, plus what is still being recorded on top of it. */
    private void redecideFromDelivered() {
        state = delivered;
        for (List<Event> waiting : recording) {
            for (Event event : waiting) {
                state = SessionEvolver.evolve(state, event);
            }
        }
    }

    private static Throwable refusedAtOnce(CompletableFuture<Void> written) {
        if (!written.isCompletedExceptionally()) {
            return null;
        }
        try {
            written.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** {@code prepared}: the journal's serialization of each event, whose canonical bytes are its frame. */
    private void deliver(List<Event> stamped, List<EntryCodec.Prepared> prepared, Connection connection) {
        for (int i = 0; i < stamped.size(); i++) {
            Event event = stamped.get(i);
            delivered = SessionEvolver.evolve(delivered, event);
            hub.metrics().eventsRecorded.increment();
            fanOut(event, hub.frame(prepared.get(i).canonical()));
            afterEvent(event, connection);
        }
    }

    /** Sends {@code frame} (its reference passes here) to every attached member who may see {@code event}. */
    private void fanOut(Event event, ByteBuf frame) {
        try {
            tail.add(event.seq(), event.audience(), frame);
            for (Map.Entry<String, Connection> member : attached.entrySet()) {
                if (Visibility.sees(delivered, member.getKey(), event.audience())) {
                    sendTo(member.getKey(), member.getValue(), frame.retainedDuplicate());
                    hub.metrics().framesRelayed.increment();
                }
            }
        } finally {
            frame.release();
        }
    }

    /**
     * Sends to a participant's connection, or holds the frame while that connection is being
     * replayed what it missed, so that it sees every event in seq order.
     */
    private void sendTo(String participant, Connection connection, ByteBuf frame) {
        Catchup catchup = catchingUp.get(participant);
        if (catchup == null || catchup.connection != connection) {
            connection.send(frame);
        } else if (catchup.held.size() < MAX_HELD_FRAMES) {
            catchup.held.add(frame);
        } else {
            frame.release();
            abandonCatchup(participant);
            connection.close(WebSocketCloseStatus.TRY_AGAIN_LATER,
                    "too much happened while missed events were replayed; resume again");
        }
    }

    private void relay(Actor actor, Decision.Relay relay) {
        Event event = new Event(relay.type(), id, null, Instant.now(), actor, relay.audience(), relay.body());
        ByteBuf frame = hub.encode(event);
        try {
            for (Map.Entry<String, Connection> member : attached.entrySet()) {
                String participant = member.getKey();
                if ((relay.excludeActor() && participant.equals(actor.id()))
                        || !Visibility.sees(delivered, participant, relay.audience())) {
                    continue;
                }
                if (relay.type() != EventType.SCREEN_POINTER) {
                    sendTo(participant, member.getValue(), frame.retainedDuplicate());
                } else if (!catchingUp.containsKey(participant)) { // a pointer move is stale by the time a replay ends
                    member.getValue().sendPointer(actor.id(), frame.retainedDuplicate());
                }
            }
        } finally {
            frame.release();
        }
    }

    /** Keeps connections, timers and the hub in step with what participants have just seen. */
    private void afterEvent(Event event, Connection connection) {
        log.event(event, delivered);
        switch (event.type()) {
            case SESSION_OPENED -> scheduleIdleCheck();
            case PARTICIPANT_JOINED -> {
                EventBody.ParticipantJoined joined = event.body(EventBody.ParticipantJoined.class);
                attach(joined.participant().id(), connection);
                if (joined.participant().accessUntil() != null) {
                    scheduleWindowEnd(joined.participant().id(), joined.participant().accessUntil());
                }
            }
            case PARTICIPANT_RECONNECTED -> {
                String participant = event.body(EventBody.ParticipantReconnected.class).participant();
                cancelTimer(participant);
                attach(participant, connection);
            }
            case PARTICIPANT_LEFT -> {
                String participant = event.body(EventBody.ParticipantLeft.class).participant();
                cancelTimer(participant);
                Connection gone = attached.remove(participant);
                if (gone != null) {
                    gone.sessions.remove(id);
                }
            }
            case INVITE_REVOKED -> hub.invitations().forgetInvite(id, event.body(EventBody.InviteRevoked.class).invite());
            case SESSION_ENDED -> close();
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

    /**
     * A joiner (new or returning) gets the session as it is now, then what it missed: the newest
     * events from memory, older ones read back from the journal first, off the loop. Until that
     * replay is sent, whatever else the joiner is sent waits behind it.
     */
    private void welcomeJoiner(Connection connection, Long resumeFrom) {
        String participant = connection.participantId();
        if (!delivered.isMember(participant)) {
            return;
        }
        attach(participant, connection);
        abandonCatchup(participant); // a replay to an earlier connection of this participant is moot
        Event snapshot = new Event(EventType.SESSION_SNAPSHOT, id, delivered.seq(), Instant.now(), Actor.SERVER,
                Audience.participant(participant), Visibility.snapshot(delivered, participant));
        connection.send(hub.encode(snapshot));
        if (resumeFrom == null) {
            return;
        }
        long from = Math.max(0, resumeFrom);
        List<ResumeTail.Frame> recent = tail.after(from);
        long firstHeld = tail.firstSeq(delivered.seq() + 1);
        if (from + 1 >= firstHeld) {
            sendVisible(participant, connection, recent);
            return;
        }
        Catchup catchup = new Catchup(connection);
        catchingUp.put(participant, catchup);
        long upTo = firstHeld - 1;
        hub.journal().read(id, from, upTo)
                .whenCompleteAsync((missed, error) -> finishCatchup(participant, catchup, from, upTo, missed, error,
                        recent), loop);
    }

    private void finishCatchup(String participant, Catchup catchup, long from, long upTo,
                               List<JournalStore.Entry> missed, Throwable error, List<ResumeTail.Frame> recent) {
        if (catchingUp.get(participant) != catchup) {
            return; // superseded by a newer join, or abandoned; its held frames are released already
        }
        catchingUp.remove(participant);
        Connection connection = catchup.connection;
        if (error != null || missed.size() != upTo - from) {
            logger.warn("session={} participant={}: missed events {}..{} could not be read back ({}); asked to resume again",
                    id, participant, from + 1, upTo, error != null ? error.getMessage() : missed.size() + " found");
            catchup.release();
            connection.close(WebSocketCloseStatus.TRY_AGAIN_LATER,
                    "missed events could not be replayed; resume again");
            return;
        }
        // the stored fields give the canonical JSON the event was sent live as: the same bytes again
        for (JournalStore.Entry entry : missed) {
            if (Visibility.sees(delivered, participant, Audience.of(entry.audience()))) {
                connection.send(hub.wrap(EntryCodec.canonical(entry)));
            }
        }
        sendVisible(participant, connection, recent);
        catchup.held.forEach(connection::send);
    }

    private void sendVisible(String participant, Connection connection, List<ResumeTail.Frame> frames) {
        for (ResumeTail.Frame frame : frames) {
            if (Visibility.sees(delivered, participant, frame.audience())) {
                connection.send(hub.wrap(frame.bytes()));
            }
        }
    }

    private void abandonCatchup(String participant) {
        Catchup catchup = catchingUp.remove(participant);
        if (catchup != null) {
            catchup.release();
        }
    }

    /** A replay from the journal under way to one connection, and the frames waiting behind it. */
    private static final class Catchup {
        final Connection connection;
        final List<ByteBuf> held = new ArrayList<>();

        Catchup(Connection connection) {
            this.connection = connection;
        }

        void release() {
            held.forEach(ByteBuf::release);
            held.clear();
        }
    }

    /** Adds the secrets only the relay may know: the session key, an invitation token. Only once recorded. */
    private ReplyBody completeReply(ReplyBody reply, Command command, List<ReplyBody.ArticleHit> suggestions) {
        if (reply instanceof ReplyBody.SessionOpened opened && command.body() instanceof CommandBody.SessionCreate) {
            return new ReplyBody.SessionOpened(opened.session(), opened.ticket(), hub.keys().issue(id));
        }
        if (reply instanceof ReplyBody.SessionOpened opened && suggestions != null) {
            return new ReplyBody.SessionOpened(opened.session(), opened.ticket(), null, suggestions);
        }
        if (reply instanceof ReplyBody.InviteIssued issued) {
            String token = hub.invitations().register(id, issued.invite(), issued.expiresAt());
            return new ReplyBody.InviteIssued(issued.invite(), token, issued.expiresAt());
        }
        return reply;
    }

    private void reply(Connection connection, RecentReplies recent, ServerMessage message) {
        byte[] bytes = hub.codec().encode(message);
        List<Connection> waiting;
        if (message instanceof ErrorReply error) {
            hub.metrics().error(error.code());
            // unavailable was not applied: a retry must be decided afresh
            waiting = error.code() == ErrorCode.UNAVAILABLE ? recent.abandon(error.re()) : recent.complete(error.re(), bytes);
        } else {
            waiting = recent.complete(((Reply) message).re(), bytes);
        }
        sendTo(connection.participantId(), connection, hub.wrap(bytes));
        for (Connection retry : waiting) {
            if (retry != connection) {
                sendTo(retry.participantId(), retry, hub.wrap(bytes));
            }
        }
    }

    private void dropIfNeverOpened() {
        if (delivered.status() == SessionState.Status.NEW && state.status() == SessionState.Status.NEW) {
            hub.remove(this); // a create that was refused leaves no session behind
        }
    }

    // ------------------------------------------------------------------ recording health

    private void markImpaired(String reason) {
        if (!impaired) {
            impaired = true;
            broadcastRecordingStatus("impaired", reason);
        }
        retryWhileJournalHealthy();
    }

    /**
     * A journal that is healthy but was behind sends no recovery signal (it never failed), so the
     * session tries again by itself; a failed journal's recovery reaches every session anyway.
     */
    private void retryWhileJournalHealthy() {
        if (!recoveryRetryScheduled && hub.journal().isHealthy()) {
            recoveryRetryScheduled = true;
            loop.schedule(() -> {
                recoveryRetryScheduled = false;
                if (hub.journal().isHealthy()) {
                    recovered();
                }
            }, RECOVERY_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Kept in seq order, which is the order the journal takes them back in. Refusals come back in
     * another order: an event refused at once, because the journal had just failed, is answered
     * before the events of the batch whose failure it was, which are answered after the
     * listeners are told; appended as they came, the backlog was out of sequence, the journal
     * refused it on every retry, and the session stayed impaired (JournalFailureIT, async, about
     * one run in six).
     */
    private void addUnrecorded(List<Event> events) {
        unrecorded.addAll(events);
        unrecorded.sort(Comparator.comparingLong(Event::seq));
    }

    /**
     * First reads back what the journal holds of this session past what it knows to be recorded:
     * a commit the database reported failed may have committed all the same (a connection lost in
     * the commit). Only then does it record its backlog and take commands again, or the next event
     * would be decided on a seq already stored, and refused for it time after time.
     */
    private void recovered() {
        if (!impaired || readingBack) {
            return;
        }
        long known = unrecorded.isEmpty() ? delivered.seq() : unrecorded.get(0).seq() - 1; // the backlog was delivered
        if (hub.journal().store().liveHead(id) <= known) {
            refusedInDoubt.clear();
            recordBacklog(); // the usual case, known without a read: nothing committed that was reported failed
            return;
        }
        readingBack = true;
        hub.journal().read(id, known, Long.MAX_VALUE).whenCompleteAsync((stored, error) -> {
            readingBack = false;
            if (error != null) {
                logger.warn("session={}: what the journal holds past seq {} could not be read back ({}); tried again",
                        id, known, error.getMessage());
                retryWhileJournalHealthy();
            } else {
                boolean goesOn = takeInDoubt(stored);
                refusedInDoubt.clear();
                if (goesOn) {
                    recordBacklog();
                }
            }
        }, loop);
    }

    /**
     * Entries the journal holds that a failed commit wrote after all. Async mode delivered them
     * before recording: they leave the backlog. Strict mode undid them and answered their command
     * unavailable: they are in the transcript, so they are delivered now, late, since what it
     * holds is what the participants must have seen. Answers whether the session can go on: not
     * once it ended, nor when the journal holds another event than the one delivered with a seq.
     */
    private boolean takeInDoubt(List<JournalStore.Entry> stored) {
        for (JournalStore.Entry entry : stored) {
            if (!unrecorded.isEmpty() && unrecorded.get(0).seq() == entry.seq()) {
                if (!storedAs(unrecorded.get(0), EntryCodec.canonical(entry))) {
                    String why = "the transcript holds another event under seq " + entry.seq()
                            + " than the one delivered with it; recording stays impaired";
                    logger.error("session={}: {}", id, why);
                    broadcastRecordingStatus("impaired", why);
                    return false;
                }
                unrecorded.remove(0);
                tail.durableUpTo(entry.seq());
            } else if (entry.seq() == delivered.seq() + 1) {
                Event event = EntryCodec.event(entry, hub.codec());
                logger.warn("session={}: seq {} ({}) was committed though its commit was reported failed; delivered now",
                        id, entry.seq(), event.type().wire());
                tail.durableUpTo(entry.seq());
                byte[] canonical = EntryCodec.canonical(entry);
                deliver(List.of(event), List.of(new EntryCodec.Prepared(event, entry.actor(), entry.body(), canonical)),
                        null);
                answerRetriesWithAck(entry.seq(), canonical);
            }
        }
        redecideFromDelivered();
        return delivered.status() != SessionState.Status.ENDED;
    }

    /**
     * The command refused unavailable whose first event is the one now delivered late was applied
     * after all: its retry, with the same id, is answered with the ack it would have had instead of
     * being applied a second time (an invitation's token is registered now, a joiner is welcomed
     * when its retry comes). A command's events are committed together, so its first tells.
     */
    private void answerRetriesWithAck(long seq, byte[] canonical) {
        for (var it = refusedInDoubt.iterator(); it.hasNext(); ) {
            Refused refused = it.next();
            if (refused.first().seq() == seq && storedAs(refused.first(), canonical)) {
                it.remove();
                String commandId = refused.command().id();
                ReplyBody body = completeReply(refused.reply(), refused.command(), null);
                replies.computeIfAbsent(refused.actor(), k -> new RecentReplies()).complete(commandId,
                        hub.codec().encode(Reply.ack(commandId, seq, body)));
            }
        }
    }

    /** Whether {@code canonical}, an entry's bytes as stored, is {@code event}: the same seq could hold another. */
    private boolean storedAs(Event event, byte[] canonical) {
        return java.util.Arrays.equals(hub.journal().prepare(List.of(event)).get(0).canonical(), canonical);
    }

    /** Async mode: what was delivered but not recorded is recorded, in order, before the session takes commands again. */
    private void recordBacklog() {
        if (!unrecorded.isEmpty()) {
            List<Event> backlog = List.copyOf(unrecorded);
            unrecorded.clear();
            hub.journal().append(backlog).whenCompleteAsync((ok, error) -> {
                if (error != null) {
                    addUnrecorded(backlog);
                    retryWhileJournalHealthy();
                } else {
                    tail.durableUpTo(backlog.get(backlog.size() - 1).seq());
                    recordBacklog();
                }
            }, loop);
            return;
        }
        impaired = false;
        broadcastRecordingStatus("ok", "recording works again");
        reconcile();
    }

    /** Drops and timers noticed while recording was impaired were not recorded: notice them again. */
    private void reconcile() {
        for (SessionState.Member member : delivered.members().values()) {
            String participant = member.actor().id();
            if (member.connected() && !attached.containsKey(participant)) {
                apply(new Input.Disconnected(participant), events -> scheduleGraceExpiry(participant));
            } else if (!member.connected() && !timers.containsKey(participant)) {
                scheduleGraceExpiry(participant);
            } else if (member.accessUntil() != null && !timers.containsKey(participant)) {
                scheduleWindowEnd(participant, member.accessUntil());
            }
        }
    }

    private void broadcastRecordingStatus(String status, String detail) {
        Event event = new Event(EventType.RECORDING_STATUS, id, null, Instant.now(), Actor.SERVER, Audience.ALL,
                new EventBody.RecordingStatus(status, detail));
        ByteBuf frame = hub.encode(event);
        try {
            attached.forEach((participant, c) -> sendTo(participant, c, frame.retainedDuplicate()));
        } finally {
            frame.release();
        }
    }

    // ------------------------------------------------------------------ timers

    private DecideContext context() {
        return new DecideContext(Instant.now(), hub::newId, hub.config().maxParticipants(), hub.config().redaction());
    }

    private void scheduleGraceExpiry(String participant) {
        schedule(participant, hub.config().reconnectGrace().toMillis(), new Input.GraceExpired(participant));
    }

    private void scheduleWindowEnd(String participant, Instant accessUntil) {
        schedule(participant, Math.max(0, accessUntil.toEpochMilli() - System.currentTimeMillis()),
                new Input.WindowEnded(participant));
    }

    private void schedule(String participant, long delayMillis, Input input) {
        cancelTimer(participant);
        timers.put(participant, loop.schedule(() -> {
            timers.remove(participant);
            apply(input, events -> { });
        }, delayMillis, TimeUnit.MILLISECONDS));
    }

    /** One check per idle period rather than a timer reset per command: chat stays off the timer wheel. */
    private void scheduleIdleCheck() {
        long idle = hub.config().sessionIdleTimeout().toMillis();
        long due = lastActivity + idle - System.currentTimeMillis();
        timers.put(IDLE_TIMER, loop.schedule(() -> {
            timers.remove(IDLE_TIMER);
            if (System.currentTimeMillis() - lastActivity >= idle) {
                apply(new Input.IdleTimeout(), events -> { });
            } else {
                scheduleIdleCheck();
            }
        }, Math.max(due, 1), TimeUnit.MILLISECONDS));
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
