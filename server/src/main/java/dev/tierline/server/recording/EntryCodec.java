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

    /** The event as a stored, chained entry following {@code prevHash}. */
    public static JournalStore.Entry toEntry(Event event, String prevHash, ObjectMapper protocolMapper) {
        JsonNode actor = protocolMapper.valueToTree(event.actor());
        JsonNode body = protocolMapper.valueToTree(event.body());
        long ts = event.ts().toEpochMilli();
        String actorText = TranscriptChain.canonicalText(actor);
        String bodyText = TranscriptChain.canonicalText(body);
        JsonNode tree = tree(event.session(), event.seq(), ts, actorText, event.audience().wire(), event.type().wire(),
                bodyText);
        return new JournalStore.Entry(event.session(), event.seq(), ts, actorText, event.audience().wire(),
                event.type().wire(), bodyText, prevHash, TranscriptChain.hash(prevHash, tree));
    }

    /** The event an entry stands for, as the JSON tree that was hashed. */
    public static ObjectNode tree(JournalStore.Entry e) {
        return tree(e.session(), e.seq(), e.ts(), e.actor(), e.audience(), e.type(), e.body());
    }

    private static ObjectNode tree(String session, long seq, long ts, String actor, String audience, String type,
                                   String body) {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("v", Protocol.VERSION);
        tree.put("type", type);
        tree.put("session", session);
        tree.put("seq", seq);
        tree.put("ts", Instant.ofEpochMilli(ts).toString());
        tree.set("actor", parse(actor));
        tree.put("audience", audience);
        tree.set("body", parse(body));
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
