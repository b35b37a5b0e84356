package dev.tierline.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.HashMap;
import java.util.Map;

/** The wire name of every event, the record its body decodes to, and whether it is recorded. */
public enum EventType {
    SESSION_OPENED("session.opened", EventBody.SessionOpened.class, true),
    SESSION_ACCEPTED("session.accepted", EventBody.SessionAccepted.class, true),
    SESSION_REQUEUED("session.requeued", EventBody.SessionRequeued.class, true),
    PARTICIPANT_JOINED("participant.joined", EventBody.ParticipantJoined.class, true),
    PARTICIPANT_LEFT("participant.left", EventBody.ParticipantLeft.class, true),
    PARTICIPANT_DISCONNECTED("participant.disconnected", EventBody.ParticipantDisconnected.class, true),
    PARTICIPANT_RECONNECTED("participant.reconnected", EventBody.ParticipantReconnected.class, true),
    CHAT_MESSAGE("chat.message", EventBody.ChatMessage.class, true),
    INVITE_CREATED("invite.created", EventBody.InviteCreated.class, true),
    INVITE_REVOKED("invite.revoked", EventBody.InviteRevoked.class, true),
    OWNER_TRANSFERRED("owner.transferred", EventBody.OwnerTransferred.class, true),
    CONTROL_REQUESTED("control.requested", EventBody.ControlRequested.class, true),
    CONTROL_WITHDRAWN("control.withdrawn", EventBody.ControlWithdrawn.class, true),
    CONTROL_GRANTED("control.granted", EventBody.ControlGranted.class, true),
    CONTROL_DENIED("control.denied", EventBody.ControlDenied.class, true),
    CONTROL_HANDOFF_REQUESTED("control.handoff.requested", EventBody.ControlHandoffRequested.class, true),
    CONTROL_RELEASED("control.released", EventBody.ControlReleased.class, true),
    CONTROL_REVOKED("control.revoked", EventBody.ControlRevoked.class, true),
    SCREEN_SHARE_STARTED("screen.share.started", EventBody.ScreenShareInfo.class, true),
    SCREEN_SHARE_UPDATED("screen.share.updated", EventBody.ScreenShareInfo.class, true),
    SCREEN_SHARE_STOPPED("screen.share.stopped", EventBody.ScreenShareStopped.class, true),
    NOTE_ADDED("note.added", EventBody.NoteAdded.class, true),
    SESSION_ENDED("session.ended", EventBody.SessionEnded.class, true),
    KB_SHARED("kb.shared", EventBody.KbShared.class, true),
    SESSION_SNAPSHOT("session.snapshot", EventBody.Snapshot.class, false),
    SCREEN_SIGNAL("screen.signal", EventBody.Signal.class, false),
    SCREEN_POINTER("screen.pointer", EventBody.Pointer.class, false),
    RECORDING_STATUS("recording.status", EventBody.RecordingStatus.class, false);

    private static final Map<String, EventType> BY_WIRE = new HashMap<>();

    static {
        for (EventType type : values()) {
            BY_WIRE.put(type.wire, type);
        }
    }

    private final String wire;
    private final Class<? extends EventBody> bodyClass;
    private final boolean recorded;

    EventType(String wire, Class<? extends EventBody> bodyClass, boolean recorded) {
        this.wire = wire;
        this.bodyClass = bodyClass;
        this.recorded = recorded;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public Class<? extends EventBody> bodyClass() {
        return bodyClass;
    }

    /** Recorded events carry a seq and go into the transcript; the others are ephemeral. */
    public boolean recorded() {
        return recorded;
    }

    /** @return the type, or {@code null} when the name is not an event */
    public static EventType fromWire(String wire) {
        return BY_WIRE.get(wire);
    }
}
