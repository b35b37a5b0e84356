package dev.tierline.protocol;

import java.util.HashMap;
import java.util.Map;

/** The wire name of every command and the record its body decodes to. */
public enum CommandType {
    HELLO("hello", CommandBody.Hello.class),
    REQUEST_OPEN("request.open", CommandBody.RequestOpen.class),
    QUEUE_LIST("queue.list", CommandBody.QueueList.class),
    SESSION_CREATE("session.create", CommandBody.SessionCreate.class),
    SESSION_ACCEPT("session.accept", CommandBody.SessionAccept.class),
    SESSION_JOIN("session.join", CommandBody.SessionJoin.class),
    SESSION_LEAVE("session.leave", CommandBody.SessionLeave.class),
    CHAT_SEND("chat.send", CommandBody.ChatSend.class),
    INVITE_CREATE("invite.create", CommandBody.InviteCreate.class),
    INVITE_REVOKE("invite.revoke", CommandBody.InviteRevoke.class),
    OWNER_TRANSFER("owner.transfer", CommandBody.OwnerTransfer.class),
    CONTROL_REQUEST("control.request", CommandBody.ControlRequest.class),
    CONTROL_WITHDRAW("control.withdraw", CommandBody.ControlWithdraw.class),
    CONTROL_GRANT("control.grant", CommandBody.ControlGrant.class),
    CONTROL_DENY("control.deny", CommandBody.ControlDeny.class),
    CONTROL_HANDOFF("control.handoff", CommandBody.ControlHandoff.class),
    CONTROL_RELEASE("control.release", CommandBody.ControlRelease.class),
    CONTROL_REVOKE("control.revoke", CommandBody.ControlRevoke.class),
    SCREEN_SHARE_START("screen.share.start", CommandBody.ScreenShareStart.class),
    SCREEN_SHARE_UPDATE("screen.share.update", CommandBody.ScreenShareUpdate.class),
    SCREEN_SHARE_STOP("screen.share.stop", CommandBody.ScreenShareStop.class),
    SCREEN_SIGNAL("screen.signal", CommandBody.ScreenSignal.class),
    SCREEN_POINTER("screen.pointer", CommandBody.ScreenPointer.class),
    NOTE_ADD("note.add", CommandBody.NoteAdd.class),
    SESSION_END("session.end", CommandBody.SessionEnd.class),
    KB_SEARCH("kb.search", CommandBody.KbSearch.class),
    KB_SHARE("kb.share", CommandBody.KbShare.class),
    REQUEST_SELF_RESOLVE("request.selfResolve", CommandBody.RequestSelfResolve.class),
    REQUEST_QUEUE("request.queue", CommandBody.RequestQueue.class);

    private static final Map<String, CommandType> BY_WIRE = new HashMap<>();
    private static final Map<Class<?>, CommandType> BY_BODY = new HashMap<>();

    static {
        for (CommandType type : values()) {
            BY_WIRE.put(type.wire, type);
            BY_BODY.put(type.bodyClass, type);
        }
    }

    private final String wire;
    private final Class<? extends CommandBody> bodyClass;

    CommandType(String wire, Class<? extends CommandBody> bodyClass) {
        this.wire = wire;
        this.bodyClass = bodyClass;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String wire() {
        return wire;
    }

    public Class<? extends CommandBody> bodyClass() {
        return bodyClass;
    }

    /** Commands that work on an existing session and so need {@code session} in the envelope. */
    public boolean needsSession() {
        return switch (this) {
            case HELLO, REQUEST_OPEN, QUEUE_LIST, SESSION_CREATE, KB_SEARCH -> false;
            default -> true;
        };
    }

    /** The type whose body is {@code body}'s record (each command has a record of its own). */
    public static CommandType of(CommandBody body) {
        return BY_BODY.get(body.getClass());
    }

    /** @return the type, or {@code null} when the name is not a command */
    public static CommandType fromWire(String wire) {
        return BY_WIRE.get(wire);
    }
}
