package dev.tierline.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** The body of an event, one record per event type; {@link EventType} names them on the wire. */
public sealed interface EventBody {

    /** @param state {@code waiting} (in a queue) or {@code active} */
    record SessionOpened(String ticket, String title, String topic, String summary, String state,
                         String consent) implements EventBody {}

    record SessionAccepted(String owner, Tier ownerTier) implements EventBody {}

    /** The owner left and no technician could take over: the session waits in its queue again. */
    record SessionRequeued(String topic, String reason) implements EventBody {}

    /**
     * @param via    how the participant came in: {@code create}, {@code request}, {@code accept},
     *               {@code invite}, {@code key}
     * @param invite the invitation used (its id, never its secret), when {@code via} is {@code invite}
     */
    record ParticipantJoined(Participant participant, String via, String invite) implements EventBody {}

    record ParticipantLeft(String participant, String reason) implements EventBody {}

    record ParticipantDisconnected(String participant) implements EventBody {}

    record ParticipantReconnected(String participant) implements EventBody {}

    /** @param redacted how many secrets the server masked in {@code text}; absent when none */
    record ChatMessage(String text, Integer redacted) implements EventBody {
        public ChatMessage(String text) {
            this(text, null);
        }
    }

    /** An invitation, never with its secret token. */
    record InviteCreated(String invite, Tier tier, String invitee, Instant expiresAt, boolean allowControl,
                         Long windowSeconds, boolean technicianChat) implements EventBody {}

    record InviteRevoked(String invite) implements EventBody {}

    /** The tiers of both sides make the escalation path readable from the transcript. */
    record OwnerTransferred(String from, Tier fromTier, String to, Tier toTier, String reason) implements EventBody {}

    record ControlRequested(String by) implements EventBody {}

    record ControlWithdrawn(String by) implements EventBody {}

    /**
     * @param from    the previous controller on a hand-off, otherwise {@code null}
     * @param consent {@code user} when the end user consented now, {@code policy} when an earlier
     *                consent covers it
     */
    record ControlGranted(String to, String from, String consent) implements EventBody {}

    record ControlDenied(String to) implements EventBody {}

    record ControlHandoffRequested(String from, String to) implements EventBody {}

    /** @param reason {@code released}, {@code left}, {@code disconnected}, {@code access window ended}, {@code ended} */
    record ControlReleased(String from, String reason) implements EventBody {}

    record ControlRevoked(String from) implements EventBody {}

    /** Screen-share metadata, for both {@code screen.share.started} and {@code screen.share.updated}. */
    record ScreenShareInfo(String stream, List<CommandBody.Display> displays, String codec,
                           Integer maxFps) implements EventBody {}

    record ScreenShareStopped(String stream) implements EventBody {}

    /** @param redacted how many secrets the server masked in {@code text}; absent when none */
    record NoteAdded(String text, Integer redacted) implements EventBody {
        public NoteAdded(String text) {
            this(text, null);
        }
    }

    /**
     * @param reason  {@code owner} when the owner ended it, {@code self-help} when the end user's
     *                request was solved by an article, {@code timeout} or {@code interrupted} otherwise
     * @param article the knowledge article that solved a {@code self-resolved} request, otherwise absent
     */
    record SessionEnded(String outcome, String resolution, String reason, String article) implements EventBody {
        public SessionEnded(String outcome, String resolution, String reason) {
            this(outcome, resolution, reason, null);
        }
    }

    /**
     * A knowledge article shared into the chat.
     *
     * @param articleAudience who the article itself is written for: {@code public} or {@code technicians}
     */
    record KbShared(String article, int version, String title, String articleAudience) implements EventBody {}

    /**
     * The state of a session as of {@code seq}, sent to a joiner before anything else. Pending
     * invitations appear only in a technician's snapshot.
     */
    record Snapshot(String ticket, String title, String topic, String state, String consent, String owner,
                    List<Participant> participants, String controller, List<String> controlRequests,
                    ControlHandoffRequested pendingHandoff, ScreenShareInfo share,
                    List<InviteCreated> invites, long seq) implements EventBody {}

    /** Ephemeral: signalling for one participant. */
    record Signal(String from, String kind, JsonNode payload) implements EventBody {}

    /** Ephemeral: a pointer position. */
    record Pointer(String from, String display, double x, double y) implements EventBody {}

    /** Recording could not keep up or failed: recorded commands are refused until it recovers. */
    record RecordingStatus(String status, String detail) implements EventBody {}
}
