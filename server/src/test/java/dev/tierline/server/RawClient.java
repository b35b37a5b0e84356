package dev.tierline.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A bare WebSocket client for tests that must see the wire itself: malformed frames, exactly which
 * bytes reach whom, and close codes. Every received text frame is kept, parsed, in arrival order.
 */
public final class RawClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final List<JsonNode> received = new ArrayList<>();
    private final Map<String, Integer> countsByType = new HashMap<>();
    private JsonNode lastReceived;
    private final CompletableFuture<CloseWebSocketFrame> closed = new CompletableFuture<>();
    private int nextId;

    private RawClient(URI uri, int receiveBuffer) throws InterruptedException {
        this(uri, receiveBuffer, null, new DefaultHttpHeaders());
    }

    private RawClient(URI uri, int receiveBuffer, SslContext tls, HttpHeaders headers) throws InterruptedException {
        CompletableFuture<Void> handshake = new CompletableFuture<>();
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .customHeaders(headers)
                .maxFramePayloadLength(16 * 1024 * 1024)
                .handleCloseFrames(false)
                .build();
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(io.netty.channel.ChannelOption.SO_RCVBUF, receiveBuffer)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(16 * 1024 * 1024),
                                new SimpleChannelInboundHandler<WebSocketFrame>() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                                            handshake.complete(null);
                                        }
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame)
                                            throws IOException {
                                        if (frame instanceof TextWebSocketFrame text) {
                                            JsonNode node = JSON.readTree(text.text());
                                            synchronized (received) {
                                                received.add(node);
                                                countsByType.merge(node.path("type").asText(), 1, Integer::sum);
                                                lastReceived = node;
                                            }
                                        } else if (frame instanceof CloseWebSocketFrame close) {
                                            closed.complete(close.retainedDuplicate());
                                            ctx.close();
                                        }
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        handshake.completeExceptionally(cause); // a refused upgrade says why
                                        ctx.close();
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        closed.complete(null);
                                        handshake.completeExceptionally(new IOException("closed before handshake"));
                                    }
                                });
                    }
                })
                .connect(uri.getHost(), uri.getPort()).sync().channel();
        try {
            handshake.orTimeout(10, TimeUnit.SECONDS).join();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Connects with extra upgrade headers ({@code Origin}, say) and, for {@code wss://}, a TLS context. */
    public static RawClient connect(URI uri, SslContext tls, HttpHeaders headers) throws InterruptedException {
        return new RawClient(uri, 64 * 1024, tls, headers);
    }

    public static RawClient connect(URI uri) throws InterruptedException {
        return new RawClient(uri, 64 * 1024);
    }

    /** A client whose socket buffers little, so that when it stops reading the server sees it at once. */
    public static RawClient connectWithSmallBuffer(URI uri) throws InterruptedException {
        return new RawClient(uri, 4 * 1024);
    }

    public void sendText(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
    }

    /** Queues a frame without waiting; call {@link #flush()} after a batch. */
    public void write(String text) {
        channel.write(new TextWebSocketFrame(text), channel.voidPromise());
    }

    public void flush() {
        channel.flush();
    }

    /** Stops reading from the socket, as a frozen or overloaded client would. */
    public void stopReading() {
        channel.config().setAutoRead(false);
    }

    public void sendBinary(byte[] bytes) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
    }

    /** Sends a command and waits for the reply to it (ack, welcome or error). */
    public JsonNode command(String type, String session, Object body) {
        String id = nextId();
        sendText(envelope(id, type, session, body));
        return awaitReply(id);
    }

    public synchronized String nextId() {
        return "c-" + (++nextId);
    }

    public static String envelope(String id, String type, String session, Object body) {
        var envelope = JSON.createObjectNode().put("v", 1).put("id", id).put("type", type);
        if (session != null) {
            envelope.put("session", session);
        }
        envelope.set("body", JSON.valueToTree(body));
        return envelope.toString();
    }

    public JsonNode awaitReply(String id) {
        return awaitMessage(m -> id.equals(m.path("re").asText(null)));
    }

    public JsonNode hello(String token) {
        return command("hello", null, java.util.Map.of("token", token));
    }

    /** Waits for a received message matching {@code match}, keeping earlier ones. */
    public JsonNode awaitMessage(Predicate<JsonNode> match) {
        return await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).until(
                () -> received().stream().filter(match).findFirst().orElse(null), m -> m != null);
    }

    public int count(String type) {
        synchronized (received) {
            return countsByType.getOrDefault(type, 0);
        }
    }

    public JsonNode last() {
        synchronized (received) {
            return lastReceived;
        }
    }

    public JsonNode awaitEvent(String type) {
        return awaitMessage(m -> type.equals(m.path("type").asText()));
    }

    public List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<JsonNode> receivedOfType(String type) {
        return received().stream().filter(m -> type.equals(m.path("type").asText())).toList();
    }

    /** The close frame the server sent, once the connection has closed ({@code null} if it just dropped). */
    public CloseWebSocketFrame awaitClose() {
        return closed.orTimeout(10, TimeUnit.SECONDS).join();
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public Channel channel() {
        return channel;
    }

    public void resumeReading() {
        channel.config().setAutoRead(true);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
