package dev.tierline.server.ops;

import dev.tierline.protocol.Event;
import dev.tierline.protocol.Tier;
import dev.tierline.server.recording.Journal;
import dev.tierline.server.relay.RelayMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's meters in one Prometheus registry: JVM and Netty allocator figures, the relay's
 * counters, the journal's batch sizes and commit times, and the service-desk figures, which are
 * folded from each batch of events as it is committed.
 */
public final class Observability implements AutoCloseable {
    private static final Duration[] DESK_BUCKETS = {Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(4),
            Duration.ofHours(8), Duration.ofDays(1), Duration.ofDays(3)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RelayMetrics relay = new RelayMetrics(registry);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ServiceDeskFigures figures = new ServiceDeskFigures(new DeskMeters(registry), false);

    public Observability() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
        new NettyAllocatorMetrics(UnpooledByteBufAllocator.DEFAULT).bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public RelayMetrics relay() {
        return relay;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** Journal batch meters and the service-desk fold, fed from the journal's writer thread. */
    public Journal.Listener journalListener() {
        DistributionSummary batchSize = DistributionSummary.builder("tierline.journal.batch.events")
                .description("events per committed journal transaction (group commit)")
                .serviceLevelObjectives(1, 10, 100, 1000).register(registry);
        Timer commit = Timer.builder("tierline.journal.commit")
                .description("time to write and commit one journal batch")
                .publishPercentileHistogram().register(registry);
        Timer sync = Timer.builder("tierline.journal.commit.sync")
                .description("the database's commit call alone, part of tierline.journal.commit: for SQLite, writing"
                        + " and syncing its log, which is where a stalling disk shows")
                .publishPercentileHistogram().register(registry);
        Timer durable = Timer.builder("tierline.journal.durable")
                .description("time from a command's events being handed to the journal to their being durable"
                        + " (queue and commit: what a strict-mode event waits for)")
                .publishPercentileHistogram().register(registry);
        Timer catchUp = Timer.builder("tierline.journal.log.catchup")
                .description("time the journal's writer spent copying the rest of SQLite's log so that it can start over,"
                        + " holding every event waiting to be durable")
                .register(registry);
        return new Journal.Listener() {
            @Override
            public void committed(List<Event> events, long nanos) {
                batchSize.record(events.size());
                commit.record(nanos, TimeUnit.NANOSECONDS);
                events.forEach(figures::accept);
            }

            @Override
            public void synced(long nanos) {
                sync.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void durable(long nanos) {
                durable.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void held(long nanos) {
                catchUp.record(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /** Service-desk figures as meters, tagged so a lead's dashboard can group them. */
    private static final class DeskMeters implements ServiceDeskFigures.Sink {
        private final MeterRegistry registry;
        private final Timer queueWait;

        DeskMeters(MeterRegistry registry) {
            this.registry = registry;
            this.queueWait = Timer.builder("tierline.desk.queue.wait")
                    .description("time from a request being opened to the first technician accepting it")
                    .serviceLevelObjectives(DESK_BUCKETS).register(registry);
        }

        @Override
        public void sessionOpened(boolean queued) {
            Counter.builder("tierline.desk.sessions.opened").tag("kind", queued ? "request" : "created")
                    .description("sessions opened: by an end user's request, or created by a technician")
                    .register(registry).increment();
        }

        @Override
        public void queueWait(Duration wait) {
            queueWait.record(wait);
        }

        @Override
        public void escalation(String path) {
            Counter.builder("tierline.desk.escalations").tag("path", path)
                    .description("technicians who joined by invitation, by inviter tier -> invitee tier")
                    .register(registry).increment();
        }

        @Override
        public void controlHandoff() {
            Counter.builder("tierline.desk.control.handoffs")
                    .description("control passed from one technician to another").register(registry).increment();
        }

        @Override
        public void ended(String outcome, Tier ownerTier, Duration open, boolean resolved) {
            String tier = ownerTier == null ? "none" : ownerTier.name();
            Counter.builder("tierline.desk.sessions.ended").tag("outcome", outcome).tag("tier", tier)
                    .description("sessions ended, by outcome and the owner's tier at the end")
                    .register(registry).increment();
            if (resolved && open != null) {
                Timer.builder("tierline.desk.time.to.resolution").tag("tier", tier)
                        .description("time from a session opening to its resolution")
                        .serviceLevelObjectives(DESK_BUCKETS).register(registry).record(open);
            }
        }
    }
}
