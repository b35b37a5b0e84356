package dev.tierline.server.session;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * What {@code decide} needs from the outside world, passed in so the core stays pure: the time,
 * a source of fresh ids, and the limits in force.
 *
 * @param maxParticipants participants present in one session at most
 */
public record DecideContext(Instant now, Supplier<String> ids, int maxParticipants) {}
