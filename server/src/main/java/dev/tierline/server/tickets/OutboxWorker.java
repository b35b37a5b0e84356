package dev.tierline.server.tickets;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the outbox holds, on its own thread so no event loop and no session ever waits for a
 * ticket system. Deliveries for one ticket and sink go in order: while one is failing, the later
 * ones for that ticket wait behind it, so a ticket's history never shows a transcript before the
 * notes that came first. Failures back off exponentially with jitter, up to a cap, and never stop.
 */
public final class OutboxWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);
    private static final int BATCH = 500;

    private final OutboxStore store;
    private final Map<String, TicketSink> sinks;
    private final Duration retryBase;
    private final Duration retryMax;
    private final Thread thread;
    private final Object signal = new Object();
    private final Map<String, long[]> counts = new ConcurrentHashMap<>();
    private final Map<String, Counter> delivered = new ConcurrentHashMap<>();
    private final Map<String, Counter> failed = new ConcurrentHashMap<>();
    private boolean woken;
    private volatile boolean running = true;

    public OutboxWorker(OutboxStore store, List<TicketSink> sinks, Duration retryBase, Duration retryMax,
                        MeterRegistry registry) {
        this.store = store;
        this.sinks = new java.util.LinkedHashMap<>();
        for (TicketSink sink : sinks) {
            this.sinks.put(sink.name(), sink);
            counts.put(sink.name(), new long[2]);
            Gauge.builder("tierline.outbox.pending", counts, c -> c.getOrDefault(sink.name(), new long[2])[0])
                    .tag("sink", sink.name()).description("deliveries not yet accepted by the other system").register(registry);
            Gauge.builder("tierline.outbox.stuck", counts, c -> c.getOrDefault(sink.name(), new long[2])[1])
                    .tag("sink", sink.name()).description("deliveries that failed " + OutboxStore.STUCK_AFTER_ATTEMPTS
                            + " times or more and are still being retried").register(registry);
            delivered.put(sink.name(), Counter.builder("tierline.outbox.delivered").tag("sink", sink.name())
                    .description("deliveries accepted").register(registry));
            failed.put(sink.name(), Counter.builder("tierline.outbox.failures").tag("sink", sink.name())
                    .description("delivery attempts that failed (each is retried)").register(registry));
        }
        this.retryBase = retryBase;
        this.retryMax = retryMax;
        this.thread = new Thread(this::run, "tierline-outbox");
        thread.setDaemon(true);
        thread.start();
    }

    /** New deliveries were committed: look now rather than at the next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (running) {
            boolean pending;
            try {
                pending = round();
            } catch (SQLException | RuntimeException e) {
                log.warn("outbox round failed; trying again shortly: {}", e.toString());
                pending = true;
            }
            synchronized (signal) {
                if (!woken && running) {
                    try {
                        signal.wait(pending ? 250 : 5_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    /** @return whether anything is still undelivered */
    private boolean round() throws SQLException {
        List<Delivery> due = store.undelivered(BATCH);
        Set<String> blocked = new HashSet<>();
        long now = System.currentTimeMillis();
        for (Delivery d : due) {
            String key = d.sink() + "\n" + d.ticket();
            TicketSink sink = sinks.get(d.sink());
            if (!running || sink == null || blocked.contains(key) || d.nextAttemptAt() > now) {
                blocked.add(key); // keep the ticket's order: nothing later goes before this one
                continue;
            }
            try {
                String ref = sink.deliver(d);
                store.markDelivered(d.id(), System.currentTimeMillis(), ref);
                delivered.get(d.sink()).increment();
                log.info("delivered {} {} for ticket {} session {} to {}{}", d.kind(), d.id(), d.ticket(), d.session(),
                        d.sink(), ref == null ? "" : " as " + ref);
            } catch (Exception e) {
                blocked.add(key);
                failed.get(d.sink()).increment();
                long next = System.currentTimeMillis() + backoff(d.attempts() + 1).toMillis();
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                store.markFailed(d.id(), next, reason);
                log.warn("delivery {} to {} for ticket {} failed (attempt {}): {}; next try at {}", d.id(), d.sink(),
                        d.ticket(), d.attempts() + 1, reason, Instant.ofEpochMilli(next));
            }
            now = System.currentTimeMillis();
        }
        Map<String, long[]> fresh = store.counts();
        for (String sink : sinks.keySet()) {
            counts.put(sink, fresh.getOrDefault(sink, new long[2]));
        }
        return fresh.values().stream().anyMatch(c -> c[0] > 0);
    }

    /** Exponential, capped, with jitter in the upper half so retries from many tickets spread out. */
    Duration backoff(int attempt) {
        long cap = retryMax.toMillis();
        long exp = retryBase.toMillis() << Math.min(attempt - 1, 20);
        long ceiling = Math.min(cap, exp);
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
