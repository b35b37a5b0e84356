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
        String actor = ACTORS.canonical(event.actor(), protocolMapper);
        String body = TranscriptChain.compact(TranscriptChain.sorted(protocolMapper.valueToTree(event.body())));
        return new Prepared(event, actor, body, canonical(event.session(), event.seq(), event.ts().toEpochMilli(), actor,
                event.audience().wire(), event.type().wire(), body));
    }

    /**
     * The canonical bytes of {@link #build}'s tree, written directly: its keys are fixed and sorted,
     * and actor and body are already canonical text, so nothing is parsed or serialized twice. The
     * verifier's path (tree from stored fields, then compact) must give the same bytes; the
     * recording tests check that it does.
     */
    private static byte[] canonical(String session, long seq, long ts, String actor, String audience, String type,
                                    String body) {
        StringBuilder out = new StringBuilder(actor.length() + body.length() + 160);
        out.append("{\"actor\":").append(actor).append(",\"audience\":");
        quoted(out, audience).append(",\"body\":").append(body).append(",\"seq\":").append(seq).append(",\"session\":");
        quoted(out, session).append(",\"ts\":");
        quoted(out, isoMillis(ts)).append(",\"type\":");
        quoted(out, type).append(",\"v\":").append(Protocol.VERSION).append('}');
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The canonical bytes of a stored entry: those its hash covers, and its frame when it was sent live. */
    public static byte[] canonical(JournalStore.Entry e) {
        return canonical(e.session(), e.seq(), e.ts(), e.actor(), e.audience(), e.type(), e.body());
    }

    /** JSON string quoting as Jackson writes it; ids, types and times rarely need an escape, so they are copied. */
    private static StringBuilder quoted(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
                return out.append('"').append(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
                        .quoteAsString(value)).append('"');
            }
        }
        return out.append('"').append(value).append('"');
    }

    /** The last millisecond formatted: many events share one, and Instant.toString was a tenth of preparing one. */
    private record FormattedMillis(long millis, String iso) {}

    private static volatile FormattedMillis lastMillis = new FormattedMillis(0, Instant.EPOCH.toString());

    static String isoMillis(long millis) {
        FormattedMillis last = lastMillis;
        if (last.millis() != millis) {
            last = new FormattedMillis(millis, Instant.ofEpochMilli(millis).toString());
            lastMillis = last;
        }
        return last.iso();
    }

    /**
     * Canonical JSON of the actors seen lately: a session's few participants act again and again,
     * and their identity never changes, so each is serialized once rather than per event.
     */
    private static final class ActorCache {
        private static final int MAX = 10_000;
        private final java.util.concurrent.ConcurrentHashMap<dev.tierline.protocol.Actor, String> canonical =
                new java.util.concurrent.ConcurrentHashMap<>();

        String canonical(dev.tierline.protocol.Actor actor, ObjectMapper mapper) {
            String cached = canonical.get(actor);
            if (cached != null) {
                return cached;
            }
            if (canonical.size() >= MAX) {
                canonical.clear(); // crude, but bounded; a miss only costs one serialization
            }
            String made = TranscriptChain.compact(TranscriptChain.sorted(mapper.valueToTree(actor)));
            canonical.put(actor, made);
            return made;
        }
    }

    private static final ActorCache ACTORS = new ActorCache();

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

    /** The event an entry stands for, as the server sent it: for replays, figures and restarts. */
    public static Event event(JournalStore.Entry e, dev.tierline.protocol.ProtocolCodec codec) {
        if (codec.decodeServerMessage(tree(e)) instanceof Event event) {
            return event;
        }
        throw new IllegalStateException("stored entry " + e.session() + "#" + e.seq() + " is not an event");
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
