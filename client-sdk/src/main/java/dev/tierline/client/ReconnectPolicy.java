package dev.tierline.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a client retries after a dropped connection: exponential backoff with full jitter, capped,
 * giving up after a number of attempts.
 *
 * @param initialDelay delay ceiling before the first attempt
 * @param maxDelay     the ceiling never grows past this
 * @param multiplier   growth of the ceiling per attempt
 * @param maxAttempts  attempts before giving up; 0 means never reconnect
 */
public record ReconnectPolicy(Duration initialDelay, Duration maxDelay, double multiplier, int maxAttempts) {
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final int DEFAULT_MAX_ATTEMPTS = 20;
    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY,
            DEFAULT_MULTIPLIER, DEFAULT_MAX_ATTEMPTS);
    /** For apps that handle drops themselves. */
    public static final ReconnectPolicy NEVER = new ReconnectPolicy(DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY, 1.0, 0);

    public ReconnectPolicy {
        if (initialDelay == null || initialDelay.isNegative() || maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0, was " + maxAttempts);
        }
    }

    /** The delay before attempt {@code attempt} (1-based): uniform between 0 and the capped ceiling. */
    public Duration delay(int attempt) {
        double ceiling = Math.min(maxDelay.toMillis(), initialDelay.toMillis() * Math.pow(multiplier, attempt - 1));
        return Duration.ofMillis((long) (ThreadLocalRandom.current().nextDouble() * ceiling));
    }
}
