package dev.tierline.server.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Browsers send {@code Origin} with a WebSocket upgrade and let any page open one; this refuses
 * upgrades from pages other than the server's own and the configured allow-list, so a hostile page
 * cannot ride a technician's browser into a session. Clients that are not browsers send no
 * {@code Origin} and are not affected.
 */
@ChannelHandler.Sharable
final class OriginGuard extends ChannelInboundHandlerAdapter {
    private final List<String> allowed;
    private final boolean any;
    private final String wsPath;

    OriginGuard(List<String> allowedOrigins, String wsPath) {
        this.allowed = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT).replaceAll("/+$", "")).toList();
        this.any = allowed.contains("*");
        this.wsPath = wsPath;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest request && request.uri().startsWith(wsPath)) {
            String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            if (origin != null && !allowed(origin, request.headers().get(HttpHeaderNames.HOST))) {
                ReferenceCountUtil.release(msg);
                byte[] body = ("{\"code\":\"forbidden\",\"message\":\"origin not allowed\"}").getBytes(StandardCharsets.UTF_8);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN,
                        Unpooled.wrappedBuffer(body));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        super.channelRead(ctx, msg);
    }

    boolean allowed(String origin, String host) {
        String normalized = origin.toLowerCase(Locale.ROOT);
        if (any || allowed.contains(normalized)) {
            return true;
        }
        try {
            URI uri = URI.create(normalized);
            if (host == null || uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            String authority = uri.getHost() + ":" + port;
            String hostHeader = host.toLowerCase(Locale.ROOT);
            // Same origin: the page came from this very server (the console), whatever its address.
            return hostHeader.equals(authority) || (hostHeader + ":" + port).equals(authority);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
