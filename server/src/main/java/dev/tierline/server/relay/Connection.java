package dev.tierline.server.relay;

import dev.tierline.server.security.Principal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.AttributeKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of one client connection, kept as a channel attribute. Writes may come from any
 * session's event loop; pointer coalescing state is touched only on the channel's own loop.
 */
final class Connection {
    private static final AttributeKey<Connection> KEY = AttributeKey.valueOf(Connection.class, "connection");

    private final Channel channel;
    private final long slowReaderBytes;
    private final RelayMetrics metrics;
    private volatile Principal principal;
    /** Sessions this connection has joined, by id. */
    final Map<String, SessionRuntime> sessions = new ConcurrentHashMap<>();
    /** Frames sent from other threads, waiting for the channel's loop to write them (see {@link #send}). */
    private final java.util.Queue<ByteBuf> inbox = io.netty.util.internal.PlatformDependent.newMpscQueue();
    private final java.util.concurrent.atomic.AtomicLong inboxBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    /** Newest unsent pointer frame per sender while the channel is not writable (channel loop only). */
    private final Map<String, ByteBuf> pendingPointers = new HashMap<>();
    int consecutiveErrors;
    /** Frames this connection may send (channel loop only); set once it is a WebSocket. */
    TokenBucket rate;
    /** Set once an HTTP request was served: an API client, not a slow-loris. */
    volatile boolean servedHttp;
    private volatile boolean webSocket;
    private volatile boolean closing;

    private Connection(Channel channel, long slowReaderBytes, RelayMetrics metrics) {
        this.channel = channel;
        this.slowReaderBytes = slowReaderBytes;
        this.metrics = metrics;
    }

    static Connection attach(Channel channel, long slowReaderBytes, RelayMetrics metrics) {
        Connection connection = new Connection(channel, slowReaderBytes, metrics);
        channel.attr(KEY).set(connection);
        return connection;
    }

    static Connection of(Channel channel) {
        return channel.attr(KEY).get();
    }

    Channel channel() {
        return channel;
    }

    Principal principal() {
        return principal;
    }

    void authenticated(Principal principal) {
        this.principal = principal;
    }

    java.net.InetAddress remoteAddress() {
        return channel.remoteAddress() instanceof java.net.InetSocketAddress remote ? remote.getAddress() : null;
    }

    boolean isWebSocket() {
        return webSocket;
    }

    void upgraded(TokenBucket rate) {
        this.rate = rate;
        this.webSocket = true;
    }

    boolean isAuthenticated() {
        return principal != null;
    }

    String participantId() {
        return principal.actor().id();
    }

    /**
     * Queues a frame that must not be dropped. The buffer's reference passes to this method. A
     * reader so slow that its unsent bytes pass the high-water mark is closed, to resume later.
     */
    void send(ByteBuf frame) {
        if (closing) {
            frame.release();
            return;
        }
        if (!channel.isWritable()) {
            long unsent = channel.bytesBeforeWritable();
            if (unsent == Long.MAX_VALUE) {
                // no outbound buffer: the channel is closing (a broken network, from another loop
                // perhaps), which is no slow reader; nothing can be written to it any more
                frame.release();
                return;
            }
            if (unsent + inboxBytes.get() > slowReaderBytes) {
                frame.release();
                metrics.slowReadersClosed.increment();
                close(WebSocketCloseStatus.TRY_AGAIN_LATER, "slow reader");
                return;
            }
        }
        // Every frame is queued, from this channel's loop as from any other, and the channel's loop
        // writes all that is queued in one task with one flush. A fan-out, a burst of reads or the
        // journal's completions thus cost one wake-up and one syscall per connection per burst, not
        // one per frame; and one queue keeps the frames in the order they were sent.
        inboxBytes.addAndGet(frame.readableBytes());
        inbox.offer(frame);
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(this::drainInbox);
        }
    }

    private void drainInbox() {
        drainScheduled.set(false);
        if (writeInbox()) {
            channel.flush();
        }
    }

    /** Writes what other threads queued, in their order, on the channel's loop; true if anything was. */
    private boolean writeInbox() {
        boolean wrote = false;
        for (ByteBuf frame; (frame = inbox.poll()) != null; ) {
            inboxBytes.addAndGet(-frame.readableBytes());
            if (!channel.isActive()) { // frames queued before a close still go out ahead of its close frame
                frame.release();
            } else {
                channel.write(new TextWebSocketFrame(frame), channel.voidPromise());
                wrote = true;
            }
        }
        return wrote;
    }

    /**
     * Sends a pointer move, which may be dropped: while the channel cannot take more, only the
     * newest position per sender is kept and written when it drains.
     */
    void sendPointer(String from, ByteBuf frame) {
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) { // frames queued before a close still go out ahead of its close frame
                frame.release();
            } else if (channel.isWritable() && pendingPointers.isEmpty()) {
                channel.writeAndFlush(new TextWebSocketFrame(frame), channel.voidPromise());
            } else {
                ByteBuf older = pendingPointers.put(from, frame);
                if (older != null) {
                    older.release();
                    metrics.pointersCoalesced.increment();
                }
            }
        });
    }

    /** Called on the channel's loop when it becomes writable again. */
    void drainPointers() {
        if (!channel.isWritable() || pendingPointers.isEmpty()) {
            return;
        }
        for (ByteBuf frame : pendingPointers.values()) {
            channel.write(new TextWebSocketFrame(frame), channel.voidPromise());
        }
        pendingPointers.clear();
        channel.flush();
    }

    /** Called on the channel's loop when it closes. */
    void releasePending() {
        pendingPointers.values().forEach(ByteBuf::release);
        pendingPointers.clear();
        for (ByteBuf frame; (frame = inbox.poll()) != null; ) {
            frame.release();
        }
    }

    void close(WebSocketCloseStatus status, String reason) {
        close(status.code(), reason);
    }

    void close(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        CloseWebSocketFrame frame = new CloseWebSocketFrame(code, fitCloseReason(reason));
        if (channel.eventLoop().inEventLoop()) {
            closeAfterQueued(frame);
        } else {
            try {
                channel.eventLoop().execute(() -> closeAfterQueued(frame));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                frame.release(); // the loop has stopped: the server is going down and the channel with it
            }
        }
    }

    /** Frames queued before the close go out ahead of its close frame, never after it. */
    private void closeAfterQueued(CloseWebSocketFrame frame) {
        writeInbox();
        channel.writeAndFlush(frame, channel.voidPromise());
        // Closed through the WebSocket handler, which closes the connection once the close frame is
        // written, or after its forceCloseTimeoutMillis when a reader that takes nothing keeps it
        // from being written. Closing on the write's completion alone held such a connection open
        // for as long as its reader stalled: on the epoll transport that write never completes.
        channel.close();
    }

    /** A close frame's reason is at most 123 bytes of UTF-8 (RFC 6455, 5.5). */
    static String fitCloseReason(String reason) {
        byte[] utf8 = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (utf8.length <= 123) {
            return reason;
        }
        int end = 120;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--; // do not cut a character in half
        }
        return new String(utf8, 0, end, java.nio.charset.StandardCharsets.UTF_8) + "...";
    }
}
