package dev.tierline.server.session;

import dev.tierline.protocol.Audience;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.ReplyBody;
import java.util.List;

/** The outcome of {@link SessionDecider#decide}: events to record, an ephemeral relay, or a rejection. */
public sealed interface Decision {

    /** An event not yet stamped with seq, time and actor. */
    record Draft(EventType type, EventBody body, Audience audience) {}

    /** Record these events, in order, and answer with {@code reply}. */
    record Accept(List<Draft> events, ReplyBody reply) implements Decision {
        public Accept {
            events = List.copyOf(events);
        }
    }

    /**
     * Relay without recording.
     *
     * @param excludeActor whether the sender itself is left out (pointer moves go to everyone else)
     */
    record Relay(EventType type, EventBody body, Audience audience, boolean excludeActor) implements Decision {}

    record Reject(ErrorCode code, String message) implements Decision {}

    static Accept accept(ReplyBody reply, Draft... events) {
        return new Accept(List.of(events), reply);
    }

    static Reject reject(ErrorCode code, String message) {
        return new Reject(code, message);
    }

    static Draft draft(EventType type, EventBody body) {
        return new Draft(type, body, Audience.ALL);
    }

    static Draft draft(EventType type, EventBody body, Audience audience) {
        return new Draft(type, body, audience);
    }
}
