package dev.tierline.server.relay;

import java.util.concurrent.atomic.LongAdder;

/** Counters one server keeps; shown on /healthz (Prometheus export comes with the operations work). */
public final class RelayMetrics {
    final LongAdder connections = new LongAdder();
    final LongAdder eventsRecorded = new LongAdder();
    final LongAdder framesRelayed = new LongAdder();
    final LongAdder pointersCoalesced = new LongAdder();
    final LongAdder slowReadersClosed = new LongAdder();
    final LongAdder errorsSent = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    /** Exceptions that reached a connection's last handler: each one is a bug or a hostile frame we did not foresee. */
    final LongAdder handlerExceptions = new LongAdder();

    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    public long rateLimited() {
        return rateLimited.sum();
    }

    public long handlerExceptions() {
        return handlerExceptions.sum();
    }

    public long errorsSent() {
        return errorsSent.sum();
    }

    public long pointersCoalesced() {
        return pointersCoalesced.sum();
    }

    public long slowReadersClosed() {
        return slowReadersClosed.sum();
    }
}
