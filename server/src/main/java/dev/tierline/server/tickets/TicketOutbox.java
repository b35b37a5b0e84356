package dev.tierline.server.tickets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierline.protocol.Event;
import dev.tierline.server.security.Secrets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Called by the journal inside its write transaction: for every configured sink, a delivery for
 * each technician note and for each session that ends. Writing them there is what makes them
 * impossible to lose: the events and their deliveries commit together or not at all.
 */
public final class TicketOutbox {
    private final OutboxStore store;
    private final List<String> sinks;
    private final java.util.function.Supplier<String> publicUrl;
    private volatile Runnable onCommitted = () -> { };

    /** @param publicUrl how auditors reach this server, for the transcript link in every delivery */
    public TicketOutbox(OutboxStore store, List<String> sinks, java.util.function.Supplier<String> publicUrl) {
        this.store = store;
        this.sinks = List.copyOf(sinks);
        this.publicUrl = publicUrl;
    }

    public boolean isEmpty() {
        return sinks.isEmpty();
    }

    /** Who to wake when new deliveries are committed. */
    public void onCommitted(Runnable wake) {
        this.onCommitted = wake;
    }

    public void committed() {
        onCommitted.run();
    }

    public void noteAdded(Connection c, Event note) throws SQLException {
        String ticket = store.ticketOf(c, note.session());
        for (String sink : sinks) {
            String id = Secrets.id("d-");
            add(c, sink, Delivery.NOTE_ADDED, ticket, note.session(), TicketPayloads.noteAdded(id, ticket, note), id);
        }
    }

    public void sessionSealed(Connection c, ObjectNode history, String transcript) throws SQLException {
        String session = history.path("session").asText();
        for (String sink : sinks) {
            String id = Secrets.id("d-");
            add(c, sink, Delivery.SESSION_ENDED, history.path("ticket").asText(), session,
                    TicketPayloads.sessionEnded(id, history, transcript,
                            publicUrl.get().replaceAll("/+$", "") + "/api/sessions/" + session + "/transcript"), id);
        }
    }

    private void add(Connection c, String sink, String kind, String ticket, String session, ObjectNode payload, String id)
            throws SQLException {
        long now = System.currentTimeMillis();
        store.insert(c, new Delivery(id, sink, kind, ticket, session, payload.toString(), now, 0, now, null, null, null));
    }
}
