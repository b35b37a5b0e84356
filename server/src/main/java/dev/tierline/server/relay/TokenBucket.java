package dev.tierline.server.relay;

/**
 * A token bucket for one connection's frames, touched only on that connection's event loop.
 * It also counts how often it refused since it was last full: a client that never slows down
 * enough to refill it is abusing the limit rather than bursting past it.
 */
final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private long lastNanos;
    private int refusedSinceFull;

    TokenBucket(int ratePerSecond, int burst, long nowNanos) {
        this.capacity = burst;
        this.perNano = ratePerSecond / 1e9;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes one token if there is one. */
    boolean tryTake(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        if (tokens >= capacity) {
            refusedSinceFull = 0;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        refusedSinceFull++;
        return false;
    }

    int refusedSinceFull() {
        return refusedSinceFull;
    }
}
