package dev.tierline.server.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tamper-evidence rules, shared by the journal that writes entries and everyone who checks
 * them: an entry's hash is SHA-256 over the previous entry's hash and the canonical JSON of the
 * event (keys sorted, no whitespace), so changing, removing, reordering or inserting an entry
 * breaks every hash after it. The chain head is signed when the session ends.
 */
public final class TranscriptChain {
    /** The "previous hash" of a session's first entry. */
    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TranscriptChain() {
    }

    public static String hash(String previousHash, JsonNode event) {
        return hashSorted(previousHash, sorted(event));
    }

    /** {@link #hash} for a tree whose keys are already in sorted order at every level. */
    static String hashSorted(String previousHash, JsonNode sortedEvent) {
        return hashCanonical(previousHash, compact(sortedEvent).getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #hash} over canonical bytes already made. */
    static String hashCanonical(String previousHash, byte[] canonicalEvent) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previousHash.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) '\n');
            sha.update(canonicalEvent);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Compact JSON of a tree as it is (callers pass sorted trees). */
    static String compact(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize " + node, e);
        }
    }

    /** Compact JSON with every object's keys in sorted order: the same event always gives the same bytes. */
    public static byte[] canonical(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(sorted(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize " + node, e);
        }
    }

    public static String canonicalText(JsonNode node) {
        return new String(canonical(node), StandardCharsets.UTF_8);
    }

    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                fields.put(field.getKey(), sorted(field.getValue()));
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(sorted(element)));
            return out;
        }
        return node;
    }

    /** What the server signs when a session ends: the session, its last seq and the chain head. */
    public static byte[] sealMessage(String session, long lastSeq, String headHash) {
        return ("tierline-seal-v1|" + session + "|" + lastSeq + "|" + headHash).getBytes(StandardCharsets.UTF_8);
    }
}
