package dev.tierline.server.recording;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.Protocol;
import java.time.Instant;

/**
 * Between events and stored entries. The hash is computed over the tree rebuilt from the stored
 * fields alone, so whoever reads the rows (or the JSON Lines export) can recompute it exactly.
 */
public final class EntryCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EntryCodec() {
    }

    /** An event serialized for the journal, everything but its place in the chain. */
    public record Prepared(Event event, String actor, String body, byte[] canonical) {}

    /**
     * The costly part of recording an event, done by whoever hands it to the journal (the session's
     * event loop) rather than by the one writer thread: the tree is built once, already in canonical
     * key order, and serialized once.
     */
    public static Prepared prepare(Event event, ObjectMapper protocolMapper) {
        JsonNode actor = TranscriptChain.sorted(protocolMapper.valueToTree(event.actor()));
        JsonNode body = TranscriptChain.sorted(protocolMapper.valueToTree(event.body()));
        ObjectNode tree = build(event.session(), event.seq(), event.ts().toEpochMilli(), actor, event.audience().wire(),
                event.type().wire(), body);
        return new Prepared(event, TranscriptChain.compact(actor), TranscriptChain.compact(body),
                TranscriptChain.compact(tree).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The prepared event as a stored entry chained after {@code prevHash}: one SHA-256. */
    public static JournalStore.Entry chain(Prepared p, String prevHash) {
        Event e = p.event();
        return new JournalStore.Entry(e.session(), e.seq(), e.ts().toEpochMilli(), p.actor(), e.audience().wire(),
                e.type().wire(), p.body(), prevHash, TranscriptChain.hashCanonical(prevHash, p.canonical()));
    }

    /** The event as a stored, chained entry following {@code prevHash}. */
    public static JournalStore.Entry toEntry(Event event, String prevHash, ObjectMapper protocolMapper) {
        return chain(prepare(event, protocolMapper), prevHash);
    }

    /** The event an entry stands for, as the JSON tree that was hashed. */
    public static ObjectNode tree(JournalStore.Entry e) {
        return tree(e.session(), e.seq(), e.ts(), e.actor(), e.audience(), e.type(), e.body());
    }

    private static ObjectNode tree(String session, long seq, long ts, String actor, String audience, String type,
                                   String body) {
        return build(session, seq, ts, parse(actor), audience, type, parse(body));
    }

    /** Fields in sorted key order (actor, audience, body, seq, session, ts, type, v): canonical as built. */
    private static ObjectNode build(String session, long seq, long ts, JsonNode actor, String audience, String type,
                                    JsonNode body) {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.set("actor", actor);
        tree.put("audience", audience);
        tree.set("body", body);
        tree.put("seq", seq);
        tree.put("session", session);
        tree.put("ts", Instant.ofEpochMilli(ts).toString());
        tree.put("type", type);
        tree.put("v", Protocol.VERSION);
        return tree;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
