package dev.tierline.server.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a transcript in its JSON Lines form, with nothing but the public keys: every entry's
 * hash, the links between entries, seqs 1..n without gaps, and the seal's signature over the head.
 */
public final class TranscriptVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param problems empty when the transcript is intact
     * @param sealed   whether a valid seal covers the whole transcript
     */
    public record Result(boolean valid, boolean sealed, long entries, String headHash, String keyId,
                         List<String> problems) {}

    private TranscriptVerifier() {
    }

    /** @param keys public keys by key id (raw 32-byte Ed25519) */
    public static Result verify(List<String> lines, Map<String, byte[]> keys) {
        List<String> problems = new ArrayList<>();
        String previous = TranscriptChain.GENESIS;
        long expectedSeq = 1;
        long entries = 0;
        JsonNode seal = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                problems.add("line " + (i + 1) + ": not JSON");
                continue;
            }
            if (node.has("seal")) {
                if (seal != null) {
                    problems.add("line " + (i + 1) + ": a second seal");
                }
                seal = node.get("seal");
                continue;
            }
            if (seal != null) {
                problems.add("line " + (i + 1) + ": an entry after the seal");
            }
            JsonNode event = node.path("event");
            long seq = event.path("seq").asLong(-1);
            if (seq != expectedSeq) {
                problems.add("line " + (i + 1) + ": seq " + seq + " where " + expectedSeq + " was due");
            }
            if (!previous.equals(node.path("prev").asText())) {
                problems.add("seq " + seq + ": does not follow the entry before it");
            }
            String hash = TranscriptChain.hash(node.path("prev").asText(), event);
            if (!hash.equals(node.path("hash").asText())) {
                problems.add("seq " + seq + ": content does not match its hash");
            }
            previous = node.path("hash").asText();
            expectedSeq = seq + 1;
            entries++;
        }
        boolean sealed = false;
        String keyId = null;
        if (seal == null) {
            problems.add("no seal: the session has not ended, or the seal was removed");
        } else {
            keyId = seal.path("keyId").asText();
            byte[] key = keys.get(keyId);
            byte[] message = TranscriptChain.sealMessage(seal.path("session").asText(), seal.path("lastSeq").asLong(),
                    seal.path("headHash").asText());
            if (key == null) {
                problems.add("seal: unknown key " + keyId);
            } else if (!TranscriptSigner.verify(key, message, seal.path("signature").asText())) {
                problems.add("seal: signature does not verify");
            } else if (!seal.path("headHash").asText().equals(previous) || seal.path("lastSeq").asLong() != entries) {
                problems.add("seal: covers seq " + seal.path("lastSeq").asLong() + " / " + seal.path("headHash").asText()
                        + " but the transcript has " + entries + " entries ending at " + previous);
            } else {
                sealed = true;
            }
        }
        return new Result(problems.isEmpty(), sealed, entries, previous, keyId, List.copyOf(problems));
    }
}
