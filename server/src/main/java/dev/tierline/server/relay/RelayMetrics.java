package dev.tierline.server.relay;

import dev.tierline.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
        connections = Counter.builder("tierline.connections.accepted")
                .description("WebSocket connections that completed the upgrade").register(registry);
        eventsRecorded = Counter.builder("tierline.events.recorded")
                .description("events made durable in the journal").register(registry);
        framesRelayed = Counter.builder("tierline.events.relayed")
                .description("event frames written to participants").register(registry);
        pointersCoalesced = Counter.builder("tierline.pointers.coalesced")
                .description("pointer updates replaced by a newer one for a reader that could not keep up").register(registry);
        slowReadersClosed = Counter.builder("tierline.slow.readers.closed")
                .description("connections closed for unsent bytes past the high-water mark").register(registry);
        connectionsRefused = Counter.builder("tierline.connections.refused")
                .description("connections closed at once: too many from one address").register(registry);
        rateLimited = Counter.builder("tierline.rate.limited")
                .description("frames refused with rate_limited").register(registry);
        handlerExceptions = Counter.builder("tierline.handler.exceptions")
                .description("unexpected exceptions that closed a connection").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("tierline.errors").tag("code", code.wire())
                    .description("error replies sent, by code").register(registry));
        }
    }

    /** For tests and tools that do not scrape. */
    public RelayMetrics() {
        this(new SimpleMeterRegistry());
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

    public long errorsSent() {
        return (long) errors.values().stream().mapToDouble(Counter::count).sum();
    }

    public long errorsSent(ErrorCode code) {
        return (long) errors.get(code).count();
    }
}
