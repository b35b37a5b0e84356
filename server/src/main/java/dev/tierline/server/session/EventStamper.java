package dev.tierline.server.session;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Event;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Turns accepted drafts into events: the next seqs of the session, one time, one actor. */
public final class EventStamper {
    private EventStamper() {
    }

    public static List<Event> stamp(SessionState state, List<Decision.Draft> drafts, Actor actor, Instant now) {
        List<Event> events = new ArrayList<>(drafts.size());
        // the transcript keeps milliseconds; what participants see must be what is recorded
        now = now.truncatedTo(ChronoUnit.MILLIS);
        long seq = state.seq();
        for (Decision.Draft draft : drafts) {
            events.add(new Event(draft.type(), state.id(), ++seq, now, actor, draft.audience(), draft.body()));
        }
        return events;
    }
}
