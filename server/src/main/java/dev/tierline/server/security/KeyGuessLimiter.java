package dev.tierline.server.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Session keys are bearer secrets an end user types or clicks; wrong ones from one address are
 * budgeted per minute, so guessing a key is a matter of centuries rather than hours.
 */
public final class KeyGuessLimiter {
    private final int perMinute;
    private final Cache<InetAddress, Budget> budgets;

    private static final class Budget {
        private double left;
        private long lastNanos;

        Budget(int perMinute, long now) {
            this.left = perMinute;
            this.lastNanos = now;
        }
    }

    public KeyGuessLimiter(int perMinute) {
        this.perMinute = perMinute;
        this.budgets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(2)).maximumSize(100_000).build();
    }

    /** Whether {@code address} may try a key now. */
    public boolean mayTry(InetAddress address) {
        Budget budget = budgets.getIfPresent(address);
        if (budget == null) {
            return true;
        }
        synchronized (budget) {
            refill(budget, System.nanoTime());
            return budget.left >= 1;
        }
    }

    /** Spends one of {@code address}'s guesses on a wrong key. */
    public void wrongKey(InetAddress address) {
        long now = System.nanoTime();
        Budget budget = budgets.get(address, a -> new Budget(perMinute, now));
        synchronized (budget) {
            refill(budget, now);
            budget.left = Math.max(0, budget.left - 1);
        }
    }

    private void refill(Budget budget, long now) {
        budget.left = Math.min(perMinute, budget.left + (now - budget.lastNanos) * (perMinute / 60e9));
        budget.lastNanos = now;
    }
}
