package dev.tierline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the whole comparison: every target, the same workload, one generator, one table. */
@Command(name = "tierline-bench", mixinStandardHelpOptions = true,
        description = "Tierline against a bare Netty relay, Redis pub/sub and Mosquitto, side by side.")
public final class BenchRunner implements Callable<Integer> {
    @Option(names = "--sessions", defaultValue = "250") int sessions;
    @Option(names = "--participants", defaultValue = "4") int participants;
    @Option(names = "--bytes", defaultValue = "200") int bytes;
    @Option(names = "--window", defaultValue = "8", description = "messages in flight per publisher (saturation)") int window;
    @Option(names = "--saturation-seconds", defaultValue = "6") double saturationSeconds;
    @Option(names = "--warmup-seconds", defaultValue = "10",
            description = "untimed saturation before each target is measured, at least") double warmupSeconds;
    @Option(names = "--warmup-max-seconds", defaultValue = "20",
            description = "untimed saturation at most: it goes on while the server's CPU per delivery still falls") double warmupMaxSeconds;
    @Option(names = "--rate", defaultValue = "5000", description = "published messages per second (fixed rate)") double rate;
    @Option(names = "--rate-seconds", defaultValue = "6") double rateSeconds;
    @Option(names = "--rate-runs", defaultValue = "3",
            description = "fixed-rate runs per target; the one with the median p99 is reported") int rateRuns;
    @Option(names = "--journal-events", defaultValue = "400", description = "events per session in the journal benchmark") int journalEvents;
    @Option(names = "--targets", split = ",", defaultValue = "floor,redis,mqtt,tierline-async,tierline-strict,tierline-strict-pg")
    List<String> targets;
    @Option(names = "--server-jar", defaultValue = "server/target/tierline-server.jar") Path serverJar;
    @Option(names = "--out", defaultValue = "bench/results.json") Path out;
    @Option(names = "--quick", description = "a short trial run: 50 sessions, 3 s phases, 1000 msgs/s") boolean quick;
    @Option(names = "--capacity-sessions", defaultValue = "2500",
            description = "idle sessions (4 connections each) for the capacity measurement; 0 skips it") int capacitySessions;
    @Option(names = "--resume-events", defaultValue = "1000",
            description = "events a participant misses before the resume measurement; 0 skips it") int resumeEvents;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchRunner()).execute(args));
    }

    /** {@code p99Runs}: every fixed-rate run's p99 in µs, the reported one among them; empty for saturation. */
    /** {@code warmupSeconds}: the untimed load before the row: saturation before the saturation row, the fixed rate before the fixed-rate row. */
    /**
     * {@code commits}, {@code syncs}, {@code durable}, {@code catchUps}: Tierline's journal commits,
     * the database's commit calls within them, its commands' waits from hand-over to durable, and
     * its writer's holds for SQLite's log to start over, during the reported fixed-rate run, from
     * its /metrics; else null.
     */
    private record Row(String target, Workload.Phase phase, List<Long> p99Runs, double warmupSeconds,
            CommitTimes.Figures commits, CommitTimes.Figures syncs, CommitTimes.Figures durable, CommitTimes.Holds catchUps,
            List<Double> jitShares, List<Host> hosts) {}

    @Override
    public Integer call() throws Exception {
        if (quick) {
            sessions = 50;
            saturationSeconds = 3;
            warmupSeconds = 2;
            warmupMaxSeconds = 4;
            rateSeconds = 3;
            rate = 1000;
            journalEvents = 100;
        }
        String benchJar = Path.of(BenchRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Workload.Shape shape = new Workload.Shape(sessions, participants, bytes, window);
        System.out.printf(Locale.ROOT, "%s, %d cores: %d sessions x %d participants, %d-byte chat, window %d, %.0f msgs/s%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), sessions, participants, bytes, window, rate);
        Map<String, Object> extra = new LinkedHashMap<>();
        Map<String, Map<String, Long>> refusedByTarget = new LinkedHashMap<>();
        extra.put("refusedPublishes", refusedByTarget);
        DiskProbe.Result disk = DiskProbe.run(quick ? 200 : 2000);
        System.out.printf(Locale.ROOT, "disk: %d syncs of 4 KiB written in place, alone: p50 %d us, p99 %d us, p99.9 %d us, max %d us%n",
                disk.syncs(), disk.p50Micros(), disk.p99Micros(), disk.p999Micros(), disk.maxMicros());
        extra.put("diskSync", disk);
        WakeupProbe.Result wakeup = WakeupProbe.run(quick ? 2 : 10);
        System.out.printf(Locale.ROOT, "wake-up: %,d sleeps of 1 ms, alone, overran by p50 %d us, p99 %d us, p99.9 %d us,"
                + " max %d us; %d by over 2 ms%n", wakeup.sleeps(), wakeup.p50Micros(), wakeup.p99Micros(),
                wakeup.p999Micros(), wakeup.maxMicros(), wakeup.over2MsCount());
        extra.put("wakeup", wakeup);
        List<Row> rows = new ArrayList<>();
        Map<String, String> startLines = new LinkedHashMap<>();
        for (String name : targets) {
            try (Target target = open(name, benchJar)) {
                Workload workload = new Workload(shape, target);
                long t0 = System.nanoTime();
                target.connect(sessions, participants, workload);
                System.out.printf(Locale.ROOT, "%s: %d connections in %.1f s%n", target.name(), sessions * participants,
                        (System.nanoTime() - t0) / 1e9);
                if (target.startLine() != null) {
                    System.out.println(target.name() + ": started: " + target.startLine());
                    startLines.put(target.name(), target.startLine());
                }
                Runnable scrape = scraper(target);
                double warmed = 0;
                if (warmupSeconds > 0) {
                    warmed = untilSteady(workload::saturation, Math.min(5, warmupSeconds), target.serverPid(),
                            warmupSeconds, Math.max(warmupSeconds, warmupMaxSeconds), scrape);
                    System.out.printf(Locale.ROOT, "%s: warmed up for %.0f s%n", target.name(), warmed);
                }
                Measured saturation = measure(target.serverPid(), () -> workload.saturation(saturationSeconds));
                System.out.printf(Locale.ROOT, "%s saturation: JIT compilers' share of the server's CPU %.1f %%; machine: %s%n",
                        target.name(), saturation.jitShare(), saturation.host());
                rows.add(new Row(target.name(), saturation.phase(), List.of(), warmed, null, null, null, null,
                        List.of(saturation.jitShare()), List.of(saturation.host())));
                double settled = 0;
                if (warmupSeconds > 0) {
                    double slice = Math.min(4, warmupSeconds);
                    settled = untilSteady(seconds -> workload.fixedRate(rate, seconds), slice, target.serverPid(),
                            2 * slice, Math.min(20, warmupMaxSeconds), scrape);
                    System.out.printf(Locale.ROOT, "%s: settled at the fixed rate for %.0f s%n", target.name(), settled);
                }
                rows.add(medianOf(target, workload, rateRuns, settled));
                Map<String, Long> refusals = target.refusals();
                if (!refusals.isEmpty()) {
                    System.out.printf(Locale.ROOT, "%s: chat messages the server refused, by code and first message: %s%n",
                            target.name(), refusals);
                    refusedByTarget.put(target.name(), refusals);
                }
            } catch (Exception e) {
                System.out.println(name + ": skipped: " + e);
            }
        }
        if (resumeEvents > 0) {
            try (TierlineTarget target = new TierlineTarget(serverJar.toString(), freePort(), "strict", Map.of())) {
                target.connect(1, 4, (s, r, p) -> { });
                java.time.Duration took = target.resumeAfter(resumeEvents);
                System.out.printf(Locale.ROOT, "resume: %d missed events replayed in %.1f ms%n", resumeEvents, took.toNanos() / 1e6);
                extra.put("resumeMissedEvents", resumeEvents);
                extra.put("resumeMillis", took.toNanos() / 1e6);
            } catch (Exception e) {
                System.out.println("resume: skipped: " + e);
            }
        }
        if (capacitySessions > 0) {
            try (TierlineTarget target = new TierlineTarget(serverJar.toString(), freePort(), "strict", Map.of())) {
                Capacity.Reading before = Capacity.read(target.serverPid());
                long t0 = System.nanoTime();
                target.connect(capacitySessions, 4, (s, r, p) -> { });
                double setup = (System.nanoTime() - t0) / 1e9;
                Capacity.Reading after = Capacity.read(target.serverPid());
                int connections = capacitySessions * 4;
                double heapPer = (after.heapBytes() - before.heapBytes()) / (double) connections;
                double rssPer = (after.rssBytes() - before.rssBytes()) / (double) connections;
                System.out.printf(Locale.ROOT, "capacity: %d idle sessions, %d connections (set up in %.1f s): heap %.0f MiB"
                                + " (%.1f KiB per connection), RSS %.0f MiB (%.1f KiB per connection); 2 GiB heap at this rate: %,d connections%n",
                        capacitySessions, connections, setup, after.heapBytes() / 1048576.0, heapPer / 1024,
                        after.rssBytes() / 1048576.0, rssPer / 1024, (long) ((2L << 30) - before.heapBytes()) / (long) Math.max(1, heapPer));
                extra.put("capacitySessions", capacitySessions);
                extra.put("capacityConnections", connections);
                extra.put("heapBytesPerConnection", heapPer);
                extra.put("rssBytesPerConnection", rssPer);
                extra.put("heapUsedBytes", after.heapBytes());
                extra.put("rssBytes", after.rssBytes());
            } catch (Exception e) {
                System.out.println("capacity: skipped: " + e);
            }
        }
        List<JournalBench.Result> journal = new ArrayList<>();
        journal.add(JournalBench.run("", null, sessions, journalEvents));
        try (PgSchema schema = PgSchema.create("bench_journal_")) {
            journal.add(JournalBench.run(schema.jdbcUrl(), PgSchema.USER, sessions, journalEvents));
        } catch (Exception e) {
            System.out.println("journal on postgresql: skipped: " + e.getMessage());
        }
        print(rows, journal);
        write(rows, journal, shape, extra, startLines);
        return 0;
    }

    /**
     * Untimed load while the server's JIT compilers work through its hot paths, in slices until
     * one is {@link #steady} after the one before; what a slice runs is saturation before the
     * saturation row, the fixed rate before the fixed-rate runs.
     *
     * <p>A fixed time did not do for saturation: Tierline's C2 was still compiling its journal
     * writer and fan-out 15 s into the measured phase (the compilation log), since on two shared
     * cores it gets little CPU, while the floor's few methods were ready in seconds. And the
     * saturation warm-up is not enough for the fixed rate: at the switch to a steady trickle,
     * branches that saturation never took are taken, and Tierline's server made 724 compiled
     * methods not entrant and compiled 1,445 in the first 5 s of the fixed rate
     * (-XX:+PrintCompilation), C2 then taking 39 % of its CPU (async-profiler); 3 s of it, as
     * before, left that inside the first measured run.
     */
    private static double untilSteady(DoubleFunction<Workload.Phase> slice, double sliceSeconds, long pid,
                                      double minSeconds, double maxSeconds, Runnable afterEachSlice) {
        double spent = 0;
        double previous = Double.MAX_VALUE;
        while (spent < maxSeconds) {
            Measured measured = measure(pid, () -> slice.apply(sliceSeconds));
            afterEachSlice.run();
            spent += sliceSeconds;
            Workload.Phase phase = measured.phase();
            // where the server's CPU cannot be read, the inverse of throughput stands in for it
            double cost = phase.cpuMicrosPerDelivery() > 0 ? phase.cpuMicrosPerDelivery() : 1 / phase.deliveredPerSecond();
            if (spent >= minSeconds && steady(measured.jitShare(), cost, previous)) {
                break;
            }
            previous = cost;
        }
        return spent;
    }

    /**
     * A slice is steady when its server CPU per delivery is no more than 3 % below the slice
     * before, and the server's JIT compiler threads took at most 3 % of its CPU in it. The first
     * rule alone let Tierline's fixed-rate runs start with C2 still recompiling the read and write
     * paths (PrintCompilation: 1,099 compilations in the 5 s before the measured runs and 412 in
     * the first 5 s of them) when one slice's CPU happened to be no lower than the one before;
     * the compiler's own share says it directly. A process without compiler threads (Redis,
     * Mosquitto) reads 0 there, and the first rule decides alone.
     */
    private static boolean steady(double jitSharePercent, double cost, double previous) {
        return jitSharePercent <= 3 && cost >= previous * 0.97;
    }

    /** A phase, and the share of the server's CPU its JIT compilers took in it. */
    private record Measured(Workload.Phase phase, double jitShare, Host host) {}

    /**
     * The machine around a measured run: how busy its cores were, all processes together, and how
     * much of them this generator took. On a shared 2-core host a run's latency is the host's as
     * much as the server's; these say whether the cores were full while it ran.
     */
    record Host(double busyPercent, double generatorCores) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f %% busy, generator %.2f cores", busyPercent, generatorCores);
        }
    }

    private static final long GENERATOR_PID = ProcessHandle.current().pid();

    private static Measured measure(long pid, Supplier<Workload.Phase> run) {
        long jit0 = Cpu.compilerMicros(pid);
        long machine0 = Cpu.allProcessesMicros();
        long generator0 = Cpu.micros(GENERATOR_PID);
        long t0 = System.nanoTime();
        Workload.Phase phase = run.get();
        double wallMicros = (System.nanoTime() - t0) / 1e3;
        long machine1 = Cpu.allProcessesMicros();
        double cores = Runtime.getRuntime().availableProcessors();
        Host host = new Host(machine0 >= 0 && machine1 >= 0 ? Math.round(1000 * (machine1 - machine0) / wallMicros / cores) / 10.0 : 0,
                Math.round(100 * (Cpu.micros(GENERATOR_PID) - generator0) / wallMicros) / 100.0);
        return new Measured(phase, jitShare(Cpu.compilerMicros(pid) - jit0, phase), host);
    }

    /**
     * The warm-up scrapes Tierline's /metrics after every slice, as the measured runs do before and
     * after each run. Without it the first scrape, at the start of the first measured run, compiled
     * the exposition code and, a request of another kind passing through the same pipeline, made
     * Netty's write path not entrant (PrintCompilation: AbstractChannelHandlerContext.write,
     * flush0, NioSocketChannel.doWrite recompiled within a second of it); C2 then took 41 % of the
     * server's CPU in that run's first 6 s (async-profiler). A production server is scraped every
     * few seconds anyway, so a warm scrape path is its normal state.
     */
    private static Runnable scraper(Target target) {
        if (!(target instanceof TierlineTarget tierline)) {
            return () -> { };
        }
        URI metrics = tierline.metricsUri();
        return () -> {
            try {
                CommitTimes.scrape(metrics);
            } catch (Exception e) {
                throw new IllegalStateException("scraping " + metrics + " failed", e);
            }
        };
    }

    /**
     * The fixed-rate phase run several times: one run's p99 on these shared cores can be several
     * times the next one's, so the run with the median p99 is reported and all are listed.
     */
    private Row medianOf(Target target, Workload workload, int runs, double settled) throws Exception {
        URI metrics = target instanceof TierlineTarget tierline ? tierline.metricsUri() : null;
        List<Workload.Phase> phases = new ArrayList<>();
        List<CommitTimes.Figures> commits = new ArrayList<>();
        List<CommitTimes.Figures> syncs = new ArrayList<>();
        List<CommitTimes.Figures> waits = new ArrayList<>();
        List<CommitTimes.Holds> holds = new ArrayList<>();
        List<Double> jitShares = new ArrayList<>();
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < Math.max(1, runs); i++) {
            String before = metrics == null ? null : CommitTimes.scrape(metrics);
            Measured measured = measure(target.serverPid(), () -> workload.fixedRate(rate, rateSeconds));
            Workload.Phase phase = measured.phase();
            jitShares.add(measured.jitShare());
            hosts.add(measured.host());
            phases.add(phase);
            if (metrics != null) {
                String after = CommitTimes.scrape(metrics);
                commits.add(CommitTimes.between(CommitTimes.read(before, CommitTimes.COMMIT),
                        CommitTimes.read(after, CommitTimes.COMMIT), phase.seconds()));
                syncs.add(CommitTimes.between(CommitTimes.read(before, CommitTimes.SYNC),
                        CommitTimes.read(after, CommitTimes.SYNC), phase.seconds()));
                waits.add(CommitTimes.between(CommitTimes.read(before, CommitTimes.DURABLE),
                        CommitTimes.read(after, CommitTimes.DURABLE), phase.seconds()));
                holds.add(CommitTimes.between(CommitTimes.totals(before, CommitTimes.CATCH_UP),
                        CommitTimes.totals(after, CommitTimes.CATCH_UP)));
            }
        }
        List<Long> p99s = phases.stream().map(p -> p.latencyMicros().getValueAtPercentile(99)).toList();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparingLong(p99s::get));
        int median = order.get(order.size() / 2);
        long lostOrReordered = phases.stream().mapToLong(p -> p.lost() + p.duplicatedOrReordered()).sum();
        System.out.printf(Locale.ROOT, "%s fixed-rate p99 of %d runs (us): %s; JIT compilers' share of the server's CPU (%%): %s;"
                        + " machine: %s%s%n",
                target.name(), phases.size(), p99s, jitShares, hosts,
                lostOrReordered > 0 ? "; lost or reordered in some run: " + lostOrReordered : "");
        for (int i = 0; i < commits.size(); i++) {
            CommitTimes.Figures c = commits.get(i);
            CommitTimes.Figures y = syncs.get(i);
            CommitTimes.Figures w = waits.get(i);
            CommitTimes.Holds h = holds.get(i);
            System.out.printf(Locale.ROOT, "  journal commits: %,.0f/s, p99 <= %.0f us, p99.9 <= %.0f us, %.2f%% over 1 ms"
                            + " (the commit call alone: p99 <= %.0f us, p99.9 <= %.0f us, %.2f%% over 1 ms);"
                            + " hand-over to durable: p99 <= %.0f us, p99.9 <= %.0f us; log catch-ups: %d, %.1f ms in all%n",
                    c.perSecond(), c.p99Micros(), c.p999Micros(), c.over1msShare() * 100,
                    y.p99Micros(), y.p999Micros(), y.over1msShare() * 100, w.p99Micros(), w.p999Micros(),
                    h.count(), h.totalMillis());
        }
        return new Row(target.name(), phases.get(median), p99s, settled, commits.isEmpty() ? null : commits.get(median),
                syncs.isEmpty() ? null : syncs.get(median), waits.isEmpty() ? null : waits.get(median), holds.isEmpty() ? null : holds.get(median), jitShares, hosts);
    }

    /** The compilers' CPU as a percentage of the server's in {@code phase}, to one decimal; 0 where either is unknown. */
    private static double jitShare(long jitMicros, Workload.Phase phase) {
        double cpu = phase.cpuMicrosPerDelivery() * phase.delivered();
        return cpu > 0 && jitMicros >= 0 ? Math.round(1000 * jitMicros / cpu) / 10.0 : 0;
    }

    private Target open(String name, String benchJar) throws Exception {
        return switch (name) {
            case "floor" -> new FloorTarget(benchJar, freePort());
            case "redis" -> new RedisTarget();
            case "mqtt" -> MqttTarget.start(freePort());
            case "tierline-async" -> new TierlineTarget(serverJar.toString(), freePort(), "async", Map.of());
            case "tierline-strict" -> new TierlineTarget(serverJar.toString(), freePort(), "strict", Map.of());
            case "tierline-strict-pg" -> {
                PgSchema schema = PgSchema.create("bench_tierline_");
                try {
                    TierlineTarget target = new TierlineTarget(serverJar.toString(), freePort(), "strict-pg",
                            Map.of("TIERLINE_JOURNAL_URL", schema.jdbcUrl(), "TIERLINE_JOURNAL_USER", PgSchema.USER));
                    target.afterClose(schema);
                    yield target;
                } catch (Exception e) {
                    schema.close();
                    throw e;
                }
            }
            default -> throw new IllegalArgumentException("unknown target " + name);
        };
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void print(List<Row> rows, List<JournalBench.Result> journal) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-16s %-12s %11s %11s %8s %8s %8s %9s %6s %6s %8s %8s %8s %8s%n", "target", "mode",
                "publ/s", "deliv/s", "p50us", "p99us", "p999us", "maxus", "lost", "dupreo", "cpu/dlv", "x floor",
                "x redis", "x mqtt");
        for (Row r : rows) {
            Workload.Phase p = r.phase();
            var h = p.latencyMicros();
            System.out.printf(Locale.ROOT, "%-16s %-12s %11.0f %11.0f %8s %8s %8s %9s %6d %6d %8.1f %8s %8s %8s%n",
                    r.target(), p.mode(), p.publishedPerSecond(), p.deliveredPerSecond(),
                    h == null ? "-" : h.getValueAtPercentile(50), h == null ? "-" : h.getValueAtPercentile(99),
                    h == null ? "-" : h.getValueAtPercentile(99.9), h == null ? "-" : h.getMaxValue(), p.lost(),
                    p.duplicatedOrReordered(), p.cpuMicrosPerDelivery(), ratio(rows, r, "netty floor"),
                    ratio(rows, r, "redis pub/sub"), ratio(rows, r, "mosquitto mqtt"));
        }
        for (JournalBench.Result j : journal) {
            System.out.printf(Locale.ROOT, "journal %-10s %,d events in %.2f s: %,.0f durable events/s (after %d untimed passes);"
                    + " ending and sealing its sessions: %.2f ms each; then indexing their entries by"
                    + " session: %.2f ms each%n",
                    j.backend(), j.events(), j.seconds(), j.eventsPerSecond(), j.untimedPasses(), j.sealMillisPerSession(),
                    j.indexMillisPerSession());
        }
    }

    /** Throughput ratio for saturation rows; p99 ratio (lower is better) for fixed-rate rows. */
    static String ratio(List<Row> rows, Row row, String peer) {
        for (Row other : rows) {
            if (other.target().equals(peer) && other.phase().mode().equals(row.phase().mode())) {
                if (row.phase().latencyMicros() == null) {
                    return String.format(Locale.ROOT, "%.2f", row.phase().deliveredPerSecond() / other.phase().deliveredPerSecond());
                }
                return String.format(Locale.ROOT, "%.2f", (double) row.phase().latencyMicros().getValueAtPercentile(99)
                        / Math.max(1, other.phase().latencyMicros().getValueAtPercentile(99)));
            }
        }
        return "-";
    }

    /** @param startLines what each server the runner started said it was ready with (it names the transport) */
    private void write(List<Row> rows, List<JournalBench.Result> journal, Workload.Shape shape, Map<String, Object> extra,
                       Map<String, String> startLines)
            throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("date", Instant.now().toString()).put("cores", Runtime.getRuntime().availableProcessors());
        root.putPOJO("workload", shape);
        root.set("startLines", json.valueToTree(startLines));
        root.set("tierline", json.valueToTree(extra));
        ArrayNode results = root.putArray("results");
        for (Row r : rows) {
            Workload.Phase p = r.phase();
            ObjectNode o = results.addObject().put("target", r.target()).put("mode", p.mode())
                    .put("seconds", p.seconds()).put("published", p.published()).put("delivered", p.delivered())
                    .put("publishedPerSecond", p.publishedPerSecond()).put("deliveredPerSecond", p.deliveredPerSecond())
                    .put("lost", p.lost()).put("duplicatedOrReordered", p.duplicatedOrReordered())
                    .put("cpuMicrosPerDelivery", p.cpuMicrosPerDelivery());
            if (p.latencyMicros() != null) {
                Map<String, Long> latency = new LinkedHashMap<>();
                latency.put("p50", p.latencyMicros().getValueAtPercentile(50));
                latency.put("p99", p.latencyMicros().getValueAtPercentile(99));
                latency.put("p999", p.latencyMicros().getValueAtPercentile(99.9));
                latency.put("max", p.latencyMicros().getMaxValue());
                o.putPOJO("latencyMicros", latency);
            }
            if (!r.p99Runs().isEmpty()) {
                o.putPOJO("p99RunsMicros", r.p99Runs());
            }
            if (r.warmupSeconds() > 0) {
                o.put("warmupSeconds", r.warmupSeconds());
            }
            // per measured run: a row whose server was still compiling is not a steady reading
            o.putPOJO("jitSharePercent", r.jitShares());
            // per measured run, as above: the whole machine's busy share and the generator's own CPU
            o.putPOJO("machineBusyPercent", r.hosts().stream().map(Host::busyPercent).toList());
            o.putPOJO("generatorCores", r.hosts().stream().map(Host::generatorCores).toList());
            if (r.commits() != null) {
                o.putPOJO("journalCommits", r.commits());
                o.putPOJO("journalCommitCalls", r.syncs());
                o.putPOJO("journalDurable", r.durable());
                o.putPOJO("journalLogCatchUps", r.catchUps());
            }
            o.put("xFloor", ratio(rows, r, "netty floor")).put("xRedis", ratio(rows, r, "redis pub/sub"))
                    .put("xMqtt", ratio(rows, r, "mosquitto mqtt"));
        }
        ArrayNode journals = root.putArray("journal");
        journal.forEach(j -> journals.addObject().put("backend", j.backend()).put("events", j.events())
                .put("seconds", j.seconds()).put("eventsPerSecond", j.eventsPerSecond())
                .put("untimedPasses", j.untimedPasses()).put("sealMillisPerSession", j.sealMillisPerSession())
                .put("indexMillisPerSession", j.indexMillisPerSession()));
        Files.createDirectories(out.toAbsolutePath().getParent());
        json.writeValue(out.toFile(), root);
        System.out.println("results: " + out.toAbsolutePath());
    }
}
