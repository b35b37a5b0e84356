package dev.tierline.server.relay;

import dev.tierline.protocol.Command;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.CommandType;
import dev.tierline.protocol.DecodeResult;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.ErrorReply;
import dev.tierline.protocol.Reply;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.security.AuthenticationException;
import dev.tierline.server.security.Authenticator;
import dev.tierline.server.security.Principal;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads protocol frames: checks size, decodes, holds everything but {@code hello} back until the
 * connection is authenticated, and hands commands to the {@link SessionHub}. Every bad frame is
 * answered with an error; only authentication failure or a run of errors closes the connection.
 */
final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(FrameHandler.class);

    private final ServerConfig config;
    private final Authenticator authenticator;
    private final SessionHub hub;
    private final ReplyBody.ServerInfo serverInfo;
    private final RelayMetrics metrics;

    FrameHandler(ServerConfig config, Authenticator authenticator, SessionHub hub, ReplyBody.ServerInfo serverInfo,
                 RelayMetrics metrics) {
        this.config = config;
        this.authenticator = authenticator;
        this.hub = hub;
        this.serverInfo = serverInfo;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Connection.attach(ctx.channel(), config.outboundHighWaterBytes(), metrics);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            metrics.connections.increment();
            ctx.executor().schedule(() -> {
                Connection connection = Connection.of(ctx.channel());
                if (!connection.isAuthenticated() && ctx.channel().isActive()) {
                    connection.close(ErrorCode.UNAUTHENTICATED.closeCode(), "no hello within "
                            + config.helloTimeout().toSeconds() + "s");
                }
            }, config.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        Connection connection = Connection.of(ctx.channel());
        if (!(frame instanceof TextWebSocketFrame)) {
            refuse(connection, ErrorReply.of(null, ErrorCode.BAD_REQUEST, "only text frames carry the protocol"));
            return;
        }
        int size = frame.content().readableBytes();
        if (size > config.maxFrameBytes()) {
            refuse(connection, ErrorReply.of(null, ErrorCode.TOO_LARGE,
                    "frame of " + size + " bytes is over the limit of " + config.maxFrameBytes()));
            return;
        }
        DecodeResult result = hub.codec().decodeCommand(new ByteBufInputStream(frame.content()));
        if (result instanceof DecodeResult.Rejected rejected) {
            refuse(connection, rejected.toReply());
            return;
        }
        Command command = ((DecodeResult.Decoded) result).command();
        if (command.type() == CommandType.HELLO) {
            hello(connection, command);
        } else if (!connection.isAuthenticated()) {
            refuse(connection, ErrorReply.of(command.id(), ErrorCode.UNAUTHENTICATED, "say hello first"));
        } else {
            connection.consecutiveErrors = 0;
            hub.dispatch(connection, command);
        }
    }

    private void hello(Connection connection, Command command) {
        if (connection.isAuthenticated()) {
            refuse(connection, ErrorReply.of(command.id(), ErrorCode.CONFLICT, "already authenticated"));
            return;
        }
        Principal principal;
        try {
            principal = authenticator.authenticate((CommandBody.Hello) command.body());
        } catch (AuthenticationException e) {
            connection.send(hub.wrap(hub.codec().encode(ErrorReply.of(command.id(), ErrorCode.UNAUTHENTICATED,
                    e.getMessage()))));
            connection.close(ErrorCode.UNAUTHENTICATED.closeCode(), "unauthenticated: " + e.getMessage());
            return;
        }
        connection.authenticated(principal);
        ReplyBody.Welcome welcome = new ReplyBody.Welcome(principal.actor(), serverInfo,
                new ReplyBody.Limits(config.maxFrameBytes(), config.maxParticipants(), 0));
        connection.send(hub.wrap(hub.codec().encode(Reply.welcome(command.id(), welcome))));
        log.debug("hello participant={} role={} tier={}", principal.actor().id(), principal.actor().role().wire(),
                principal.actor().tier());
    }

    /** Answers a bad frame; a long run of them is a broken or hostile client, and is closed. */
    private void refuse(Connection connection, ErrorReply error) {
        metrics.errorsSent.increment();
        connection.send(hub.wrap(hub.codec().encode(error)));
        if (++connection.consecutiveErrors >= config.maxConsecutiveErrors()) {
            connection.close(error.code().closeCode(), "too many bad frames in a row");
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        Connection.of(ctx.channel()).drainPointers();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Connection connection = Connection.of(ctx.channel());
        connection.releasePending();
        if (connection.isAuthenticated()) {
            hub.connectionClosed(connection);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing connection after {}", cause.toString());
        ctx.close();
    }
}
