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
}
