package dev.tierline.server.tickets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;

/**
 * The documents deliveries carry, and the readable text a ticket system shows. One JSON shape per
 * kind, the same for every sink: the webhook posts it as is, the RT connector renders it.
 */
public final class TicketPayloads {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TicketPayloads() {
    }

    /**
     * @param history    the ticket-history entry of the session ({@code TicketHistory}): people,
     *                   tiers, escalation path, control changes, outcome, digest
     * @param transcript the readable transcript
     */
    public static ObjectNode sessionEnded(String deliveryId, ObjectNode history, String transcript, String auditorUrl) {
        ObjectNode payload = F.objectNode().put("kind", Delivery.SESSION_ENDED).put("deliveryId", deliveryId)
                .put("ticket", history.path("ticket").asText()).put("session", history.path("session").asText());
        payload.set("history", history);
        payload.put("transcript", transcript);
        payload.put("auditorUrl", auditorUrl);
        return payload;
    }

    public static ObjectNode noteAdded(String deliveryId, String ticket, Event note) {
        ObjectNode payload = F.objectNode().put("kind", Delivery.NOTE_ADDED).put("deliveryId", deliveryId)
                .put("ticket", ticket).put("session", note.session()).put("seq", note.seq())
                .put("at", note.ts().toString());
        ObjectNode author = payload.putObject("author").put("id", note.actor().id()).put("name", note.actor().name());
        if (note.actor().tier() != null) {
            author.put("tier", note.actor().tier().name());
        }
        EventBody.NoteAdded body = note.body(EventBody.NoteAdded.class);
        payload.put("text", body.text());
        if (body.redacted() != null) {
            payload.put("redacted", body.redacted());
        }
        return payload;
    }

    /** What a person reading the ticket sees: a summary, the escalation, the transcript, the seal. */
    public static String readable(JsonNode payload) {
        StringBuilder out = new StringBuilder();
        if (Delivery.NOTE_ADDED.equals(payload.path("kind").asText())) {
            JsonNode author = payload.path("author");
            out.append("Technician note from ").append(author.path("name").asText())
                    .append(author.has("tier") ? " (" + author.path("tier").asText() + ")" : "")
                    .append(" in live session ").append(payload.path("session").asText())
                    .append(" at ").append(payload.path("at").asText()).append(":\n\n")
                    .append(payload.path("text").asText()).append('\n');
            return out.toString();
        }
        JsonNode h = payload.path("history");
        out.append("Tierline live session ").append(h.path("session").asText()).append(" — ")
                .append(h.path("title").asText()).append('\n');
        out.append("Opened ").append(h.path("openedAt").asText()).append(", ended ").append(h.path("endedAt").asText())
                .append(" (").append(h.path("durationSeconds").asLong()).append(" s)\n");
        out.append("Outcome: ").append(h.path("outcome").asText());
        if (!h.path("resolution").asText().isEmpty()) {
            out.append(" — ").append(h.path("resolution").asText());
        }
        out.append('\n');
        out.append("Escalation path: ").append(join(h.path("escalationPath"), " -> ")).append('\n');
        out.append("Participants:\n");
        for (JsonNode p : h.path("participants")) {
            out.append("  - ").append(p.path("name").asText()).append(" (").append(p.path("role").asText())
                    .append(p.has("tier") ? " " + p.path("tier").asText() : "").append("), joined ")
                    .append(p.path("joinedAt").asText()).append(" via ").append(p.path("via").asText()).append('\n');
        }
        if (!h.path("ownerChanges").isEmpty()) {
            out.append("Ownership:\n");
            for (JsonNode c : h.path("ownerChanges")) {
                out.append("  - ").append(c.path("at").asText()).append(": ").append(c.path("from").asText())
                        .append(" (").append(c.path("fromTier").asText()).append(") -> ").append(c.path("to").asText())
                        .append(" (").append(c.path("toTier").asText()).append("): ").append(c.path("reason").asText())
                        .append('\n');
            }
        }
        if (!h.path("controlChanges").isEmpty()) {
            out.append("Remote control:\n");
            for (JsonNode c : h.path("controlChanges")) {
                out.append("  - ").append(c.path("at").asText()).append(": ").append(c.path("type").asText());
                c.fields().forEachRemaining(f -> {
                    if (!f.getKey().equals("at") && !f.getKey().equals("type")) {
                        out.append(' ').append(f.getKey()).append('=').append(f.getValue().asText());
                    }
                });
                out.append('\n');
            }
        }
        out.append("\nTranscript:\n").append(payload.path("transcript").asText()).append('\n');
        JsonNode seal = h.path("transcript");
        out.append("Signed digest: head ").append(seal.path("headHash").asText()).append(" at seq ")
                .append(seal.path("lastSeq").asLong()).append(", key ").append(seal.path("keyId").asText())
                .append(", Ed25519 signature ").append(seal.path("signature").asText()).append('\n');
        out.append("Auditor route: ").append(payload.path("auditorUrl").asText()).append('\n');
        return out.toString();
    }

    private static String join(JsonNode array, String separator) {
        StringBuilder out = new StringBuilder();
        for (JsonNode item : array) {
            if (out.length() > 0) {
                out.append(separator);
            }
            out.append(item.asText());
        }
        return out.length() == 0 ? "-" : out.toString();
    }
}
