package dev.tierline.server.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry a session leaves in its ticket's history when it ends, computed from the transcript
 * alone: who took part (roles, tiers, when), the escalation path, control changes, notes, the
 * outcome and resolution, duration, counts, and the transcript's signed digest.
 */
public final class TicketHistory {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TicketHistory() {
    }

    /**
     * The history of one session, fed its entries in seq order. The journal's writer keeps one per
     * session it saw opened, so that ending a session costs what its few events other than chat
     * cost, not a read and parse of its whole transcript with every session's events waiting
     * behind the writer.
     */
    public static final class Builder {
        private final ObjectNode entry = F.objectNode();
        private final Map<String, ObjectNode> participants = new LinkedHashMap<>();
        private final ArrayNode escalation = F.arrayNode();
        private final ArrayNode ownerChanges = F.arrayNode();
        private final ArrayNode controlChanges = F.arrayNode();
        private final ArrayNode notes = F.arrayNode();
        private long events;
        private long lastSeq;
        private int chat;
        private int technicianChat;
        private Instant opened;
        private Instant ended;

        /** A stored entry: a chat message is counted from its columns, without parsing it; anything else is read. */
        public void add(JournalStore.Entry entry) {
            if (dev.tierline.protocol.EventType.CHAT_MESSAGE.wire().equals(entry.type())) {
                chat(entry.seq(), entry.audience());
            } else {
                add(EntryCodec.tree(entry));
            }
        }

        /** A chat message, which the history only counts. */
        private void chat(long seq, String audience) {
            events++;
            lastSeq = seq;
            chat++;
            if ("technicians".equals(audience)) {
                technicianChat++;
            }
        }

        public void add(JsonNode e) {
            String type = e.path("type").asText();
            if ("chat.message".equals(type)) {
                chat(e.path("seq").asLong(), e.path("audience").asText());
                return;
            }
            events++;
            lastSeq = e.path("seq").asLong();
            JsonNode body = e.path("body");
            String at = e.path("ts").asText();
            switch (type) {
                case "session.opened" -> {
                    opened = Instant.parse(at);
                    entry.put("session", e.path("session").asText());
                    entry.put("ticket", body.path("ticket").asText());
                    entry.put("title", body.path("title").asText());
                    putIfPresent(entry, "topic", body.path("topic"));
                    entry.put("openedAt", at);
                    if ("active".equals(body.path("state").asText())) {
                        escalation.add(e.path("actor").path("tier").asText());
                    }
                }
                case "session.accepted" -> escalation.add(body.path("ownerTier").asText());
                case "participant.joined" -> {
                    JsonNode p = body.path("participant");
                    ObjectNode row = participants.computeIfAbsent(p.path("id").asText(), id -> F.objectNode());
                    row.put("id", p.path("id").asText());
                    row.put("name", p.path("name").asText());
                    row.put("role", p.path("role").asText());
                    putIfPresent(row, "tier", p.path("tier"));
                    row.put("via", body.path("via").asText());
                    row.put("joinedAt", at);
                }
                case "participant.left" -> {
                    ObjectNode row = participants.get(body.path("participant").asText());
                    if (row != null) {
                        row.put("leftAt", at);
                        row.put("leftBecause", body.path("reason").asText());
                    }
                }
                case "owner.transferred" -> {
                    ownerChanges.add(F.objectNode().put("at", at).put("from", body.path("from").asText())
                            .put("fromTier", body.path("fromTier").asText()).put("to", body.path("to").asText())
                            .put("toTier", body.path("toTier").asText()).put("reason", body.path("reason").asText()));
                    escalation.add(body.path("toTier").asText());
                }
                case "control.granted", "control.released", "control.revoked", "control.denied",
                        "control.handoff.requested" -> {
                    ObjectNode change = F.objectNode().put("at", at).put("type", type);
                    body.fields().forEachRemaining(f -> change.set(f.getKey(), f.getValue()));
                    controlChanges.add(change);
                }
                case "note.added" -> notes.add(F.objectNode().put("at", at)
                        .put("by", e.path("actor").path("id").asText())
                        .put("tier", e.path("actor").path("tier").asText()).put("text", body.path("text").asText()));
                case "session.ended" -> {
                    ended = Instant.parse(at);
                    entry.put("endedAt", at);
                    entry.put("outcome", body.path("outcome").asText());
                    entry.put("resolution", body.path("resolution").asText());
                    entry.put("endedBecause", body.path("reason").asText());
                }
                default -> {
                }
            }
        }

        public ObjectNode build(String headHash, String keyId, String signature) {
            if (opened != null && ended != null) {
                entry.put("durationSeconds", Duration.between(opened, ended).toSeconds());
            }
            ArrayNode people = F.arrayNode();
            participants.values().forEach(people::add);
            entry.set("participants", people);
            entry.set("escalationPath", collapse(escalation));
            entry.set("ownerChanges", ownerChanges);
            entry.set("controlChanges", controlChanges);
            entry.set("notes", notes);
            entry.set("counts", F.objectNode().put("events", events).put("chatMessages", chat)
                    .put("technicianMessages", technicianChat).put("participants", participants.size()));
            entry.set("transcript", F.objectNode().put("lastSeq", lastSeq).put("headHash", headHash)
                    .put("keyId", keyId).put("signature", signature));
            return entry;
        }
    }

    /** L1, L1, L2 reads as L1 -> L2: repeats of the same tier are not an escalation. */
    private static ArrayNode collapse(ArrayNode tiers) {
        ArrayNode path = F.arrayNode();
        String last = null;
        for (JsonNode tier : tiers) {
            if (!tier.asText().equals(last)) {
                path.add(tier.asText());
                last = tier.asText();
            }
        }
        return path;
    }

    private static void putIfPresent(ObjectNode target, String field, JsonNode value) {
        if (!value.isMissingNode() && !value.isNull()) {
            target.set(field, value);
        }
    }
}
