package dev.tierline.client;

import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.Reply;
import dev.tierline.protocol.ReplyBody;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A connection to a Tierline server that reconnects and resumes by itself. Thread-safe. Every
 * future completes on the callback executor with the server's ack, or fails with a
 * {@link TierlineException} carrying the protocol error code.
 *
 * <pre>{@code
 * TierlineClient client = TierlineClient.builder()
 *         .uri(URI.create("ws://127.0.0.1:8420/ws"))
 *         .token(token)
 *         .build();
 * client.connect().join();
 * }</pre>
 */
public interface TierlineClient extends AutoCloseable {

    static ClientOptions.Builder builder() {
        return new ClientOptions.Builder();
    }

    /** Opens the connection and says hello; completes with who the server took us for. */
    CompletableFuture<ReplyBody.Welcome> connect();

    /** Any command; the reply's body is a tree (see {@code ProtocolCodec#replyBody}). */
    CompletableFuture<Reply> send(String session, CommandBody body);

    /** A technician opens a session for a ticket; the reply carries the end user's session key. */
    CompletableFuture<ReplyBody.SessionOpened> createSession(String ticket, String title);

    /** An end user asks for help; the request waits in the topic's queue. */
    CompletableFuture<ReplyBody.SessionOpened> openRequest(String topic, String summary, String ticket);

    /** The requests waiting in a topic's queue ({@code null}: every topic). */
    CompletableFuture<List<ReplyBody.QueuedRequest>> queue(String topic);

    /** Accepts a waiting request; the accepter owns the session and is in it. */
    CompletableFuture<TierlineSession> accept(String session);

    /**
     * Joins a session: with an invitation token, with the end user's session key, or with neither
     * when this identity is already in it (a creator, an accepter, a returning participant).
     */
    CompletableFuture<TierlineSession> join(String session, String invite);

    /**
     * Sends the command that {@code refused} is about once more, with the same id: the safe answer
     * to {@code UNAVAILABLE} (recording impaired, the journal behind, no reply in time). The server
     * applies a command id once; a retry of one it applied, or whose commit failed in name only, is
     * answered with the reply it had, as long as that is among the participant's last 512 replies
     * in the session. A {@code session.create} or {@code request.open} has no session yet: those
     * are decided afresh. Completes with the server's reply; after a join's, the session's handle
     * is in {@link #session}, and its snapshot follows. The exception keeps the command only in
     * memory: one that was serialized is not retryable.
     *
     * @throws IllegalArgumentException when {@code refused} is not about a command of this client
     *                                  ({@link TierlineException#retryable()})
     */
    CompletableFuture<Reply> retry(TierlineException refused);

    /** The handle of a joined session, or {@code null}. */
    TierlineSession session(String id);

    void addListener(TierlineListener listener);

    ConnectionState state();

    /** Closes the connection cleanly; nothing is resumed after this. */
    CompletableFuture<Void> closeAsync();

    @Override
    default void close() {
        closeAsync().join();
    }
}
