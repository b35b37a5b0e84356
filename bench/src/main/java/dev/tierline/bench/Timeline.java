package dev.tierline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed-rate run's latency over time, for finding what sets a p99: per 10 ms of intended send
 * time, the worst latency of a delivery and how many took over 5 ms. A p99 alone does not tell a
 * steady queue from a stall, nor a stall of the server's from one of the machine's: on the AMD host
 * of 2026-12-06 this showed the floor and Tierline alike stalled about every 540 ms, the floor for
 * 5-20 ms and Tierline for 20-80 ms. Kept only when {@code BENCH_TIMELINE} names a file, to which
 * each run appends "ms-from-start worst-us over-5-ms" lines after a "#" header. The header gives the
 * run's start on {@code System.nanoTime}'s clock (CLOCK_MONOTONIC on Linux), which is ftrace's
 * "mono" clock, so kernel traces line up with it.
 */
final class Timeline {
    private static final long BUCKET_NANOS = 10_000_000L;
    private static final long SLOW_NANOS = 5_000_000L;

    private final Path file;
    private final long startNanos;
    private final AtomicLongArray cells; // per bucket: worst latency (µs), then the count over SLOW_NANOS

    /** @param file where {@link #append} writes, or {@code null} for a timeline that is only read */
    Timeline(Path file, long startNanos, double seconds) {
        this.file = file;
        this.startNanos = startNanos;
        this.cells = new AtomicLongArray(2 * (int) Math.ceil(seconds * 1e9 / BUCKET_NANOS + 100));
    }

    /** @return a timeline if the environment asks for one, else {@code null} */
    static Timeline ifRequested(long startNanos, double seconds) {
        String file = System.getenv("BENCH_TIMELINE");
        return file == null ? null : new Timeline(Path.of(file), startNanos, seconds);
    }

    void record(long intendedNanos, long latencyNanos) {
        if (intendedNanos < startNanos) {
            return; // (a division would put up to 10 ms before the start in the first bucket)
        }
        long bucket = (intendedNanos - startNanos) / BUCKET_NANOS;
        if (2 * bucket + 1 >= cells.length()) {
            return;
        }
        cells.accumulateAndGet((int) (2 * bucket), latencyNanos / 1000, Math::max);
        if (latencyNanos > SLOW_NANOS) {
            cells.incrementAndGet((int) (2 * bucket + 1));
        }
    }

    long worstMicros(int bucket) {
        return cells.get(2 * bucket);
    }

    long slowCount(int bucket) {
        return cells.get(2 * bucket + 1);
    }

    void append(String what) {
        if (file == null) {
            return;
        }
        StringBuilder out = new StringBuilder("# ").append(what).append(" at ").append(Instant.now())
                .append(", started at nanoTime ").append(startNanos).append('\n');
        for (int b = 0; 2 * b + 1 < cells.length(); b++) {
            out.append(b * BUCKET_NANOS / 1_000_000).append(' ').append(cells.get(2 * b)).append(' ')
                    .append(cells.get(2 * b + 1)).append('\n');
        }
        try {
            Files.writeString(file, out, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("timeline not written: " + e);
        }
    }
}
