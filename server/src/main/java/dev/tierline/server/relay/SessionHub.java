package dev.tierline.server.relay;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Command;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.ErrorReply;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.protocol.Reply;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.ServerMessage;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.knowledge.KnowledgeBase;
import dev.tierline.server.recording.Journal;
import dev.tierline.server.security.InvitationRegistry;
import dev.tierline.server.security.Secrets;
import dev.tierline.server.security.SessionKeys;
import dev.tierline.server.session.Input;
import dev.tierline.server.session.SessionState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions of this node: places each on the event loop of the connection that opened it,
 * routes commands to it, and answers the commands that span sessions (the queue, opening a
 * session, knowledge search).
 */
final class SessionHub {
    private final ServerConfig config;
    private final ProtocolCodec codec;
    private final SessionKeys keys;
    private final InvitationRegistry invitations;
    private final RelayMetrics metrics;
    private final Journal journal;
    private final KnowledgeCommands knowledge;
    private final Map<String, SessionRuntime> sessions = new ConcurrentHashMap<>();

    SessionHub(ServerConfig config, ProtocolCodec codec, SessionKeys keys,
               InvitationRegistry invitations, RelayMetrics metrics, Journal journal, KnowledgeBase knowledge) {
        this.config = config;
        this.codec = codec;
        this.keys = keys;
        this.invitations = invitations;
        this.metrics = metrics;
        this.journal = journal;
        this.knowledge = new KnowledgeCommands(this, knowledge);
        journal.addListener(new Journal.Listener() {
            @Override
            public void impaired(String reason) {
                sessions.values().forEach(runtime -> runtime.recordingImpaired(reason));
            }

            @Override
            public void recovered() {
                sessions.values().forEach(SessionRuntime::recordingRecovered);
            }
        });
    }

    void dispatch(Connection connection, Command command) {
        switch (command.type()) {
            case QUEUE_LIST -> {
                ServerMessage answer = queue(connection, command);
                connection.send(answer instanceof ErrorReply refused ? error(refused) : wrap(codec.encode(answer)));
            }
            case SESSION_CREATE -> open(connection, command, null);
            case REQUEST_OPEN -> {
                ErrorReply refused = openLimits(connection, command);
                if (refused != null) {
                    connection.send(error(refused));
                } else {
                    knowledge.suggestThenOpen(connection, command);
                }
            }
            case KB_SEARCH -> knowledge.search(connection, command);
            case KB_SHARE, REQUEST_SELF_RESOLVE -> {
                SessionRuntime runtime = sessions.get(command.session());
                if (runtime == null) {
                    connection.send(error(ErrorReply.of(command.id(), ErrorCode.NOT_FOUND,
                            "no open session " + command.session())));
                } else {
                    knowledge.lookupThenSubmit(runtime, connection, command);
                }
            }
            case SESSION_ACCEPT -> {
                ErrorReply refused = openSessionsLimit(connection, command);
                if (refused != null) {
                    connection.send(error(refused));
                } else {
                    route(connection, command);
                }
            }
            default -> route(connection, command);
        }
    }

    private void route(Connection connection, Command command) {
        SessionRuntime runtime = sessions.get(command.session());
        if (runtime == null) {
            connection.send(error(ErrorReply.of(command.id(), ErrorCode.NOT_FOUND,
                    "no open session " + command.session())));
            return;
        }
        runtime.submit(connection, command, null, null);
    }

    /**
     * Opens a session for {@code session.create} or {@code request.open}; a request's ack carries
     * {@code suggestions} (public articles matching its summary, looked up beforehand).
     */
    void open(Connection connection, Command command, List<ReplyBody.ArticleHit> suggestions) {
        ErrorReply refused = openLimits(connection, command);
        if (refused != null) {
            connection.send(error(refused));
            return;
        }
        String id = Secrets.id("s-");
        // the session lives on its opener's loop: the technician who creates it, or the user who asks
        // for help, is then answered without a hand-off between threads
        SessionRuntime runtime = new SessionRuntime(id, connection.channel().eventLoop(), this);
        sessions.put(id, runtime);
        // with articles to offer, the request waits for the user's choice before it reaches the queue
        Input held = suggestions != null && !suggestions.isEmpty() && command.body() instanceof CommandBody.RequestOpen open
                ? new Input.SelfHelpRequest(open) : null;
        runtime.submit(connection, command, held, suggestions);
    }

