package dev.tierline.bench;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The support-session workload: S sessions of P participants, each publishing chat of B bytes that
 * every other participant of its session receives. Payload: {@code sender|seq|intendedNanos|pad}.
 */
final class Workload implements Target.Sink {
    record Shape(int sessions, int participants, int bytes, int window) {}

    record Phase(String mode, double seconds, long published, long delivered, double publishedPerSecond,
                 double deliveredPerSecond, long lost, long duplicatedOrReordered, Histogram latencyMicros,
                 double cpuMicrosPerDelivery) {}

    private static final int RING = 4096;

    private final Shape shape;
    private final Target target;
    private final int publishers;
    /** Next seq each receiver expects from each sender, [session][receiver][sender]. */
    private final int[][][] expected;
    private final long[][][] received;
    private final AtomicIntegerArray sentBy;
    private final Object[] senderLocks;
    /** Deliveries so far of each message still in a sender's window (saturation). */
    private final AtomicIntegerArray deliveries;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder published = new LongAdder();
    /** Published messages the server refused: their deliveries are not waited for, nor counted lost. */
    private final LongAdder refused = new LongAdder();
    private final LongAdder reordered = new LongAdder();
    private final Recorder latency = new Recorder(3_600_000_000L, 3);
    private final String padding;
    private volatile boolean saturating;
    private volatile boolean stopped = true;

    Workload(Shape shape, Target target) {
        this.shape = shape;
        this.target = target;
        this.publishers = shape.sessions() * shape.participants();
        this.expected = new int[shape.sessions()][shape.participants()][shape.participants()];
        this.received = new long[shape.sessions()][shape.participants()][shape.participants()];
        this.sentBy = new AtomicIntegerArray(publishers);
        this.senderLocks = new Object[publishers];
        for (int i = 0; i < publishers; i++) {
            senderLocks[i] = new Object();
        }
        this.deliveries = new AtomicIntegerArray(publishers * RING);
        this.padding = "x".repeat(shape.bytes());
    }

    private String payload(int sender, int seq, long intendedNanos) {
        String head = sender + "|" + seq + "|" + intendedNanos + "|";
        return head + padding.substring(0, Math.max(0, shape.bytes() - head.length()));
    }

    @Override
    public void onMessage(int session, int receiver, String payload) {
        int a = payload.indexOf('|');
        int b = payload.indexOf('|', a + 1);
        int c = payload.indexOf('|', b + 1);
        int sender = Integer.parseInt(payload, 0, a, 10);
        int local = sender % shape.participants();
        if (local == receiver) {
            return; // brokers echo to the publisher; the workload does not count that
        }
        int seq = Integer.parseInt(payload, a + 1, b, 10);
        long intended = Long.parseLong(payload, b + 1, c, 10);
        long now = System.nanoTime();
        int[] next = expected[session][receiver];
        if (seq == next[local]) {
            next[local]++;
        } else if (seq > next[local]) {
            next[local] = seq + 1; // a gap: counted as lost at the end unless it turns up
        } else {
            reordered.increment();
        }
        received[session][receiver][local]++;
        delivered.increment();
        if (!saturating) {
            latency.recordValue(Math.max(0, (now - intended) / 1000));
            Timeline t = timeline;
            if (t != null) {
                t.record(intended, now - intended);
            }
        } else if (deliveries.incrementAndGet(sender * RING + seq % RING) == shape.participants() - 1) {
            deliveries.set(sender * RING + seq % RING, 0);
            if (!stopped) {
                send(sender, now); // the window slot is free: next message
            }
        }
    }

    /**
     * A refused message frees its window slot as a delivered one does: at saturation its sender
     * stalled for good otherwise, and the run measured fewer publishers than it had.
     */
    @Override
    public void onRefused(int sender, int seq) {
        refused.increment();
        if (saturating && !stopped) {
            send(sender, System.nanoTime());
        }
    }

    /** Per sender: the seq is taken and the message queued in one step, so the generator never reorders. */
    private void send(int sender, long intendedNanos) {
        synchronized (senderLocks[sender]) {
            int seq = sentBy.getAndIncrement(sender);
            published.increment();
            target.publish(sender / shape.participants(), sender % shape.participants(), payload(sender, seq, intendedNanos));
        }
    }

