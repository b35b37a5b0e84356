package dev.tierline.server.relay;

import dev.tierline.protocol.Protocol;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Builds every connection's pipeline, in one place, from named handlers. */
final class RelayInitializer extends ChannelInitializer<SocketChannel> {
    private static final int MAX_HTTP_REQUEST_BYTES = 64 * 1024;

    private final int hardFrameLimit;
    private final AddressLimiter addressLimiter;
    private final SslContext tls;
    private final long pingIntervalMillis;
    private final OriginGuard originGuard;
    private final Supplier<HttpRouteHandler> routes;
    private final Supplier<FrameHandler> frames;

    RelayInitializer(int hardFrameLimit, AddressLimiter addressLimiter, SslContext tls, long pingIntervalMillis,
                     OriginGuard originGuard, Supplier<HttpRouteHandler> routes, Supplier<FrameHandler> frames) {
        this.hardFrameLimit = hardFrameLimit;
        this.addressLimiter = addressLimiter;
        this.tls = tls;
        this.pingIntervalMillis = pingIntervalMillis;
        this.originGuard = originGuard;
        this.routes = routes;
        this.frames = frames;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        WebSocketServerProtocolConfig websocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(Protocol.WEBSOCKET_PATH)
                .checkStartsWith(true)
                .handshakeTimeoutMillis(10_000)
                // Netty's default, said here because the protocol README promises it: a close frame
                // stuck behind a reader that stopped reading is given up on, and the connection with it
                .forceCloseTimeoutMillis(10_000)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(hardFrameLimit)
                        .allowExtensions(false)
                        // checked on whole messages by FrameHandler (Utf8Text), much faster for chat
                        .withUTF8Validator(false)
                        .build())
                .build();
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(HandlerNames.ADDRESS_LIMIT, addressLimiter);
        if (tls != null) {
            pipeline.addLast(HandlerNames.TLS, tls.newHandler(channel.alloc()));
        }
        pipeline.addLast(HandlerNames.IDLE, new IdleStateHandler(pingIntervalMillis, 0, 0, TimeUnit.MILLISECONDS));
        pipeline.addLast(HandlerNames.IDLE_GUARD, new IdleGuard());
        pipeline.addLast(HandlerNames.HTTP_CODEC, new HttpServerCodec());
        pipeline.addLast(HandlerNames.HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
        pipeline.addLast(HandlerNames.ORIGIN, originGuard);
        pipeline.addLast(HandlerNames.WEBSOCKET, new WebSocketServerProtocolHandler(websocket));
        pipeline.addLast(HandlerNames.HTTP_ROUTES, routes.get());
        pipeline.addLast(HandlerNames.FRAME_AGGREGATOR, new WebSocketFrameAggregator(hardFrameLimit));
        pipeline.addLast(HandlerNames.FRAMES, frames.get());
    }
}
