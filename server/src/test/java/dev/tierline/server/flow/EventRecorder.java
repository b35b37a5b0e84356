package dev.tierline.server.flow;

import dev.tierline.client.TierlineListener;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventType;
import java.util.ArrayList;
import java.util.List;

/** Keeps every event a client's listener was given, in the order given. */
final class EventRecorder implements TierlineListener {
    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(Event event) {
        events.add(event);
    }

    synchronized List<Event> all() {
        return List.copyOf(events);
    }

    synchronized List<Event> ofType(EventType type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    synchronized boolean has(EventType type, java.util.function.Predicate<Event> match) {
        return events.stream().anyMatch(e -> e.type() == type && match.test(e));
    }
}
