package dev.tierline.bench;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;

/**
 * How long this machine's disk takes to make a small write durable, alone: 4 KiB written and
 * {@code force}d (fdatasync) in a loop, in the file system the servers' data directories are in.
 * The writes go round a 4 MiB file, and only the rounds after the first are timed: SQLite's log,
 * once it has started over, is written in place too, so no sync has to grow the file. Strict
 * recording waits for one such sync per group commit: this is the floor of its latency that no
 * code of Tierline's can go below.
 */
final class DiskProbe {
    record Result(int syncs, long p50Micros, long p99Micros, long p999Micros, long maxMicros) {}

    private static final int PAGE = 4096;
    private static final int PAGES = 1024;

    private DiskProbe() {
    }

    static Result run(int syncs) throws Exception {
        Path dir = Files.createTempDirectory("tierline-disk-probe");
        Path file = dir.resolve("probe");
        Histogram micros = new Histogram(60_000_000L, 3);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer page = ByteBuffer.allocateDirect(PAGE);
            for (int i = 0; i < PAGES + syncs; i++) {
                page.clear();
                channel.write(page, (long) (i % PAGES) * PAGE);
                long t0 = System.nanoTime();
                channel.force(false);
                if (i >= PAGES) {
                    micros.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                }
            }
        } finally {
            TempDirs.delete(dir);
        }
        return new Result(syncs, micros.getValueAtPercentile(50), micros.getValueAtPercentile(99),
                micros.getValueAtPercentile(99.9), micros.getMaxValue());
    }
}
