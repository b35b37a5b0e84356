package dev.tierline.server.session;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * What {@code decide} needs from the outside world, passed in so the core stays pure: the time,
 * a source of fresh ids, and the limits in force.
 *
 * @param maxParticipants participants present in one session at most
 * @param redaction       what is masked in chat and notes before anyone sees or records them
 */
public record DecideContext(Instant now, Supplier<String> ids, int maxParticipants, Redaction redaction) {
    public DecideContext(Instant now, Supplier<String> ids, int maxParticipants) {
        this(now, ids, maxParticipants, Redaction.NONE);
    }
}
