package dev.tierline.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.Test;

class TransportTest {
    @Test
    void nioIsTakenWhenAskedForEvenWhereEpollLoads() {
        assertThat(Transport.choose("nio")).isEqualTo(Transport.NIO);
        assertThat(Transport.NIO.serverChannel()).isEqualTo(NioServerSocketChannel.class);
    }

    @Test
    void autoTakesEpollExactlyWhereItLoads() {
        assertThat(Transport.choose("auto")).isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
    }

    @Test
    void epollIsRefusedWithItsCauseWhereItDoesNotLoadAndTakenWhereItDoes() {
        if (Epoll.isAvailable()) {
            assertThat(Transport.choose("epoll")).isEqualTo(Transport.EPOLL);
            assertThat(Transport.EPOLL.serverChannel()).isEqualTo(EpollServerSocketChannel.class);
        } else {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Transport.choose("epoll"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not load");
        }
    }
}
