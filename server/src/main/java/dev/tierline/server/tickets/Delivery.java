package dev.tierline.server.tickets;

/**
 * One thing to tell one outside system: a session's transcript when it ended, or a technician's
 * note. {@code id} is the idempotency key: the same delivery sent twice must land once.
 *
 * @param kind    {@code session.ended} or {@code note.added}
 * @param payload the JSON document of {@link TicketPayloads}, as text
 */
public record Delivery(String id, String sink, String kind, String ticket, String session, String payload,
                       long createdAt, int attempts, long nextAttemptAt, Long deliveredAt, String externalRef,
                       String lastError) {
    public static final String SESSION_ENDED = "session.ended";
    public static final String NOTE_ADDED = "note.added";
}
