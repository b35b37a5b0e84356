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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit: what {@code journal.batchSize}, {@code journal.maxWait} and the linger policy put in one transaction. */
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

    @Test
    void whenBusyALoneCommandIsCommittedAtOnce(@TempDir Path dir) throws Exception {
        try (Database db = Database.open("", null, null, 2, dir);
             Journal journal = journal(db, dir, 1000, Duration.ofMinutes(10), Journal.Linger.WHEN_BUSY)) {
            CompletableFuture<Void> lone = journal.append(List.of(opened("s-1")));
            await().atMost(Duration.ofSeconds(30)).until(lone::isDone);
            CompletableFuture<Void> next = journal.append(List.of(opened("s-2")));
            await("the commit before held one command: no company, no wait").atMost(Duration.ofSeconds(30))
                    .until(next::isDone);
        }
    }

    @Test
    void whenBusyTheWriterWaitsToFillABatchOnceCommandsQueueUpBehindCommits(@TempDir Path dir) throws Exception {
        try (Database db = Database.open("", null, null, 2, dir);
             Journal journal = journal(db, dir, 4, Duration.ofMinutes(10), Journal.Linger.WHEN_BUSY)) {
            List<Integer> batches = new CopyOnWriteArrayList<>();
            CountDownLatch release = new CountDownLatch(1);
            journal.addListener(new Journal.Listener() {
                @Override
                public void committed(List<Event> events, long nanos) {
                    batches.add(events.size());
                    if (batches.size() == 1) { // hold the writer after its first commit, as a slow one would
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            });
            CompletableFuture<Void> first = journal.append(List.of(opened("s-1")));
            await().atMost(Duration.ofSeconds(30)).until(() -> batches.size() == 1);
            CompletableFuture<Void> second = journal.append(List.of(opened("s-2")));
            CompletableFuture<Void> third = journal.append(List.of(opened("s-3")));
            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> batches.size() == 2);
            List<CompletableFuture<Void>> later = new ArrayList<>();
            for (int i = 4; i <= 7; i++) {
                later.add(journal.append(List.of(opened("s-" + i))));
            }
            CompletableFuture.allOf(later.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(List.of(first, second, third)).allMatch(CompletableFuture::isDone);
            assertThat(batches).as("the two queued behind the held commit went together, at once; after that"
                    + " commit's company the writer waited for the batch to fill").containsExactly(1, 2, 4);
        }
    }

    /**
     * The writer keeps its connection (and its prepared INSERT) from batch to batch, and after a
     * failed commit takes a fresh one: the connection of a failed write may be broken.
     */
    @Test
    void theWriterKeepsItsConnectionUntilACommitFails(@TempDir Path dir) throws Exception {
        java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failCommit = new java.util.concurrent.atomic.AtomicBoolean();
        try (Database db = Database.open("", null, null, 2, dir)) {
            javax.sql.DataSource counted = InterceptedDataSource.around(db.dataSource(), taken::incrementAndGet, () -> {
                if (failCommit.getAndSet(false)) {
                    throw new java.sql.SQLException("disk I/O error (injected)");
                }
            });
            try (Journal journal = new Journal(counted, TranscriptSigner.open(dir), ProtocolCodec.create().mapper(), 1000,
                    Duration.ZERO, Journal.Linger.WHEN_BUSY, 1000)) {
                taken.set(0); // the start-up look for unindexed entries took one, before the writer started
                for (int i = 1; i <= 5; i++) {
                    journal.append(List.of(opened("s-" + i))).get(30, TimeUnit.SECONDS);
                }
                assertThat(taken).as("connections the writer took for five batches").hasValue(1);

                failCommit.set(true);
                assertThat(journal.append(List.of(opened("s-6")))).failsWithin(Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(30)).until(journal::isHealthy);
                journal.append(List.of(opened("s-7"))).get(30, TimeUnit.SECONDS);
                assertThat(taken).as("after the failed commit, one fresh connection: the health probe's, which the writer"
                        + " keeps").hasValue(2);
                int afterRecovery = taken.get();
                journal.append(List.of(opened("s-8"))).get(30, TimeUnit.SECONDS);
                assertThat(taken).as("and that one kept again").hasValue(afterRecovery);
            }
        }
    }

    /** After a batch past 64 entries the writer prepares its INSERT anew; what comes after is written as before. */
    @Test
    void theBatchesAfterALargeOneAreWrittenToo(@TempDir Path dir) throws Exception {
        try (Database db = Database.open("", null, null, 2, dir);
             Journal journal = journal(db, dir, 1000, Duration.ofSeconds(2))) {
            List<Integer> batches = new CopyOnWriteArrayList<>();
            journal.addListener(sizes(batches));
            openAtOnce(journal, 1, 100);
            openAtOnce(journal, 101, 103);
            assertThat(batches).containsExactly(100, 3);
            for (int i = 1; i <= 103; i++) {
                assertThat(journal.store().entries("s-" + i)).as("s-" + i).hasSize(1);
            }
        }
    }

    /** Sessions s-{from} to s-{to}, each opened by its own command, all offered before any is waited for. */
    private static void openAtOnce(Journal journal, int from, int to) throws Exception {
        List<CompletableFuture<Void>> written = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            written.add(journal.append(List.of(opened("s-" + i))));
        }
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
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
        return journal(db, dir, batchSize, maxWait, Journal.Linger.ALWAYS);
    }

    private static Journal journal(Database db, Path dir, int batchSize, Duration maxWait, Journal.Linger linger)
            throws Exception {
        return new Journal(db.dataSource(), TranscriptSigner.open(dir), ProtocolCodec.create().mapper(), batchSize,
                maxWait, linger, 1000);
    }

    private static Event opened(String session) {
        return new Event(EventType.SESSION_OPENED, session, 1L, Instant.now().truncatedTo(ChronoUnit.MILLIS), ANN,
                Audience.ALL, new EventBody.SessionOpened("T-" + session, "batching", null, null, "active", "each-time"));
    }
}
