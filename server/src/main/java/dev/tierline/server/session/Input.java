package dev.tierline.server.session;

import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.CommandType;

/** What {@link SessionDecider#decide} reacts to: a client's command, or something the server noticed. */
public sealed interface Input {

    /** A command from a participant (or would-be participant). */
    record Client(CommandType type, CommandBody body) implements Input {
        public Client(CommandBody body) {
            this(CommandType.of(body), body);
        }
    }

    /**
     * A {@code session.join}, with what the relay verified about the joiner's right to come in.
     * The relay resolves secrets (invitation tokens, session keys); the core never sees them.
     *
     * @param inviteId the invitation the joiner presented, or {@code null}
     * @param keyHolder whether the joiner holds this session's end-user key
     */
    record Join(String inviteId, boolean keyHolder) implements Input {}

    /** The participant's connection closed without a leave. */
    record Disconnected(String participant) implements Input {}

    /** The participant's reconnect grace period ran out. */
    record GraceExpired(String participant) implements Input {}

    /** An L4 participant's access window ended. */
    record WindowEnded(String participant) implements Input {}

    /** Nothing happened in the session for the configured idle time. */
    record IdleTimeout() implements Input {}

    /** The server stopped, or is stopping, while the session was live. */
    record Interrupted(String reason) implements Input {
        /** Found when the server starts again after it stopped without ending the session. */
        public Interrupted() {
            this("the server stopped while the session was live");
        }
    }

    /**
     * A {@code kb.share}, with the article as the relay found it (the core does no I/O).
     *
     * @param audience who the share goes to: {@code all} or {@code technicians}
     */
    record ShareArticle(Article article, String audience) implements Input {}

    /** A {@code request.selfResolve}, with the article as the relay found it. */
    record SelfResolve(Article article) implements Input {}

    /** What the relay looked up about a knowledge article, for the core to decide on. */
    record Article(String id, int version, String title, String audience, boolean retired) {
        public boolean isPublic() {
            return "public".equals(audience);
        }
    }

    /**
     * A {@code request.open} for which the relay found public articles matching the summary: the
     * request waits for the end user's choice (self-resolve, or on to the queue) before any
     * technician sees it.
     */
    record SelfHelpRequest(CommandBody.RequestOpen open) implements Input {}
}
