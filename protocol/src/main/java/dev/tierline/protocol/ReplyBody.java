package dev.tierline.protocol;

import java.time.Instant;
import java.util.List;

/** Bodies of {@code ack} and {@code welcome} replies, one record per kind of answer. */
public sealed interface ReplyBody {

    /** Reply to {@code hello}: who the server took you for, and the limits it enforces. */
    record Welcome(Actor you, ServerInfo server, Limits limits) implements ReplyBody {}

    record ServerInfo(String name, String version, int protocol) {}

    record Limits(int maxFrameBytes, int maxParticipants, int messagesPerSecond) {}

    /**
     * Reply to {@code session.create} and {@code request.open}.
     *
     * @param key         the end user's session key ({@code session.create} only); never recorded
     * @param suggestions public knowledge articles matching a request's summary ({@code request.open} only)
     */
    record SessionOpened(String session, String ticket, String key, List<ArticleHit> suggestions) implements ReplyBody {
        public SessionOpened(String session, String ticket, String key) {
            this(session, ticket, key, null);
        }
    }

    /** A knowledge article found by a search, best first; {@code snippet} is the start of its symptoms. */
    record ArticleHit(String id, int version, String title, String snippet, String audience, List<String> tags) {}

    /** Reply to {@code kb.search}: the articles found, best match first. */
    record ArticleResults(List<ArticleHit> results) implements ReplyBody {}

    /** Reply to {@code session.join}: the snapshot and any replayed events follow as events. */
    record Joined(String session, String participant, long seq) implements ReplyBody {}

    /** Reply to {@code invite.create}: the secret token goes to its creator only. */
    record InviteIssued(String invite, String token, Instant expiresAt) implements ReplyBody {}

    record QueueListing(List<QueuedRequest> requests) implements ReplyBody {}

    record QueuedRequest(String session, String ticket, String topic, String summary, String user,
                         Instant waitingSince) {}

    /** Replies with nothing more to say than "done". */
    record Done() implements ReplyBody {}
}
