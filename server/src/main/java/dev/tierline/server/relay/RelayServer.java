package dev.tierline.server.relay;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.CodecLimits;
import dev.tierline.protocol.Tier;
import dev.tierline.server.ops.Observability;
import dev.tierline.server.session.SessionState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.tierline.protocol.Protocol;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.http.HttpApi;
import dev.tierline.server.knowledge.KnowledgeBase;
import dev.tierline.server.recording.Journal;
import dev.tierline.server.security.Authenticator;
import dev.tierline.server.security.InvitationRegistry;
import dev.tierline.server.security.KeyGuessLimiter;
import io.netty.handler.ssl.SslContext;
import dev.tierline.server.security.SessionKeys;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The Netty side of a server: binds the port and owns the event loops that run connections and sessions. */
public final class RelayServer implements AutoCloseable {
    /** Writability flips at these marks; the slow-reader close is a separate, larger bound. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final SessionHub hub;
    private final RelayMetrics metrics;
    private final Journal journal;
    private volatile boolean accepting = true;
    private final Transport transport;

    private RelayServer(ServerConfig config, SslContext tls, Authenticator authenticator, SessionKeys keys,
                        InvitationRegistry invitations, Journal journal, KnowledgeBase knowledge, HttpApi api,
                        Observability observability, String version) throws InterruptedException {
        this.metrics = observability.relay();
        this.journal = journal;
        // one loop per core: a session's participants then share its loop more often, which saves
        // cross-thread hand-offs and wake-ups (Netty's default of twice the cores measured slower)
        int threads = config.ioThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.ioThreads();
        transport = Transport.choose(config.ioTransport());
        boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlers());
        workers = new MultiThreadIoEventLoopGroup(threads, transport.ioHandlers());
        org.slf4j.LoggerFactory.getLogger(RelayServer.class).info("{} event loops on Netty's {} transport", threads,
                transport.label());
        ProtocolCodec codec = ProtocolCodec.create(new CodecLimits(config.maxJsonDepth(), config.maxStringLength()));
        KeyGuessLimiter keyGuesses = new KeyGuessLimiter(config.keyGuessesPerMinute());
        hub = new SessionHub(config, codec, keys, invitations, metrics, journal, knowledge);
        ReplyBody.ServerInfo info = new ReplyBody.ServerInfo("tierline", version, Protocol.VERSION);
        RelayInitializer initializer = new RelayInitializer(config.hardFrameLimit(),
                new AddressLimiter(config.connectionsPerAddress(), metrics), tls, config.pingInterval().toMillis(),
                new OriginGuard(config.allowedOrigins(), Protocol.WEBSOCKET_PATH),
                () -> new HttpRouteHandler(hub::sessionCount, api, observability::scrape, this::notReadyBecause),
                () -> new FrameHandler(config, authenticator, hub, info, metrics, keyGuesses));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new io.netty.channel.ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channels.add(channel);
                        channel.pipeline().addLast(initializer);
                    }
                });
        try {
            serverChannel = bootstrap.bind(config.host(), config.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            shutdownGroups();
            throw e;
        }
        registerGauges(observability.registry());
    }

    private void registerGauges(MeterRegistry registry) {
        Gauge.builder("tierline.connections.open", channels, ChannelGroup::size)
                .description("open client connections (WebSocket and HTTP)").register(registry);
        Gauge.builder("tierline.outbound.bytes", channels, RelayServer::unsentBytes)
                .description("bytes queued for clients and not yet written to their sockets").register(registry);
        for (SessionState.Status status : SessionState.Status.values()) {
            if (status != SessionState.Status.NEW && status != SessionState.Status.ENDED) {
                Gauge.builder("tierline.sessions", hub, h -> h.sessionsIn(status))
                        .tag("state", status.name().toLowerCase(java.util.Locale.ROOT))
                        .description("open sessions on this node, by state").register(registry);
            }
        }
        Gauge.builder("tierline.participants", hub, h -> h.participants(Actor::isEndUser))
                .tags("role", "end_user", "tier", "none").description("participants present, by role and tier")
                .register(registry);
        for (Tier tier : Tier.values()) {
            Gauge.builder("tierline.participants", hub, h -> h.participants(a -> a.isTechnician() && a.tier() == tier))
                    .tags("role", "technician", "tier", tier.name()).description("participants present, by role and tier")
                    .register(registry);
        }
    }

    private static double unsentBytes(ChannelGroup channels) {
        long total = 0;
        for (Channel channel : channels) {
            var buffer = channel.unsafe().outboundBuffer();
            total += buffer == null ? 0 : buffer.totalPendingWriteBytes();
        }
        return total;
    }

    /** Why this node should not get new clients now, or {@code null} when it should. */
    public String notReadyBecause() {
        if (!accepting) {
            return "shutting down";
        }
        return journal.isHealthy() ? null : "the journal cannot write";
    }

    /** Stops taking connections; the ones open stay until {@link #close()}. */
    public void stopAccepting() {
        accepting = false;
        serverChannel.close().syncUninterruptibly();
    }

    /** Ends every live session as interrupted by the shutdown, recorded and sealed. */
    public java.util.concurrent.CompletableFuture<Void> endSessions() {
        return hub.shutDownSessions();
    }

    /** @param tls the server's TLS context, or {@code null} for plain ws:// and http:// */
    public static RelayServer start(ServerConfig config, SslContext tls, Authenticator authenticator, SessionKeys keys,
                                    InvitationRegistry invitations, Journal journal, KnowledgeBase knowledge,
                                    HttpApi api, Observability observability, String version)
            throws InterruptedException {
        return new RelayServer(config, tls, authenticator, keys, invitations, journal, knowledge, api, observability,
                version);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Which of Netty's transports the event loops run on. */
    public Transport transport() {
        return transport;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public int sessionCount() {
        return hub.sessionCount();
    }

    /** Stops accepting, tells every client the server is going (a reconnectable close), and stops the loops. */
    @Override
    public void close() {
        accepting = false;
        serverChannel.close().syncUninterruptibly();
        channels.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(),
                "server shutting down"), ch -> ch.pipeline().get(HandlerNames.FRAMES) != null)
                .awaitUninterruptibly(2, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdownGroups();
    }

    private void shutdownGroups() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
