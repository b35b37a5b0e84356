package dev.tierline.server.relay;

import dev.tierline.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/** The relay's counters, as Micrometer meters (scraped at /metrics); read back here for tests and /healthz. */
public final class RelayMetrics {
    final Counter connections;
    final Counter eventsRecorded;
    final Counter framesRelayed;
    final Counter pointersCoalesced;
    final Counter slowReadersClosed;
    final Counter connectionsRefused;
    final Counter rateLimited;
    /** Exceptions that reached a connection's last handler: each one is a bug or a hostile frame we did not foresee. */
    final Counter handlerExceptions;
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);

    public RelayMetrics(MeterRegistry registry) {
        connections = counter(registry, "tierline.connections.accepted", "WebSocket connections that completed the upgrade");
        eventsRecorded = counter(registry, "tierline.events.recorded", "events made durable in the journal");
        framesRelayed = counter(registry, "tierline.events.relayed", "event frames written to participants");
        pointersCoalesced = counter(registry, "tierline.pointers.coalesced",
                "pointer updates replaced by a newer one for a reader that could not keep up");
        slowReadersClosed = counter(registry, "tierline.slow.readers.closed",
                "connections closed for unsent bytes past the high-water mark");
        connectionsRefused = counter(registry, "tierline.connections.refused",
                "connections closed at once: too many from one address");
        rateLimited = counter(registry, "tierline.rate.limited", "frames refused with rate_limited");
        handlerExceptions = counter(registry, "tierline.handler.exceptions", "unexpected exceptions that closed a connection");
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("tierline.errors").tag("code", code.wire())
                    .description("error replies sent, by code").register(registry));
        }
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    void error(ErrorCode code) {
        errors.get(code).increment();
    }

    public long pointersCoalesced() {
        return (long) pointersCoalesced.count();
    }

    public long slowReadersClosed() {
        return (long) slowReadersClosed.count();
    }

    public long connectionsRefused() {
        return (long) connectionsRefused.count();
    }

    public long rateLimited() {
        return (long) rateLimited.count();
    }

    public long handlerExceptions() {
        return (long) handlerExceptions.count();
    }
}
