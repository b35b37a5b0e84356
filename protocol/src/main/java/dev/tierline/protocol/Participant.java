package dev.tierline.protocol;

import java.time.Instant;

/**
 * A participant as others see it in the roster.
 *
 * @param presence     {@code connected} or {@code disconnected} (within the reconnect grace period)
 * @param allowControl whether this participant may ever be given remote control
 * @param accessUntil  for L4 participants, when their access window ends; otherwise {@code null}
 */
public record Participant(String id, String name, Role role, Tier tier, String presence, Instant joinedAt,
                          boolean allowControl, Instant accessUntil) {
    public static final String CONNECTED = "connected";
    public static final String DISCONNECTED = "disconnected";

    public Actor actor() {
        return new Actor(id, name, role, tier);
    }
}
