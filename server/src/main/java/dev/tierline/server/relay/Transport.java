package dev.tierline.server.relay;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Netty's native epoll transport where it loads (Linux x86_64), NIO elsewhere. At 5,000 chat
 * messages/s the event loops mostly sleep, and every hand-off between them wakes one: epoll's
 * eventfd wake-ups and edge-triggered reads cost less CPU per delivery than NIO's selector.
 */
public enum Transport {
    EPOLL, NIO;

    /** {@code auto} takes epoll when it loads; {@code epoll} insists on it, {@code nio} never takes it. */
    public static Transport choose(String setting) {
        if ("epoll".equals(setting) && !Epoll.isAvailable()) {
            throw new IllegalStateException("ioTransport is epoll, but Netty's epoll transport does not load here: "
                    + Epoll.unavailabilityCause());
        }
        return !"nio".equals(setting) && Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** {@code epoll} or {@code nio}, as the setting and the start line say it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public IoHandlerFactory ioHandlers() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