    /** Each publisher keeps a window of messages in flight; a message completes when all others have it. */
    Phase saturation(double seconds) {
        saturating = true;
        stopped = false;
        long cpu0 = Cpu.micros(target.serverPid());
        long start = System.nanoTime();
        long delivered0 = delivered.sum();
        long published0 = published.sum();
        long reordered0 = reordered.sum();
        for (int w = 0; w < shape.window(); w++) {
            for (int p = 0; p < publishers; p++) {
                send(p, System.nanoTime());
            }
        }
        sleep(seconds);
        long elapsed = System.nanoTime() - start;
        long deliveredN = delivered.sum() - delivered0;
        long publishedN = published.sum() - published0;
        long cpu = Cpu.micros(target.serverPid()) - cpu0;
        stopped = true;
        drain();
        saturating = false;
        Phase phase = phase("saturation", elapsed, publishedN, deliveredN, null, cpu);
        return new Phase(phase.mode(), phase.seconds(), phase.published(), phase.delivered(), phase.publishedPerSecond(),
                phase.deliveredPerSecond(), phase.lost(), reordered.sum() - reordered0, null, phase.cpuMicrosPerDelivery());
    }

    private volatile Timeline timeline;

    /** Open loop: messages are due at fixed times; latency counts from when each was due. */
    Phase fixedRate(double perSecond, double seconds) {
        long delivered0 = delivered.sum();
        long published0 = published.sum();
        long reordered0 = reordered.sum();
        latency.getIntervalHistogram(); // reset
        stopped = false;
        long cpu0 = Cpu.micros(target.serverPid());
        long start = System.nanoTime();
        timeline = Timeline.ifRequested(start, seconds);
        long total = (long) (perSecond * seconds);
        double spacing = 1e9 / perSecond;
        for (long j = 0; j < total; j++) {
            long due = start + (long) (j * spacing);
            long wait = due - System.nanoTime();
            if (wait > 20_000) {
                LockSupport.parkNanos(wait);
            }
            send((int) (j % publishers), due);
        }
        drain();
        long elapsed = System.nanoTime() - start;
        long cpu = Cpu.micros(target.serverPid()) - cpu0;
        stopped = true;
        Timeline t = timeline;
        timeline = null;
        if (t != null) {
            t.append(target.name() + ", fixed " + (int) perSecond + "/s for " + seconds + " s");
        }
        Phase phase = phase("fixed " + (int) perSecond + "/s", elapsed, published.sum() - published0,
                delivered.sum() - delivered0, latency.getIntervalHistogram(), cpu);
        return new Phase(phase.mode(), phase.seconds(), phase.published(), phase.delivered(), phase.publishedPerSecond(),
                phase.deliveredPerSecond(), phase.lost(), reordered.sum() - reordered0, phase.latencyMicros(),
                phase.cpuMicrosPerDelivery());
    }

    /** Waits (bounded) until everything published has arrived everywhere it should. */
    private void drain() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long want;
        do {
            want = expectedDeliveries();
            if (delivered.sum() >= want) {
                return;
            }
            LockSupport.parkNanos(2_000_000);
        } while (System.nanoTime() < deadline);
    }

    /** Since the start: every message published and not refused, at every participant but its sender. */
    private long expectedDeliveries() {
        return (published.sum() - refused.sum()) * (shape.participants() - 1);
    }

    private Phase phase(String mode, long elapsedNanos, long publishedN, long deliveredN, Histogram histogram, long cpu) {
        double s = elapsedNanos / 1e9;
        long lost = Math.max(0, expectedDeliveries() - delivered.sum());
        return new Phase(mode, s, publishedN, deliveredN, publishedN / s, deliveredN / s, lost, reordered.sum(),
                histogram, deliveredN == 0 || cpu < 0 ? -1 : (double) cpu / deliveredN);
    }

    private static void sleep(double seconds) {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < until) {
            LockSupport.parkNanos(until - System.nanoTime());
        }
    }
}
