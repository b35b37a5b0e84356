package dev.tierline.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * An event for an audience:
 * {@code {"v":1,"type":"chat.message","session":"s-8f2c","seq":42,"ts":"…","actor":{…},"audience":"all","body":{…}}}.
 *
 * @param seq per-session sequence number (1, 2, 3 … without gaps) of recorded events; {@code null}
 *            for ephemeral ones; for a snapshot, the seq of the last event it reflects
 */
@JsonPropertyOrder({"v", "type", "session", "seq", "ts", "actor", "audience", "body"})
public record Event(int v, EventType type, String session, Long seq, Instant ts, Actor actor,
                    Audience audience, EventBody body) implements ServerMessage {
    public Event {
        ProtocolException.present(type, "type");
        ProtocolException.present(body, "body");
        if (!type.bodyClass().isInstance(body)) {
            throw new IllegalArgumentException(type.wire() + " does not take " + body.getClass().getSimpleName());
        }
    }

    public Event(EventType type, String session, Long seq, Instant ts, Actor actor, Audience audience, EventBody body) {
        this(Protocol.VERSION, type, session, seq, ts, actor, audience, body);
    }

    public <T extends EventBody> T body(Class<T> type) {
        return type.cast(body);
    }
}
