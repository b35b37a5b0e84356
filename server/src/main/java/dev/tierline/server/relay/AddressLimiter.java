package dev.tierline.server.relay;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps open connections per client address. First in every pipeline, so a flood from one address
 * is turned away before TLS or HTTP parsing costs anything.
 */
@ChannelHandler.Sharable
final class AddressLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AddressLimiter.class);
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf(AddressLimiter.class, "counted");

    private final int perAddress;
    private final RelayMetrics metrics;
    private final ConcurrentMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    AddressLimiter(int perAddress, RelayMetrics metrics) {
        this.perAddress = perAddress;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress remote)) {
            super.channelActive(ctx);
            return;
        }
        InetAddress address = remote.getAddress();
        ctx.channel().attr(COUNTED).set(address);
        int now = open.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        if (now > perAddress) {
            metrics.connectionsRefused.increment();
            log.debug("refusing connection from {}: {} open, limit {}", address, now - 1, perAddress);
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
        if (address != null) {
            open.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
        super.channelInactive(ctx);
    }
}