    private ErrorReply openLimits(Connection connection, Command command) {
        return sessions.size() >= config.maxSessions()
                ? ErrorReply.of(command.id(), ErrorCode.UNAVAILABLE, "this server holds its maximum of "
                        + config.maxSessions() + " sessions")
                : command.body() instanceof CommandBody.RequestOpen open ? queueLimit(command, open.topic())
                : openSessionsLimit(connection, command);
    }

    private ErrorReply queueLimit(Command command, String topic) {
        long waiting = sessions.values().stream()
                .map(SessionRuntime::state)
                .filter(s -> s.status() == SessionState.Status.WAITING && topic.equals(s.topic()))
                .count();
        return waiting < config.maxQueueLength() ? null : ErrorReply.of(command.id(), ErrorCode.UNAVAILABLE,
                "the " + topic + " queue is full (" + config.maxQueueLength() + " waiting); try again later");
    }

    private ErrorReply openSessionsLimit(Connection connection, Command command) {
        Actor actor = connection.principal().actor();
        if (!actor.isTechnician()) {
            return null;
        }
        long open = sessions.values().stream().filter(r -> r.state().isMember(actor.id())).count();
        return open < config.maxOpenSessionsPerTechnician() ? null : ErrorReply.of(command.id(), ErrorCode.CONFLICT,
                "you are in " + open + " open sessions, the most allowed; end or leave one first");
    }

    private ServerMessage queue(Connection connection, Command command) {
        Actor actor = connection.principal().actor();
        if (!actor.isTechnician() || !actor.tier().isInternal()) {
            return ErrorReply.of(command.id(), ErrorCode.FORBIDDEN, "only L1-L3 technicians see the queue");
        }
        String topic = ((CommandBody.QueueList) command.body()).topic();
        List<ReplyBody.QueuedRequest> waiting = sessions.values().stream()
                .map(SessionRuntime::state)
                .filter(s -> s.status() == SessionState.Status.WAITING && (topic == null || topic.equals(s.topic())))
                .sorted(Comparator.comparing(SessionState::openedAt))
                .map(s -> new ReplyBody.QueuedRequest(s.id(), s.ticket(), s.topic(), s.summary(), endUserName(s),
                        s.openedAt()))
                .toList();
        return Reply.ack(command.id(), null, new ReplyBody.QueueListing(waiting));
    }

    private static String endUserName(SessionState state) {
        return state.members().values().stream()
                .filter(m -> m.actor().isEndUser())
                .map(m -> m.actor().name())
                .findFirst()
                .orElse(null);
    }

    /** Ends every live session as interrupted by the shutdown; completes when all are recorded (or refused). */
    CompletableFuture<Void> shutDownSessions() {
        return CompletableFuture.allOf(sessions.values().stream().map(SessionRuntime::shutDown)
                .toArray(CompletableFuture[]::new));
    }

    /** Counts of this node's sessions and present participants, for the gauges. */
    long sessionsIn(SessionState.Status status) {
        return sessions.values().stream().filter(r -> r.state().status() == status).count();
    }

    long participants(java.util.function.Predicate<Actor> match) {
        return sessions.values().stream().flatMap(r -> r.state().members().values().stream())
                .filter(m -> match.test(m.actor())).count();
    }

    void connectionClosed(Connection connection) {
        for (SessionRuntime runtime : connection.sessions.values()) {
            runtime.connectionClosed(connection);
        }
    }

    void remove(SessionRuntime runtime) {
        sessions.remove(runtime.id(), runtime);
    }

    int sessionCount() {
        return sessions.size();
    }

    /** Serializes a message once into a pooled buffer that recipients share by retained duplicates. */
    ByteBuf encode(ServerMessage message) {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(256);
        try {
            codec.encode(message, new ByteBufOutputStream(buffer));
            return buffer;
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
    }

    /** An error reply, counted by its code. */
    ByteBuf error(ErrorReply error) {
        metrics.error(error.code());
        return wrap(codec.encode(error));
    }

    /** Bytes sent to many connections, copied once into a pooled buffer rather than once per socket write. */
    ByteBuf frame(byte[] bytes) {
        return ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    ByteBuf wrap(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    String newId() {
        return Secrets.id("");
    }

    ServerConfig config() {
        return config;
    }

    ProtocolCodec codec() {
        return codec;
    }

    SessionKeys keys() {
        return keys;
    }

    InvitationRegistry invitations() {
        return invitations;
    }

    RelayMetrics metrics() {
        return metrics;
    }

    Journal journal() {
        return journal;
    }
}
