package dev.tierline.server.relay;

import dev.tierline.protocol.CodecLimits;
import dev.tierline.protocol.Protocol;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.http.HttpApi;
import dev.tierline.server.recording.Journal;
import dev.tierline.server.security.Authenticator;
import dev.tierline.server.security.InvitationRegistry;
import dev.tierline.server.security.KeyGuessLimiter;
import io.netty.handler.ssl.SslContext;
import dev.tierline.server.security.SessionKeys;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
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
    private final RelayMetrics metrics = new RelayMetrics();

    private RelayServer(ServerConfig config, SslContext tls, Authenticator authenticator, SessionKeys keys,
                        InvitationRegistry invitations, Journal journal, HttpApi api, String version)
            throws InterruptedException {
        int threads = config.ioThreads() == 0 ? 2 * Runtime.getRuntime().availableProcessors() : config.ioThreads();
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        ProtocolCodec codec = ProtocolCodec.create(new CodecLimits(config.maxJsonDepth(), config.maxStringLength()));
        KeyGuessLimiter keyGuesses = new KeyGuessLimiter(config.keyGuessesPerMinute());
        hub = new SessionHub(config, codec, loopsOf(workers), keys, invitations, metrics, journal);
        ReplyBody.ServerInfo info = new ReplyBody.ServerInfo("tierline", version, Protocol.VERSION);
        RelayInitializer initializer = new RelayInitializer(config.hardFrameLimit(),
                new AddressLimiter(config.connectionsPerAddress(), metrics), tls, config.pingInterval().toMillis(),
                new OriginGuard(config.allowedOrigins(), Protocol.WEBSOCKET_PATH),
                () -> new HttpRouteHandler(hub::sessionCount, api),
                () -> new FrameHandler(config, authenticator, hub, info, metrics, keyGuesses));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
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
    }

    /** @param tls the server's TLS context, or {@code null} for plain ws:// and http:// */
    public static RelayServer start(ServerConfig config, SslContext tls, Authenticator authenticator, SessionKeys keys,
                                    InvitationRegistry invitations, Journal journal, HttpApi api, String version)
            throws InterruptedException {
        return new RelayServer(config, tls, authenticator, keys, invitations, journal, api, version);
    }

    private static EventLoop[] loopsOf(EventLoopGroup group) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : group) {
            loops.add((EventLoop) executor);
        }
        return loops.toArray(EventLoop[]::new);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
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
