package dev.tierline.server.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import dev.tierline.server.http.HttpApi;
import dev.tierline.server.http.StaticFiles;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Plain HTTP on the WebSocket port: {@code /healthz} (alive), {@code /readyz} (should get clients),
 * {@code /metrics} (Prometheus), the browser console under {@code /console/}, and {@code /api/*}
 * handed to the {@link HttpApi}.
 */
final class HttpRouteHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final IntSupplier sessions;
    private final HttpApi api;
    private final Supplier<String> metrics;
    private final Supplier<String> notReadyBecause;
    private static final StaticFiles console = new StaticFiles("console");

    HttpRouteHandler(IntSupplier sessions, HttpApi api, Supplier<String> metrics, Supplier<String> notReadyBecause) {
        this.sessions = sessions;
        this.api = api;
        this.metrics = metrics;
        this.notReadyBecause = notReadyBecause;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Connection.of(ctx.channel()).servedHttp = true;
        String path = new QueryStringDecoder(request.uri()).path();
        if (api.handles(path)) {
            api.handle(ctx, request);
            return;
        }
        FullHttpResponse response;
        boolean get = request.method().equals(HttpMethod.GET);
        if (path.equals("/healthz") && get) {
            response = json(HttpResponseStatus.OK, "{\"status\":\"ok\",\"sessions\":" + sessions.getAsInt() + "}");
        } else if (path.equals("/readyz") && get) {
            String reason = notReadyBecause.get();
            response = reason == null ? json(HttpResponseStatus.OK, "{\"status\":\"ready\"}")
                    : json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"not ready\",\"reason\":\"" + reason + "\"}");
        } else if (path.equals("/metrics") && get) {
            // A scrape walks every session and connection for the gauges: not on an event loop,
            // where it would hold up every session that loop runs.
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            CompletableFuture.supplyAsync(metrics).whenComplete((text, error) -> send(ctx, keepAlive, error != null
                    ? json(HttpResponseStatus.INTERNAL_SERVER_ERROR, "{\"code\":\"internal\",\"message\":\"scrape failed\"}")
                    : text(text)));
            return;
        } else if ((path.equals("/") || path.equals("/console")) && get) {
            response = new DefaultFullHttpResponse(request11(), HttpResponseStatus.FOUND);
            response.headers().set(HttpHeaderNames.LOCATION, "/console/");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        } else if (path.startsWith("/console/") && get) {
            StaticFiles.File file = console.get(path.substring("/console/".length()));
            if (file == null) {
                response = json(HttpResponseStatus.NOT_FOUND, "{\"code\":\"not_found\",\"message\":\"no such file\"}");
            } else {
                response = new DefaultFullHttpResponse(request11(), HttpResponseStatus.OK, Unpooled.wrappedBuffer(file.bytes()));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, file.contentType());
                response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
                response.headers().set("X-Content-Type-Options", "nosniff");
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, file.bytes().length);
            }
        } else if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics")) {
            response = json(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "{\"code\":\"bad_request\",\"message\":\"use GET\"}");
        } else {
            response = json(HttpResponseStatus.NOT_FOUND,
                    "{\"code\":\"not_found\",\"message\":\"no route " + path.replace("\"", "") + "\"}");
        }
        send(ctx, HttpUtil.isKeepAlive(request), response);
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setKeepAlive(response, keepAlive);
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse text(String prometheus) {
        FullHttpResponse response = new DefaultFullHttpResponse(request11(), HttpResponseStatus.OK,
                Unpooled.copiedBuffer(prometheus, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(request11(), status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static io.netty.handler.codec.http.HttpVersion request11() {
        return io.netty.handler.codec.http.HttpVersion.HTTP_1_1;
    }
}
