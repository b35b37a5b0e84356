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
import dev.tierline.server.security.KeyGuessLimiter;
import dev.tierline.server.security.Principal;
import java.net.InetAddress;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
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
    private final KeyGuessLimiter keyGuesses;

    FrameHandler(ServerConfig config, Authenticator authenticator, SessionHub hub, ReplyBody.ServerInfo serverInfo,
                 RelayMetrics metrics, KeyGuessLimiter keyGuesses) {
        this.config = config;
        this.authenticator = authenticator;
        this.hub = hub;
        this.serverInfo = serverInfo;
        this.metrics = metrics;
        this.keyGuesses = keyGuesses;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Connection.attach(ctx.channel(), config.outboundHighWaterBytes(), metrics);
    }

    /**
     * From the first byte, a connection has the hello timeout to prove itself: authenticate on
     * the WebSocket, or be an HTTP client that sent a whole request. Slow-loris connections that
     * trickle an HTTP head or never say hello are closed here.
     */
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.executor().schedule(() -> {
            Connection connection = Connection.of(ctx.channel());
            if (!ctx.channel().isActive() || connection.isAuthenticated() || connection.servedHttp) {
                return;
            }
            if (connection.isWebSocket()) {
                connection.close(ErrorCode.UNAUTHENTICATED.closeCode(), "no hello within "
                        + config.helloTimeout().toSeconds() + "s");
            } else {
                ctx.close();
            }
        }, config.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            metrics.connections.increment();
            Connection.of(ctx.channel()).upgraded(
                    new TokenBucket(config.messagesPerSecond(), config.messageBurst(), System.nanoTime()));
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
        if (!Utf8Text.isValid(frame.content())) {
            // RFC 6455 8.1: a text frame that is not UTF-8 fails the connection, with 1007
            connection.close(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "bytes are not UTF-8");
            return;
        }
        int size = frame.content().readableBytes();
        if (size > config.maxFrameBytes()) {
            refuse(connection, ErrorReply.of(null, ErrorCode.TOO_LARGE,
                    "frame of " + size + " bytes is over the limit of " + config.maxFrameBytes()));
            return;
        }
        DecodeResult result = hub.codec().decodeCommand(new ByteBufInputStream(frame.content()));
        if (!connection.rate.tryTake(System.nanoTime())) {
            rateLimited(connection, result instanceof DecodeResult.Decoded decoded ? decoded.command().id() : null);
            return;
        }
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

    /** Over the rate: refused, and closed when the client keeps it up instead of slowing down. */
    private void rateLimited(Connection connection, String commandId) {
        metrics.rateLimited.increment();
        if (connection.rate.refusedSinceFull() >= config.rateLimitedBeforeClose()) {
            connection.close(ErrorCode.RATE_LIMITED.closeCode(), "rate limit exceeded repeatedly");
            return;
        }
        connection.send(hub.error(ErrorReply.of(commandId, ErrorCode.RATE_LIMITED,
                "over " + config.messagesPerSecond() + " messages per second; slow down")));
    }

    private void hello(Connection connection, Command command) {
        if (connection.isAuthenticated()) {
            refuse(connection, ErrorReply.of(command.id(), ErrorCode.CONFLICT, "already authenticated"));
            return;
        }
        CommandBody.Hello hello = (CommandBody.Hello) command.body();
        boolean withKey = hello.key() != null && !hello.key().isBlank();
        InetAddress address = connection.remoteAddress();
        if (withKey && address != null && !keyGuesses.mayTry(address)) {
            metrics.rateLimited.increment();
            connection.send(hub.error(ErrorReply.of(command.id(), ErrorCode.RATE_LIMITED,
                    "too many wrong session keys from this address; wait a minute")));
            connection.close(ErrorCode.RATE_LIMITED.closeCode(), "too many wrong session keys");
            return;
        }
        Principal principal;
        try {
            principal = authenticator.authenticate(hello);
        } catch (AuthenticationException e) {
            if (withKey && address != null) {
                keyGuesses.wrongKey(address);
            }
            connection.send(hub.error(ErrorReply.of(command.id(), ErrorCode.UNAUTHENTICATED,
                    e.getMessage())));
            connection.close(ErrorCode.UNAUTHENTICATED.closeCode(), "unauthenticated: " + e.getMessage());
            return;
        }
        connection.authenticated(principal);
        ReplyBody.Welcome welcome = new ReplyBody.Welcome(principal.actor(), serverInfo,
                new ReplyBody.Limits(config.maxFrameBytes(), config.maxParticipants(), config.messagesPerSecond()));
        connection.send(hub.wrap(hub.codec().encode(Reply.welcome(command.id(), welcome))));
        log.debug("hello participant={} role={} tier={}", principal.actor().id(), principal.actor().role().wire(),
                principal.actor().tier());
    }

    /** Answers a bad frame; a long run of them is a broken or hostile client, and is closed. */
    private void refuse(Connection connection, ErrorReply error) {
        connection.send(hub.error(error));
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
        if (cause instanceof java.io.IOException || cause instanceof io.netty.handler.codec.DecoderException) {
            // the peer went away, or sent bytes the HTTP, TLS or WebSocket codec refused: its problem
            log.debug("closing connection after {}", cause.toString());
        } else {
            metrics.handlerExceptions.increment();
            log.warn("closing connection after an unexpected exception", cause);
        }
        ctx.close();
    }
}
