package dev.tierline.server.relay;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Follows an {@link io.netty.handler.timeout.IdleStateHandler} at the byte level, so any read
 * (a pong included) counts as life. A WebSocket silent for one interval is pinged; silent for
 * another, it is closed. A plain HTTP connection idle for an interval is simply closed.
 */
final class IdleGuard extends ChannelDuplexHandler {
    private boolean pinged;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        pinged = false;
        super.channelRead(ctx, msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (!(event instanceof IdleStateEvent idle) || idle.state() != IdleState.READER_IDLE) {
            super.userEventTriggered(ctx, event);
            return;
        }
        Connection connection = Connection.of(ctx.channel());
        if (connection == null || !connection.isWebSocket()) {
            ctx.close();
        } else if (pinged) {
            connection.close(1001, "idle timeout: no answer to ping");
        } else {
            pinged = true;
            // From the tail, so the WebSocket encoder after this handler frames it.
            ctx.channel().writeAndFlush(new PingWebSocketFrame());
        }
    }
}
