package dev.tierline.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.Reply;
import dev.tierline.protocol.ReplyBody;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A joined session. The commands are shortcuts for {@link TierlineClient#send}; each future
 * completes with the ack (its {@code seq} is the first event the command recorded).
 */
public interface TierlineSession {
    String id();

    /** This client's participant id in the session. */
    String participantId();

    /** The seq of the last recorded event this client has seen; resumption starts after it. */
    long lastSeq();

    /** The session as it was when this client (re)joined. */
    EventBody.Snapshot snapshot();

    /** Events of this session, in seq order, without duplicates, on the callback executor. */
    void onEvent(Consumer<Event> listener);

    CompletableFuture<Reply> send(CommandBody body);

    default CompletableFuture<Reply> chat(String text) {
        return send(new CommandBody.ChatSend(text, "all"));
    }

    /** A message only technicians receive. */
    default CompletableFuture<Reply> chatTechnicians(String text) {
        return send(new CommandBody.ChatSend(text, "technicians"));
    }

    default CompletableFuture<Reply> leave() {
        return send(new CommandBody.SessionLeave());
    }

    CompletableFuture<ReplyBody.InviteIssued> invite(CommandBody.InviteCreate invite);

    default CompletableFuture<Reply> revokeInvite(String inviteId) {
        return send(new CommandBody.InviteRevoke(inviteId));
    }

    default CompletableFuture<Reply> transferOwner(String to, String reason) {
        return send(new CommandBody.OwnerTransfer(to, reason));
    }

    default CompletableFuture<Reply> requestControl() {
        return send(new CommandBody.ControlRequest());
    }

    default CompletableFuture<Reply> withdrawControlRequest() {
        return send(new CommandBody.ControlWithdraw());
    }

    default CompletableFuture<Reply> grantControl(String to) {
        return send(new CommandBody.ControlGrant(to));
    }

    default CompletableFuture<Reply> denyControl(String to) {
        return send(new CommandBody.ControlDeny(to));
    }

    default CompletableFuture<Reply> handoffControl(String to) {
        return send(new CommandBody.ControlHandoff(to));
    }

    default CompletableFuture<Reply> releaseControl() {
        return send(new CommandBody.ControlRelease());
    }

    default CompletableFuture<Reply> revokeControl() {
        return send(new CommandBody.ControlRevoke());
    }

    default CompletableFuture<Reply> startShare(String stream, List<CommandBody.Display> displays, String codec,
                                                Integer maxFps) {
        return send(new CommandBody.ScreenShareStart(stream, displays, codec, maxFps));
    }

    default CompletableFuture<Reply> updateShare(String stream, List<CommandBody.Display> displays, String codec,
                                                 Integer maxFps) {
        return send(new CommandBody.ScreenShareUpdate(stream, displays, codec, maxFps));
    }

    default CompletableFuture<Reply> stopShare() {
        return send(new CommandBody.ScreenShareStop());
    }

    default CompletableFuture<Reply> signal(String to, String kind, JsonNode payload) {
        return send(new CommandBody.ScreenSignal(to, kind, payload));
    }

    default CompletableFuture<Reply> pointer(String display, double x, double y) {
        return send(new CommandBody.ScreenPointer(display, x, y));
    }

    default CompletableFuture<Reply> addNote(String text) {
        return send(new CommandBody.NoteAdd(text));
    }

    default CompletableFuture<Reply> end(String outcome, String resolution) {
        return send(new CommandBody.SessionEnd(outcome, resolution));
    }
}
