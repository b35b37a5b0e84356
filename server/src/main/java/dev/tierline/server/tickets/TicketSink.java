package dev.tierline.server.tickets;

/**
 * Where a session's record goes besides Tierline's own store: a ticket system or a webhook.
 * Implementations are called by the {@link OutboxWorker}, one delivery at a time, off every event
 * loop; they must be idempotent by {@link Delivery#id()}, because a delivery whose outcome was not
 * seen (a timeout, a crash) is sent again.
 *
 * <p>The embedded ticket history is the first implementation of the idea but not of this
 * interface: it is written inside the very transaction that seals the session, which is stronger
 * than any outbox can be, so it needs no delivery.
 */
public interface TicketSink {
    /** The name outbox rows carry ({@code rt}, {@code webhook}). */
    String name();

    /**
     * Delivers, or throws to have it retried later.
     *
     * @return a reference in the other system (a ticket number), or {@code null}
     */
    String deliver(Delivery delivery) throws Exception;
}
