package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Audience;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit: what {@code journal.batchSize} and {@code journal.maxWait} put in one transaction. */
class JournalBatchingTest {
    private static final Actor ANN = new Actor("t-ann", "Ann", Role.TECHNICIAN, Tier.L1);

    @Test
    void theWriterWaitsUpToMaxWaitToFillABatch(@TempDir Path dir) throws Exception {
        try (Database db = Database.open("", null, null, 2, dir);
             Journal journal = journal(db, dir, 1000, Duration.ofSeconds(2))) {
            List<Integer> batches = new CopyOnWriteArrayList<>();
            journal.addListener(sizes(batches));
            CompletableFuture<Void> first = journal.append(List.of(opened("s-1")));
            CompletableFuture<Void> second = journal.append(List.of(opened("s-2")));
            CompletableFuture<Void> third = journal.append(List.of(opened("s-3")));
            CompletableFuture.allOf(first, second, third).get();
            assertThat(batches).as("three events offered within the wait: one transaction").containsExactly(3);
        }
    }

    @Test
    void aFullBatchIsCommittedWithoutWaitingOutMaxWait(@TempDir Path dir) throws Exception {
        try (Database db = Database.open("", null, null, 2, dir);
             Journal journal = journal(db, dir, 2, Duration.ofMinutes(10))) {
            List<Integer> batches = new CopyOnWriteArrayList<>();
            journal.addListener(sizes(batches));
            CompletableFuture<Void> first = journal.append(List.of(opened("s-1")));
            CompletableFuture<Void> second = journal.append(List.of(opened("s-2")));
            await().atMost(Duration.ofSeconds(30)).until(() -> first.isDone() && second.isDone());
            assertThat(batches).containsExactly(2);
        }
    }

    private static Journal.Listener sizes(List<Integer> batches) {
        return new Journal.Listener() {
            @Override
            public void committed(List<Event> events, long nanos) {
                batches.add(events.size());
            }
        };
    }

    private static Journal journal(Database db, Path dir, int batchSize, Duration maxWait) throws Exception {
        return new Journal(db.dataSource(), TranscriptSigner.open(dir), ProtocolCodec.create().mapper(), batchSize,
                maxWait, 1000);
    }

    private static Event opened(String session) {
        return new Event(EventType.SESSION_OPENED, session, 1L, Instant.now().truncatedTo(ChronoUnit.MILLIS), ANN,
                Audience.ALL, new EventBody.SessionOpened("T-" + session, "batching", null, null, "active", "each-time"));
    }
}
