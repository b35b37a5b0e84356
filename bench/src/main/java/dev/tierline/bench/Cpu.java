package dev.tierline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/** CPU time a process has used, from /proc: steadier than throughput on a shared machine. */
final class Cpu {
    /** Linux's USER_HZ; /proc/[pid]/stat counts in these ticks. */
    private static final long TICKS_PER_SECOND = 100;

    private Cpu() {
    }

    /** User + system CPU of {@code pid} in microseconds, or -1 when it cannot be read. */
    static long micros(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * 1_000_000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU of {@code pid}'s JIT compiler threads in microseconds: 0 for a process with none (Redis,
     * Mosquitto), -1 when it cannot be read. The warm-up reads it to tell when a JVM is done compiling.
     */
    static long compilerMicros(long pid) {
        if (pid <= 0) {
            return -1;
        }
        return microsUnder(Path.of("/proc", Long.toString(pid), "task"), entry -> true, stat -> {
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
        });
    }

    /**
     * utime + stime summed over the entries of a /proc folder whose name and stat line pass the
     * filters, in microseconds; -1 when the folder cannot be listed. An entry that ends between
     * the listing and the read is left out: a thread or process that ended has no more to add.
     */
    private static long microsUnder(Path dir, Predicate<String> entryName, Predicate<String> stat) {
        long ticks = 0;
        try (var entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (!entryName.test(entry.getFileName().toString())) {
                    continue;
                }
                try {
                    String line = Files.readString(entry.resolve("stat"));
                    if (stat.test(line)) {
                        ticks += ticks(line);
                    }
                } catch (IOException e) {
                    // ended between the listing and the read
                }
            }
            return ticks * 1_000_000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of a /proc stat line, in ticks; the fields are counted after the name's closing parenthesis. */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * CPU time of every process on the machine, kernel threads included, in microseconds; -1
     * where /proc cannot be listed. Summed per process rather than read from /proc/stat: on the
     * bench's virtual machines /proc/stat's per-state ticks are sampled, and over a few seconds
     * they gave 4 % busy while the generator alone took 7 % of the cores, and 62 % on the next run
     * of the same load; each process's own time is accounted exactly, and the sums matched a busy
     * loop to within 3 %. A process that starts and ends within the run is missed.
     */
    static long allProcessesMicros() {
        return microsUnder(Path.of("/proc"), name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit),
                stat -> true);
    }

    /** The pid of a running program by name (for services this machine runs), or -1. */
    static long pidOf(String program) {
        try {
            Process p = new ProcessBuilder("pgrep", "-o", "-x", program).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? Long.parseLong(out.split("\\s+")[0]) : -1;
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return -1;
        }
    }
}
