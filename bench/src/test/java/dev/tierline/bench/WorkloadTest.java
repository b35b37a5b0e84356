package dev.tierline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The workload against a relay in memory that refuses every fourth message of each sender. */
class WorkloadTest {
    private static final Workload.Shape SHAPE = new Workload.Shape(2, 3, 40, 2);

    private final RefusingRelay relay = new RefusingRelay();

    @AfterEach
    void stop() throws Exception {
        relay.close();
    }

    @Test
    void aRefusedMessageIsNeitherLostNorWaitedFor() {
        Workload workload = new Workload(SHAPE, relay);
        relay.sink = workload;

        Workload.Phase phase = workload.fixedRate(2_000, 0.2);

        assertThat(relay.refused).isPositive();
        assertThat(phase.lost()).isZero();
        assertThat(phase.delivered()).isEqualTo((phase.published() - relay.refused) * 2);
        // the drain returned when everything that could come had come, not after its 10 s bound
        assertThat(phase.seconds()).isLessThan(5);
    }

    @Test
    void aRefusalFreesItsSendersWindowAtSaturation() {
        Workload workload = new Workload(SHAPE, relay);
        relay.sink = workload;

        Workload.Phase phase = workload.saturation(0.2);

        // with each refusal holding its window slot for good, no sender got past its 8th message
        int publishers = SHAPE.sessions() * SHAPE.participants();
        assertThat(phase.published()).isGreaterThan(8L * publishers);
        assertThat(phase.lost()).isZero();
    }

    /**
     * Delivers on one thread of its own, as a network thread would: to every other participant of
     * the session, or, for every fourth message of a sender, to no one with a refusal instead.
     */
    private static final class RefusingRelay implements Target {
        private final ExecutorService network = Executors.newSingleThreadExecutor();
        volatile Sink sink;
        volatile long refused;

        @Override
        public String name() {
            return "refusing relay";
        }

        @Override
        public void connect(int sessions, int participants, Sink sink) {
            this.sink = sink;
        }

        @Override
        public void publish(int session, int participant, String payload) {
            network.execute(() -> {
                int a = payload.indexOf('|');
                int sender = Integer.parseInt(payload, 0, a, 10);
                int seq = Integer.parseInt(payload, a + 1, payload.indexOf('|', a + 1), 10);
                if (seq % 4 == 3) {
                    refused++;
                    sink.onRefused(sender, seq);
                    return;
                }
                for (int receiver = 0; receiver < SHAPE.participants(); receiver++) {
                    if (receiver != participant) {
                        sink.onMessage(session, receiver, payload);
                    }
                }
            });
        }

        @Override
        public long serverPid() {
            return -1;
        }

        @Override
        public void close() throws InterruptedException {
            network.shutdownNow();
            network.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
