package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Audience;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Participant;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The journal writes an entry's canonical bytes directly; an auditor's verifier rebuilds them from
 * the stored fields. Both must give the same hash for whatever a session can hold, and an entry
 * read back for a resuming participant must be the event as it was sent.
 */
class EntryCodecTest {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();
    private static final Actor ANN = new Actor("t-ann", "Ann \"the fixer\" Ångström", Role.TECHNICIAN, Tier.L1);

    private static List<Event> tricky() {
        String session = "s-q\"uo\\te-ü";
        return List.of(
                new Event(EventType.SESSION_OPENED, session, 1L, Instant.EPOCH, ANN, Audience.ALL,
                        new EventBody.SessionOpened("T-\u00e9\t1", "VPN \"down\"", null, null, "active", "each-time")),
                new Event(EventType.PARTICIPANT_JOINED, session, 2L, Instant.parse("2026-12-01T10:00:00Z"), ANN,
                        Audience.ALL, new EventBody.ParticipantJoined(new Participant("t-ann", ANN.name(), Role.TECHNICIAN,
                        Tier.L1, "connected", null, true, null), "create", null)),
                new Event(EventType.CHAT_MESSAGE, session, 3L, Instant.parse("2026-12-01T10:00:00.100Z"), ANN,
                        Audience.TECHNICIANS, new EventBody.ChatMessage("line\nbreak, tab\t, nul\u0000, del\u007f, 🙂 and </script>")),
                new Event(EventType.CHAT_MESSAGE, session, 4L, Instant.parse("2026-12-01T10:00:00.101Z"), ANN,
                        Audience.participant("user-1"), new EventBody.ChatMessage("my password is [redacted]", 1)),
                new Event(EventType.SESSION_ENDED, session, 5L, Instant.parse("2026-12-01T10:00:00.101Z"), ANN,
                        Audience.ALL, new EventBody.SessionEnded("resolved", "reset \"profile\"", "owner")));
    }

    @Test
    void theJournalsHashIsTheOneAVerifierRecomputesFromTheStoredFields() {
        String prev = TranscriptChain.GENESIS;
        for (Event event : tricky()) {
            JournalStore.Entry entry = EntryCodec.toEntry(event, prev, CODEC.mapper());
            assertThat(TranscriptChain.hash(prev, EntryCodec.tree(entry))).as(event.toString()).isEqualTo(entry.hash());
            prev = entry.hash();
        }
    }

    /** The session sends an event's canonical bytes as its frame: they must read as the event itself. */
    @Test
    void theCanonicalBytesAreAWireEncodingOfTheEvent() throws Exception {
        for (Event event : tricky()) {
            byte[] canonical = EntryCodec.prepare(event, CODEC.mapper()).canonical();
            assertThat(CODEC.decodeServerMessage(canonical)).as(event.toString()).isEqualTo(event);
            assertThat(CODEC.mapper().readTree(canonical)).isEqualTo(CODEC.mapper().readTree(CODEC.encode(event)));
            // a resume replays the stored entry's canonical bytes: the very frame sent live
            assertThat(EntryCodec.canonical(EntryCodec.toEntry(event, TranscriptChain.GENESIS, CODEC.mapper())))
                    .isEqualTo(canonical);
        }
    }

    @Test
    void anEntryReadBackIsTheEventAsItWasSent() {
        for (Event event : tricky()) {
            JournalStore.Entry entry = EntryCodec.toEntry(event, TranscriptChain.GENESIS, CODEC.mapper());
            assertThat(new String(CODEC.encode(EntryCodec.event(entry, CODEC))))
                    .isEqualTo(new String(CODEC.encode(event)));
        }
    }

    @Test
    void millisecondsAreFormattedAsInstantDoes() {
        for (long millis : new long[] {0, 1, 999, 1_000, 1_764_583_200_000L, 1_764_583_200_123L, 1_764_583_200_120L}) {
            assertThat(EntryCodec.isoMillis(millis)).isEqualTo(Instant.ofEpochMilli(millis).toString());
            assertThat(EntryCodec.isoMillis(millis)).as("again, from the cache").isEqualTo(Instant.ofEpochMilli(millis).toString());
        }
    }
}
