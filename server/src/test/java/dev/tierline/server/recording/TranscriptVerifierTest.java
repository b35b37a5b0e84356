package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Audience;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Participant;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import dev.tierline.server.Launcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TranscriptVerifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Actor ANN = new Actor("t-ann", "Ann", Role.TECHNICIAN, Tier.L1);

    @TempDir
    Path dir;
    private TranscriptSigner signer;
    private List<String> lines;

    @BeforeEach
    void sealedTranscript() throws Exception {
        signer = TranscriptSigner.open(dir);
        ProtocolCodec codec = ProtocolCodec.create();
        Instant t = Instant.parse("2026-11-22T10:00:00.120Z");
        List<Event> events = List.of(
                event(1, t, EventType.SESSION_OPENED, new EventBody.SessionOpened("T-1", "VPN", null, null, "active", "each-time")),
                event(2, t, EventType.PARTICIPANT_JOINED, new EventBody.ParticipantJoined(
                        new Participant("t-ann", "Ann", Role.TECHNICIAN, Tier.L1, "connected", null, true, null), "create", null)),
                event(3, t.plusMillis(5), EventType.CHAT_MESSAGE, new EventBody.ChatMessage("try reconnecting")),
                event(4, t.plusMillis(9), EventType.CHAT_MESSAGE, new EventBody.ChatMessage("it works")),
                event(5, t.plusSeconds(60), EventType.SESSION_ENDED, new EventBody.SessionEnded("resolved", "reset profile", "owner")));
        List<JournalStore.Entry> entries = new ArrayList<>();
        String prev = TranscriptChain.GENESIS;
        for (Event e : events) {
            JournalStore.Entry entry = EntryCodec.toEntry(e, prev, codec.mapper());
            entries.add(entry);
            prev = entry.hash();
        }
        TranscriptSigner.Signature seal = signer.sign(TranscriptChain.sealMessage("s-1", 5, prev));
        JournalStore.SessionRow row = new JournalStore.SessionRow("s-1", "T-1", "VPN", null, 0, 1L, "resolved", 5, prev,
                seal.keyId(), seal.value());
        lines = new ArrayList<>(TranscriptFormats.jsonLines(entries, row));
    }

    private static Event event(long seq, Instant ts, EventType type, EventBody body) {
        return new Event(type, "s-1", seq, ts, ANN, Audience.ALL, body);
    }

    private TranscriptVerifier.Result verify(List<String> transcript) {
        return TranscriptVerifier.verify(transcript, signer.publicKeys());
    }

    @Test
    void anUntouchedTranscriptVerifiesAndIsSealed() {
        TranscriptVerifier.Result result = verify(lines);
        assertThat(result.problems()).isEmpty();
        assertThat(result.valid()).isTrue();
        assertThat(result.sealed()).isTrue();
        assertThat(result.entries()).isEqualTo(5);
    }

    @Test
    void anAlteredEntryIsDetected() throws Exception {
        ObjectNode line = (ObjectNode) JSON.readTree(lines.get(2));
        ((ObjectNode) line.path("event").path("body")).put("text", "try rebooting");
        lines.set(2, line.toString());
        assertThat(verify(lines).problems()).anyMatch(p -> p.contains("seq 3") && p.contains("hash"));
    }

    @Test
    void anAlteredEntryWithARecomputedHashBreaksTheNextLink() throws Exception {
        ObjectNode line = (ObjectNode) JSON.readTree(lines.get(2));
        ((ObjectNode) line.path("event").path("body")).put("text", "try rebooting");
        line.put("hash", TranscriptChain.hash(line.path("prev").asText(), line.path("event")));
        lines.set(2, line.toString());
        assertThat(verify(lines).valid()).isFalse();
        assertThat(verify(lines).problems()).anyMatch(p -> p.contains("seq 4") && p.contains("does not follow"));
    }

    @Test
    void aRemovedEntryIsDetected() {
        lines.remove(3);
        assertThat(verify(lines).valid()).isFalse();
    }

    @Test
    void reorderedEntriesAreDetected() {
        Collections.swap(lines, 2, 3);
        assertThat(verify(lines).valid()).isFalse();
    }

    @Test
    void anAppendedEntryIsDetectedEvenWhenProperlyChained() throws Exception {
        ObjectNode last = (ObjectNode) JSON.readTree(lines.get(4));
        ObjectNode extra = last.deepCopy();
        ((ObjectNode) extra.path("event")).put("seq", 6).put("type", "chat.message");
        ((ObjectNode) extra.path("event")).putObject("body").put("text", "added later");
        extra.put("seq", 6).put("prev", last.path("hash").asText());
        extra.put("hash", TranscriptChain.hash(extra.path("prev").asText(), extra.path("event")));
        lines.add(5, extra.toString()); // before the seal line
        TranscriptVerifier.Result result = verify(lines);
        assertThat(result.valid()).isFalse();
        assertThat(result.problems()).anyMatch(p -> p.startsWith("seal:"));
    }

    @Test
    void aRemovedSealOrAForeignKeyIsDetected() throws Exception {
        List<String> unsealed = new ArrayList<>(lines.subList(0, 5));
        assertThat(verify(unsealed).problems()).anyMatch(p -> p.startsWith("no seal"));
        TranscriptSigner other = TranscriptSigner.open(dir.resolve("other"));
        assertThat(TranscriptVerifier.verify(lines, other.publicKeys()).valid()).isFalse();
    }

    @Test
    void theOfflineCommandNeedsOnlyThePublicKeyAndExitsNonZeroOnAlteration() throws Exception {
        byte[] pub = signer.publicKeys().get(signer.activeKeyId());
        Path key = Files.writeString(dir.resolve("transcript.pub.pem"), TranscriptSigner.toPem(pub));
        Path good = Files.write(dir.resolve("good.jsonl"), lines);
        assertThat(new CommandLine(new Launcher()).execute("verify", good.toString(), "--key", key.toString())).isZero();
        lines.remove(2);
        Path bad = Files.write(dir.resolve("bad.jsonl"), lines);
        assertThat(new CommandLine(new Launcher()).execute("verify", bad.toString(), "--key", key.toString())).isEqualTo(1);
    }

    @Test
    void aRotatedKeyKeepsOldTranscriptsVerifiable() throws Exception {
        String before = signer.activeKeyId();
        TranscriptSigner reopened = TranscriptSigner.open(dir);
        String after = reopened.rotate();
        assertThat(after).isNotEqualTo(before);
        assertThat(TranscriptVerifier.verify(lines, TranscriptSigner.open(dir).publicKeys()).valid()).isTrue();
        assertThat(Map.copyOf(TranscriptSigner.open(dir).publicKeys())).containsKeys(before, after);
    }
}
