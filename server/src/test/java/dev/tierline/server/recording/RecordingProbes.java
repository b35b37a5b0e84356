package dev.tierline.server.recording;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.server.TierlineServer;
import java.time.Duration;
import java.util.List;

/** What the journal tests that start their own server wait for and read back from it. */
final class RecordingProbes {
    private RecordingProbes() {
    }

    /** Waits until {@code seq} of {@code session} is written: in async mode a reply comes before its events are. */
    static void awaitWritten(TierlineServer server, String session, long seq) {
        var store = server.journal().store();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.entries(session).stream().anyMatch(e -> e.seq() == seq));
    }

    /** The transcript as JSON Lines, once it verifies (sealed): in async mode the end is acked before it is recorded. */
    static List<String> sealedTranscript(TierlineServer server, String session) {
        var store = server.journal().store();
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> TranscriptFormats.jsonLines(store.entries(session), store.session(session)),
                lines -> TranscriptVerifier.verify(lines, server.journal().signer().publicKeys()).problems().isEmpty());
    }

    /** The text of each chat message in {@code lines}, in order. */
    static List<String> chatTexts(List<String> lines) {
        return lines.stream().filter(l -> l.contains("\"chat.message\""))
                .map(l -> l.replaceAll(".*\"text\":\"([^\"]*)\".*", "$1")).toList();
    }

    /** Whether {@code message} is a recording.status event saying {@code status}. */
    static boolean recordingStatus(JsonNode message, String status) {
        return message.path("type").asText().equals("recording.status")
                && message.path("body").path("status").asText().equals(status);
    }
}
