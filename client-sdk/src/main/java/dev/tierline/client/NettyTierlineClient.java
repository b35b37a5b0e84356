package dev.tierline.client;

import dev.tierline.protocol.Command;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.CommandType;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.ErrorReply;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.protocol.ProtocolException;
import dev.tierline.protocol.Reply;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.ServerMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * The client. Its state lives on one event loop of its own: every change runs there, so nothing is
 * locked; app callbacks and futures run on the callback executor, in order.
 */
final class NettyTierlineClient implements TierlineClient, ClientFrameHandler.Sink {
    private final ClientOptions options;
    private final ProtocolCodec codec = ProtocolCodec.create();
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Executor callbacks;
    private final String idPrefix;
    private final AtomicLong nextId = new AtomicLong();
    private final List<TierlineListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, SessionHandle> sessions = new ConcurrentHashMap<>();
    private final CompletableFuture<ReplyBody.Welcome> connected = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    // loop-confined
    /** Commands not yet answered, in the order they were issued. */
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    private ClientFrameHandler connection;
    private boolean authenticated;
    private boolean closing;
    private boolean started;
    private int attempts;
    private volatile ConnectionState state = ConnectionState.CONNECTING;

    /** A command waiting for its reply; {@code onReply} runs on the loop before the future completes. */
    private final class Pending {
        final Command command;
        final CompletableFuture<Reply> future;
        final Consumer<Reply> onReply;
        ScheduledFuture<?> timeout;
        boolean sent;

        Pending(Command command, CompletableFuture<Reply> future, Consumer<Reply> onReply) {
            this.command = command;
            this.future = future;
            this.onReply = onReply;
        }

        /** Fails the command with what {@link #retry} needs to send it again. */
        void fail(ErrorCode code, String message) {
            future.completeExceptionally(new TierlineException(code, message, new Sent(NettyTierlineClient.this,
                    command, onReply)));
        }
    }

    /** What a {@link TierlineException} keeps of the command it is about. */
    private record Sent(NettyTierlineClient client, Command command, Consumer<Reply> onReply) {}

