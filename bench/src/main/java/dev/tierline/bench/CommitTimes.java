package dev.tierline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A timer of Tierline's own {@code /metrics} (a Micrometer percentile histogram) over one phase:
 * read before and after, the difference is how many the phase recorded and how long they took.
 * The bench reads three: {@code tierline_journal_commit_seconds}, each group commit's write and
 * sync; {@code tierline_journal_commit_sync_seconds}, the database's commit call within it (for
 * SQLite, writing and syncing the log), which tells a stalling disk from a slow writer; and
 * {@code tierline_journal_durable_seconds}, each command's wait from hand-over to the journal to
 * durable, which in strict mode is part of every event's latency.
 */
final class CommitTimes {
    static final String COMMIT = "tierline_journal_commit_seconds";
    static final String SYNC = "tierline_journal_commit_sync_seconds";
    static final String DURABLE = "tierline_journal_durable_seconds";
    /** A plain timer (count and sum): the writer's holds for SQLite's log to start over. */
    static final String CATCH_UP = "tierline_journal_log_catchup_seconds";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Cumulative counts by upper bound in seconds, as scraped. */
    record Snapshot(TreeMap<Double, Double> cumulative) {}

    /** Timings in a phase, and the bucket bound that 99 % and 99.9 % of them fell within. */
    record Figures(long count, double perSecond, double p99Micros, double p999Micros, double over1msShare) {}

    /** A plain timer's count and total over a phase. */
    record Holds(long count, double totalMillis) {}

    private CommitTimes() {
    }

    /** {@code [count, sum in seconds]} of a plain timer in a scrape. */
    static double[] totals(String scrape, String timer) {
        double[] totals = new double[2];
        for (String line : scrape.split("\n")) {
            if (line.startsWith(timer + "_count ")) {
                totals[0] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith(timer + "_sum ")) {
                totals[1] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return totals;
    }

    static Holds between(double[] before, double[] after) {
        return new Holds((long) (after[0] - before[0]), (after[1] - before[1]) * 1000);
    }

    /** The whole exposition, once per reading: each timer is then parsed out of the same text. */
    static String scrape(URI metrics) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static Snapshot read(String scrape, String timer) {
        String bucket = timer + "_bucket{le=\"";
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(bucket)) {
                int close = line.indexOf('"', bucket.length());
                String le = line.substring(bucket.length(), close);
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                buckets.put(bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        if (buckets.isEmpty()) {
            throw new IllegalStateException("no " + bucket + " lines in /metrics");
        }
        return new Snapshot(buckets);
    }

    static Figures between(Snapshot before, Snapshot after, double seconds) {
        TreeMap<Double, Double> counts = new TreeMap<>();
        after.cumulative().forEach((bound, count) -> counts.put(bound, count - before.cumulative().getOrDefault(bound, 0.0)));
        double total = counts.lastEntry().getValue();
        Double upTo1ms = counts.floorEntry(0.001) == null ? 0.0 : counts.floorEntry(0.001).getValue();
        return new Figures((long) total, total / seconds, bound(counts, total * 0.99), bound(counts, total * 0.999),
                total == 0 ? 0 : (total - upTo1ms) / total);
    }

    /** The smallest bucket bound, in µs, with at least {@code rank} timings at or below it. */
    private static double bound(TreeMap<Double, Double> counts, double rank) {
        for (Map.Entry<Double, Double> e : counts.entrySet()) {
            if (e.getValue() >= rank) {
                return e.getKey() * 1e6;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
