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

    public long pointersCoalesced() {
        return pointersCoalesced.sum();
    }

    public long slowReadersClosed() {
        return slowReadersClosed.sum();
    }
}
