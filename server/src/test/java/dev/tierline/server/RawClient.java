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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
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
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseWebSocketFrame> closed = new CompletableFuture<>();
    private int nextId;

    public RawClient(URI uri, boolean autoRead) throws InterruptedException {
        CompletableFuture<Void> handshake = new CompletableFuture<>();
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(16 * 1024 * 1024)
                .handleCloseFrames(false)
                .build();
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(io.netty.channel.ChannelOption.AUTO_READ, autoRead)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
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
                                            received.add(node);
                                            inbox.add(node);
                                        } else if (frame instanceof CloseWebSocketFrame close) {
                                            closed.complete(close.retainedDuplicate());
                                            ctx.close();
                                        }
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
        if (autoRead) {
            handshake.orTimeout(10, TimeUnit.SECONDS).join();
        } else {
            channel.read(); // the handshake response must be read even when the test holds back reading
            handshake.orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    public static RawClient connect(URI uri) throws InterruptedException {
        return new RawClient(uri, true);
    }

    public void sendText(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
    }

    public void sendBinary(byte[] bytes) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
    }

    /** Sends a command and waits for the reply to it (ack, welcome or error). */
    public JsonNode command(String type, String session, Object body) {
        String id = "c-" + (++nextId);
        ObjectMapper mapper = JSON;
        var envelope = mapper.createObjectNode().put("v", 1).put("id", id).put("type", type);
        if (session != null) {
            envelope.put("session", session);
        }
        envelope.set("body", mapper.valueToTree(body));
        sendText(envelope.toString());
        return awaitMessage(m -> id.equals(m.path("re").asText(null)));
    }

    public JsonNode hello(String token) {
        return command("hello", null, java.util.Map.of("token", token));
    }

    /** Waits for a received message matching {@code match}, keeping earlier ones. */
    public JsonNode awaitMessage(Predicate<JsonNode> match) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> received.stream().filter(match).findFirst().orElse(null), m -> m != null);
    }

    public JsonNode awaitEvent(String type) {
        return awaitMessage(m -> type.equals(m.path("type").asText()));
    }

    public List<JsonNode> received() {
        return received;
    }

    public List<JsonNode> receivedOfType(String type) {
        return received.stream().filter(m -> type.equals(m.path("type").asText())).toList();
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

    public void read() {
        channel.config().setAutoRead(true);
    }

    public static String text(JsonNode node) {
        return node.toString();
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
