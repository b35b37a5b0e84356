package dev.tierline.bench;

import dev.tierline.server.relay.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The floor: what any Netty WebSocket relay can do on this machine with no protocol, no recording
 * and no checks. A connection's first frame names its session ({@code join:<id>}); every later
 * frame goes, as the same bytes, to every other connection of that session.
 */
public final class FloorRelay {
    private static final AttributeKey<ChannelGroup> SESSION = AttributeKey.valueOf("session");

    private FloorRelay() {
    }

    public static void main(String[] args) throws InterruptedException {
        // as Tierline's server runs (its Launcher): without the leak detector's sampled stack traces
        System.getProperties().putIfAbsent("io.netty.leakDetection.level", "disabled");
        int port = Integer.parseInt(args[0]);
        // the transport Tierline's server would take here (its ioTransport=auto), unless BENCH_FLOOR_TRANSPORT=nio
        Transport transport = Transport.choose("nio".equals(System.getenv("BENCH_FLOOR_TRANSPORT")) ? "nio" : "auto");
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlers());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2 * Runtime.getRuntime().availableProcessors(),
                transport.ioHandlers());
        Map<String, ChannelGroup> sessions = new ConcurrentHashMap<>();
        Channel server = new ServerBootstrap().group(boss, workers).channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/ws"),
                                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                                        ChannelGroup group = ctx.channel().attr(SESSION).get();
                                        if (group == null) {
                                            group = sessions.computeIfAbsent(frame.text().substring(5),
                                                    id -> new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
                                            group.add(ctx.channel());
                                            ctx.channel().attr(SESSION).set(group);
                                            return;
                                        }
                                        for (Channel other : group) {
                                            if (other != ctx.channel()) {
                                                other.writeAndFlush(frame.retainedDuplicate(), other.voidPromise());
                                            }
                                        }
                                    }
                                });
                    }
                }).bind("127.0.0.1", port).sync().channel();
        System.out.println("floor relay listening on ws://127.0.0.1:" + port + "/ws (" + transport.label() + ")");
        System.out.flush();
        server.closeFuture().sync();
    }
}
