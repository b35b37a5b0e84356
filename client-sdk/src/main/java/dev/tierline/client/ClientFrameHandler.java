package dev.tierline.client;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** Hands what one connection receives to its client, on the client's event loop. */
final class ClientFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    /** What the client does with a connection's life. */
    interface Sink {
        void opened(ClientFrameHandler connection);

        void received(ClientFrameHandler connection, byte[] frame);

        void closedByServer(ClientFrameHandler connection, int code, String reason);

        void lost(ClientFrameHandler connection, Throwable cause);
    }

    private final Sink sink;
    private ChannelHandlerContext ctx;

    ClientFrameHandler(Sink sink) {
        this.sink = sink;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void write(byte[] frame) {
        ctx.writeAndFlush(new TextWebSocketFrame(ctx.alloc().buffer(frame.length).writeBytes(frame)), ctx.voidPromise());
    }

    void close() {
        ctx.writeAndFlush(new CloseWebSocketFrame(1000, "client closing")).addListener(f -> ctx.close());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            sink.opened(this);
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame) {
            sink.received(this, ByteBufUtil.getBytes(frame.content()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            sink.closedByServer(this, close.statusCode(), close.reasonText());
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sink.lost(this, null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