    NettyTierlineClient(ClientOptions options) {
        this.options = options;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tierline-client", true),
                NioIoHandler.newFactory());
        this.loop = group.next();
        this.callbacks = options.callbackExecutor() != null ? new SerialExecutor(options.callbackExecutor())
                : Executors.newSingleThreadExecutor(new DefaultThreadFactory("tierline-callbacks", true));
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        // ids unique across reconnects: a retried command keeps its id, a new one never reuses one
        this.idPrefix = "c" + HexFormat.of().formatHex(random) + "-";
    }

    // ------------------------------------------------------------------ public API

    @Override
    public CompletableFuture<ReplyBody.Welcome> connect() {
        onLoop(() -> {
            if (!started) {
                started = true;
                open();
            }
        }, () -> { });
        return connected.thenApplyAsync(w -> w, callbacks);
    }

    @Override
    public CompletableFuture<Reply> send(String session, CommandBody body) {
        return submit(session, body, reply -> { });
    }

    @Override
    public CompletableFuture<ReplyBody.SessionOpened> createSession(String ticket, String title) {
        return submit(null, new CommandBody.SessionCreate(ticket, title, null), reply -> {
            ReplyBody.SessionOpened opened = codec.replyBody(reply, ReplyBody.SessionOpened.class);
            handleFor(opened.session(), false);
        }).thenApply(reply -> codec.replyBody(reply, ReplyBody.SessionOpened.class));
    }

    @Override
    public CompletableFuture<ReplyBody.SessionOpened> openRequest(String topic, String summary, String ticket) {
        return submit(null, new CommandBody.RequestOpen(ticket, topic, summary), reply ->
                handleFor(codec.replyBody(reply, ReplyBody.SessionOpened.class).session(), false))
                .thenApply(reply -> codec.replyBody(reply, ReplyBody.SessionOpened.class));
    }

    @Override
    public CompletableFuture<List<ReplyBody.QueuedRequest>> queue(String topic) {
        return send(null, new CommandBody.QueueList(topic))
                .thenApply(reply -> codec.replyBody(reply, ReplyBody.QueueListing.class).requests());
    }

    @Override
    public CompletableFuture<TierlineSession> accept(String session) {
        return entered(session, new CommandBody.SessionAccept());
    }

    @Override
    public CompletableFuture<TierlineSession> join(String session, String invite) {
        return entered(session, new CommandBody.SessionJoin(invite, options.sessionKey(), null));
    }

    /** Completes once the session's snapshot is in, so the handle is ready to read when the app gets it. */
    private CompletableFuture<TierlineSession> entered(String session, CommandBody body) {
        CompletableFuture<TierlineSession> ready = new CompletableFuture<>();
        submit(session, body, reply -> {
            SessionHandle handle = sessions.computeIfAbsent(session, id -> new SessionHandle(id, false));
            handle.resuming = false;
            handle.whenSnapshot = ready;
        }).whenComplete((reply, error) -> {
            if (error != null) {
                ready.completeExceptionally(error instanceof java.util.concurrent.CompletionException ? error.getCause() : error);
            }
        });
        return ready;
    }

    @Override
    public TierlineSession session(String id) {
        return sessions.get(id);
    }

    @Override
    public void addListener(TierlineListener listener) {
        listeners.add(listener);
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    /** Closing twice, or after the client gave up, is harmless. */
    @Override
    public CompletableFuture<Void> closeAsync() {
        onLoop(() -> {
            closing = true;
            if (connection != null) {
                connection.close();
            } else {
                finish("closed by the application");
            }
        }, () -> { });
        return closed.copy();
    }

    /** Runs on the client's loop, or {@code ifClosed} when the client has already shut it down. */
    private void onLoop(Runnable task, Runnable ifClosed) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ifClosed.run();
        }
    }

    // ------------------------------------------------------------------ commands

    private CompletableFuture<Reply> submit(String session, CommandBody body, Consumer<Reply> onReply) {
        CompletableFuture<Reply> future = new CompletableFuture<>();
        Command command = Command.of(idPrefix + nextId.incrementAndGet(), CommandType.of(body), session, body);
        onLoop(() -> enqueue(new Pending(command, future, onReply)), () -> future.completeExceptionally(
                new TierlineException(ErrorCode.UNAVAILABLE, "the client is closed")));
        return future.thenApplyAsync(reply -> reply, callbacks);
    }

    @Override
    public CompletableFuture<Reply> retry(TierlineException refused) {
        if (!(refused.command() instanceof Sent earlier) || earlier.client() != this) {
            throw new IllegalArgumentException("not about a command of this client: " + refused.getMessage());
        }
        CompletableFuture<Reply> future = new CompletableFuture<>();
        onLoop(() -> {
            if (pending.containsKey(earlier.command().id())) {
                future.completeExceptionally(new IllegalStateException(
                        "command " + earlier.command().id() + " is being sent already"));
            } else {
                enqueue(new Pending(earlier.command(), future, earlier.onReply()));
            }
        }, () -> future.completeExceptionally(new TierlineException(ErrorCode.UNAVAILABLE, "the client is closed")));
        return future.thenApplyAsync(reply -> reply, callbacks);
    }

    private void enqueue(Pending p) {
        if (state == ConnectionState.CLOSED) {
            p.fail(ErrorCode.UNAVAILABLE, "the client is closed");
            return;
        }
        if (!authenticated && pending.size() >= options.maxQueued()) {
            p.fail(ErrorCode.UNAVAILABLE, "not connected and " + options.maxQueued() + " commands are already waiting");
            return;
        }
        pending.put(p.command.id(), p);
        p.timeout = loop.schedule(() -> {
            if (pending.remove(p.command.id()) != null) {
                p.fail(ErrorCode.UNAVAILABLE, "no reply within " + options.requestTimeout().toMillis() + " ms");
            }
        }, options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (authenticated) {
            write(p);
        }
    }

    private void write(Pending p) {
        p.sent = true;
        connection.write(codec.encodeCommand(p.command));
    }

    // ------------------------------------------------------------------ connection life

    private void open() {
        URI uri = options.uri();
        boolean tls = uri.getScheme().equals("wss");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        SslContext ssl;
        try {
            ssl = !tls ? null : options.sslContext() != null ? options.sslContext() : SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            finish("TLS setup failed: " + e.getMessage());
            return;
        }
        WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(options.maxFrameBytes())
                .handleCloseFrames(false)
                .handshakeTimeoutMillis(options.connectTimeout().toMillis())
                .build();
        ClientFrameHandler handler = new ClientFrameHandler(this);
        ChannelFuture connecting = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), uri.getHost(), port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(ws),
                                new WebSocketFrameAggregator(options.maxFrameBytes()), handler);
                    }
                })
                .connect(uri.getHost(), port);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                lost(handler, f.cause());
            }
        });
    }

    @Override
    public void opened(ClientFrameHandler handler) {
        connection = handler;
        CommandBody.Hello hello = options.token() != null ? new CommandBody.Hello(options.token(), null, null)
                : new CommandBody.Hello(null, options.sessionKey(), options.displayName());
        Command command = Command.of(idPrefix + nextId.incrementAndGet(), CommandType.HELLO, null, hello);
        Pending p = new Pending(command, new CompletableFuture<>(), this::welcomed);
        pending.put(command.id(), p);
        write(p);
    }

    /** Authenticated: resume every joined session, then send what waited, in order. */
    private void welcomed(Reply reply) {
        authenticated = true;
        attempts = 0;
        for (SessionHandle handle : sessions.values()) {
            handle.resuming = true;
            Command join = Command.of(idPrefix + nextId.incrementAndGet(), CommandType.SESSION_JOIN, handle.id,
                    new CommandBody.SessionJoin(null, null, handle.lastSeq));
            Pending resume = new Pending(join, new CompletableFuture<>(), r -> { });
            resume.future.whenComplete((r, error) -> {
                // refused: the session ended or we were timed out of it while away. A lost
                // connection is no answer: the next reconnect resumes again.
                if (error instanceof TierlineException refused && refused.code() != ErrorCode.UNAVAILABLE) {
                    onLoop(() -> sessions.remove(handle.id), () -> { });
                }
            });
            write(resume);
            pending.put(join.id(), resume);
        }
        for (Pending p : new ArrayList<>(pending.values())) {
            if (!p.sent) {
                write(p); // queued while away, or in flight at the drop: same id, applied at most once
            }
        }
        setState(ConnectionState.CONNECTED, null);
        connected.complete(codec.replyBody(reply, ReplyBody.Welcome.class));
    }

    @Override
    public void received(ClientFrameHandler handler, byte[] frame) {
        ServerMessage message;
        try {
            message = codec.decodeServerMessage(frame);
        } catch (ProtocolException e) {
            return; // a newer server's event this client does not know: skip it
        }
        if (message instanceof Event event) {
            onEvent(event);
            return;
        }
        String re = message instanceof Reply r ? r.re() : ((ErrorReply) message).re();
        Pending p = re == null ? null : pending.remove(re);
        if (p == null) {
            return;
        }
        if (p.timeout != null) {
            p.timeout.cancel(false);
        }
        if (message instanceof Reply reply) {
            p.onReply.accept(reply);
            p.future.complete(reply);
        } else {
            ErrorReply error = (ErrorReply) message;
            p.fail(error.code(), error.message());
        }
    }

    private void onEvent(Event event) {
        SessionHandle handle = sessions.get(event.session());
        if (handle == null) {
            return;
        }
        CompletableFuture<TierlineSession> ready = null;
        if (event.type() == EventType.SESSION_SNAPSHOT) {
            handle.snapshot = event.body(EventBody.Snapshot.class);
            if (!handle.resuming) {
                handle.lastSeq = Math.max(handle.lastSeq, event.seq()); // a first join starts from the snapshot
            }
            handle.resuming = false;
            ready = handle.whenSnapshot;
            handle.whenSnapshot = null;
        } else if (event.seq() != null) {
            if (event.seq() <= handle.lastSeq) {
                return; // seen before the drop
            }
            handle.lastSeq = event.seq();
        }
        if (event.type() == EventType.SESSION_ENDED) {
            sessions.remove(event.session());
        }
        CompletableFuture<TierlineSession> joined = ready;
        callbacks.execute(() -> {
            handle.listeners.forEach(l -> l.accept(event));
            listeners.forEach(l -> l.onEvent(event));
            if (joined != null) {
                joined.complete(handle); // the app gets the handle with its snapshot in place
            }
        });
    }

    @Override
    public void closedByServer(ClientFrameHandler handler, int code, String reason) {
        if (reason != null && reason.startsWith("unauthenticated")) {
            closing = true; // the same credentials will not work next time either
            finish(reason);
        }
    }

    @Override
    public void lost(ClientFrameHandler handler, Throwable cause) {
        if (handler != connection && connection != null) {
            return; // an older connection's late news
        }
        connection = null;
        authenticated = false;
        pending.values().removeIf(p -> {
            if (p.command.type() == CommandType.HELLO || isResume(p)) {
                p.fail(ErrorCode.UNAVAILABLE, "connection lost");
                return true;
            }
            p.sent = false;
            return false;
        });
        if (closing || state == ConnectionState.CLOSED) {
            finish("closed");
            return;
        }
        if (++attempts > options.reconnect().maxAttempts()) {
            finish("gave up after " + options.reconnect().maxAttempts() + " reconnect attempts"
                    + (cause == null ? "" : ": " + cause.getMessage()));
            return;
        }
        setState(ConnectionState.RECONNECTING, cause == null ? "connection lost" : cause.getMessage());
        loop.schedule(this::open, options.reconnect().delay(attempts).toMillis(), TimeUnit.MILLISECONDS);
    }

    private static boolean isResume(Pending p) {
        return p.command.body() instanceof CommandBody.SessionJoin join && join.resumeFrom() != null;
    }

    /** Final: fail whatever waits, tell the app, release the thread. */
    private void finish(String reason) {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        for (Pending p : pending.values()) {
            if (p.timeout != null) {
                p.timeout.cancel(false);
            }
            p.fail(ErrorCode.UNAVAILABLE, reason);
        }
        pending.clear();
        setState(ConnectionState.CLOSED, reason);
        connected.completeExceptionally(new TierlineException(ErrorCode.UNAVAILABLE, reason));
        closed.complete(null);
        callbacks.execute(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
    }

    private void setState(ConnectionState next, String reason) {
        if (state == next) {
            return;
        }
        state = next;
        callbacks.execute(() -> listeners.forEach(l -> l.onStateChange(next, reason)));
    }

    private void handleFor(String session, boolean resuming) {
        sessions.computeIfAbsent(session, id -> new SessionHandle(id, resuming));
    }

    /** A joined session as this client tracks it. */
    private final class SessionHandle implements TierlineSession {
        final String id;
        final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
        volatile long lastSeq;
        volatile EventBody.Snapshot snapshot;
        volatile boolean resuming;
        /** A join or accept waiting for the snapshot (loop only). */
        CompletableFuture<TierlineSession> whenSnapshot;

        SessionHandle(String id, boolean resuming) {
            this.id = id;
            this.resuming = resuming;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String participantId() {
            return connected.isDone() && !connected.isCompletedExceptionally() ? connected.join().you().id() : null;
        }

        @Override
        public long lastSeq() {
            return lastSeq;
        }

        @Override
        public EventBody.Snapshot snapshot() {
            return snapshot;
        }

        @Override
        public void onEvent(Consumer<Event> listener) {
            listeners.add(listener);
        }

        @Override
        public CompletableFuture<Reply> send(CommandBody body) {
            return NettyTierlineClient.this.submit(id, body, reply -> {
                if (body instanceof CommandBody.SessionLeave) {
                    sessions.remove(id);
                }
            });
        }

        @Override
        public CompletableFuture<ReplyBody.InviteIssued> invite(CommandBody.InviteCreate invite) {
            return send(invite).thenApply(reply -> codec.replyBody(reply, ReplyBody.InviteIssued.class));
        }
    }
}
