package dev.tierline.client;

import dev.tierline.protocol.Event;

/**
 * Callbacks of a client. Every method has a no-op default; they run on the client's callback
 * executor, one at a time, never on a network thread.
 */
public interface TierlineListener {
    /** An event of any joined session, in seq order per session, without duplicates. */
    default void onEvent(Event event) {
    }

    /** @param reason why, for {@code RECONNECTING} and {@code CLOSED}; otherwise {@code null} */
    default void onStateChange(ConnectionState state, String reason) {
    }
}
