package dev.tierline.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What {@link Connection#send} counts as a slow reader, and what it does with the frames it cannot send. */
class ConnectionSendTest {
    private final RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());

    private static ByteBuf frame() {
        return Unpooled.copiedBuffer("{\"type\":\"chat.message\"}", StandardCharsets.UTF_8);
    }

    @Test
    void aFrameForAChannelThatClosedIsReleasedAndNoSlowReaderIsCounted() {
        EmbeddedChannel channel = new EmbeddedChannel();
        Connection connection = Connection.attach(channel, 64 * 1024, metrics);
        channel.close();
        // a closed channel has no outbound buffer: it is "not writable" with Long.MAX_VALUE bytes to go
        assertThat(channel.isWritable()).isFalse();
        ByteBuf frame = frame();
        connection.send(frame);
        assertThat(frame.refCnt()).as("released").isZero();
        assertThat(metrics.slowReadersClosed()).isZero();
    }

    @Test
    void aReaderPastTheHighWaterMarkIsCountedAndClosed() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1024, 2048));
        Connection connection = Connection.attach(channel, 64 * 1024, metrics);
        // an EmbeddedChannel takes every write at flush, so hold the bytes unflushed, as a full socket would
        channel.write(Unpooled.wrappedBuffer(new byte[100 * 1024]));
        assertThat(channel.isWritable()).isFalse();
        ByteBuf frame = frame();
        connection.send(frame);
        assertThat(frame.refCnt()).as("released").isZero();
        assertThat(metrics.slowReadersClosed()).isEqualTo(1);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("closed once the close frame is out").isFalse();
        channel.finishAndReleaseAll();
    }

    /**
     * A close must not wait for its close frame to be written: for a reader that takes nothing it
     * never is. The close goes down the pipeline at once, where the WebSocket handler holds it
     * until the frame is out or its forceCloseTimeoutMillis has passed (RelayInitializer); here,
     * with no WebSocket handler, it closes the channel at once.
     */
    @Test
    void aCloseDoesNotWaitForItsCloseFrameToBeWritten() {
        // nearest the socket, a handler that takes writes and never completes them: a reader that stopped
        io.netty.channel.ChannelOutboundHandlerAdapter stalled = new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
                io.netty.util.ReferenceCountUtil.release(msg);
            }

            @Override
            public void flush(io.netty.channel.ChannelHandlerContext ctx) {
            }
        };
        EmbeddedChannel channel = new EmbeddedChannel(stalled);
        Connection connection = Connection.attach(channel, 64 * 1024, metrics);

        connection.close(1001, "idle timeout: no answer to ping");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }
}
