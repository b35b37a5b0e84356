package dev.tierline.bench;

import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * How late this machine wakes a thread that sleeps, alone: a thread parks for 1 ms at a time and
 * records by how much each sleep overran. A relay at a fixed rate sleeps between messages, and so
 * does each thread a message passes through (in strict mode the event loop, the journal's writer,
 * the event loop again), so every such hop can be as late as this. On a virtual machine an idle
 * virtual CPU is halted and its wake-up goes through the host: on the 2-core AMD host of
 * 2026-12-06 a C loop sleeping 1 ms overslept by more than 2 ms 22 times in 10 s, by up to 15-44
 * ms, where a busy loop on the same machine saw no gap over 3.7 ms.
 */
final class WakeupProbe {
    record Result(long sleeps, long p50Micros, long p99Micros, long p999Micros, long maxMicros, long over2MsCount) {}

    private static final long SLEEP_NANOS = 1_000_000;

    private WakeupProbe() {
    }

    static Result run(double seconds) {
        Histogram lateMicros = new Histogram(60_000_000L, 3);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long over2Ms = 0;
        for (long before = System.nanoTime(); before < end; ) {
            LockSupport.parkNanos(SLEEP_NANOS);
            long after = System.nanoTime();
            long late = Math.max(0, after - before - SLEEP_NANOS);
            lateMicros.recordValue(late / 1000);
            if (late > 2_000_000) {
                over2Ms++;
            }
            before = after;
        }
        return new Result(lateMicros.getTotalCount(), lateMicros.getValueAtPercentile(50),
                lateMicros.getValueAtPercentile(99), lateMicros.getValueAtPercentile(99.9), lateMicros.getMaxValue(),
                over2Ms);
    }
}
