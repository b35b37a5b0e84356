package dev.tierline.server.recording;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Participant;
import dev.tierline.server.tickets.TicketOutbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable journal. Sessions hand it events from their event loops; one writer thread takes
 * whatever is queued (up to a batch size, waiting at most a configured time for more) and commits
 * it in one transaction: group commit, one sync for many events. Each future completes once its
 * events are durable.
 *
 * <p>Two guards keep the stored transcript whole: a session's events must arrive with the next
 * seq (a gap would mean a lost event, so such a write is refused, never stored), and after a failed
 * commit the journal refuses everything until a probe of the database succeeds again.
 */
public final class Journal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    private static final long PROBE_INTERVAL_MILLIS = 250;

    /** Told when recording stops and starts working, and of each committed batch; called on the writer thread. */
    public interface Listener {
        default void impaired(String reason) {
        }

        default void recovered() {
        }

        /** {@code events} are durable now, in commit order; {@code nanos} is how long the write and commit took. */
        default void committed(List<Event> events, long nanos) {
        }

        /**
         * The database's commit call of a batch took {@code nanos}: for SQLite, writing its log and
         * syncing it. A disk whose syncs stall shows here, and every strict-mode event waits for it.
         */
        default void synced(long nanos) {
        }

        /**
         * One command's events are durable, {@code nanos} after they were handed over: the queue
         * they waited in and the commit they were in, which is what a strict-mode event waits for.
         */
        default void durable(long nanos) {
        }

        /** The writer was held {@code nanos} between two commits by its after-commit task (the SQLite log catch-up). */
        default void held(long nanos) {
        }
    }

    /**
     * Work for the writer between two of its transactions, on its own connection (the SQLite log
     * catch-up); answers whether it did anything.
     */
    @FunctionalInterface
    public interface AfterCommit {
        boolean run(Connection writer) throws SQLException;
    }

    /** Why events were not recorded. */
    public static class UnavailableException extends RuntimeException {
        public UnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    /** The journal is healthy but behind: its queue is full. Nothing is broken; it passes. */
    public static final class OverloadedException extends UnavailableException {
        public OverloadedException(String message) {
            super(message);
        }
    }

    /** When the writer waits, up to its maximum wait, for more events to commit with what it has. */
    public enum Linger {
        /** Every time: async recording, where no event waits for its commit, so waiting costs no one. */
        ALWAYS,
        /**
         * Only while commits have company, that is while the one before held more than one
         * command: strict recording ({@code journal.maxWait}, 0.5 ms by default). There, commands
         * queue up behind every commit, so a short wait gathers several more for the price of one
         * commit, which on the bench's machine cost about 200 µs of CPU, half of it in fsync
         * (async-profiler). At 5,000 messages/s on 2026-12-07, four rounds with each: no wait made
         * 2,800-3,500 commits/s at 57-61 µs of server CPU per delivery, 0.5 ms 960-1,080 at 38-43
         * µs; the median latency went from 0.8-1.0 to 1.2-1.4 ms, the p99 from 4.4-6.8 to 4.5-5.2
         * ms. A lone command after a quiet spell is committed at once: nothing would come to share
         * the commit.
         */
        WHEN_BUSY;

        boolean waits(int previousCommands) {
            return this == ALWAYS || previousCommands > 1;
        }
    }

    /** {@code offered}: System.nanoTime() when the events were handed over, for {@link Listener#durable}. */
    private record Pending(List<Event> events, List<EntryCodec.Prepared> prepared, CompletableFuture<Void> done,
                           long offered) {}

    private final DataSource dataSource;
    private final JournalStore store;
    private final TranscriptSigner signer;
    private final ObjectMapper mapper;
    private final int batchSize;
    private final long maxWaitNanos;
    private final Linger linger;
    /** Commands in the batch committed last (writer thread only), for {@link Linger#waits}. */
    private int previousCommands;
    /** How often a writer waiting to fill a batch looks whether it is full. */
    private static final long FILL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private final BlockingQueue<Pending> queue;
    private final int queueCapacity;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Chain head of every session with events in flight or recently written (writer thread only). */
    private final Map<String, JournalStore.Head> heads = new HashMap<>();
    /**
     * The ticket history of every open session whose every entry this writer committed, fed as it
     * writes them (writer thread only). Sealing a session that is not here (opened before a
     * restart, or touched by a failed batch) reads its transcript back instead.
     */
    private final Map<String, TicketHistory.Builder> histories = new HashMap<>();
    private final Thread writer;
    /** Reads for resuming participants, off the event loops and off the writer. */
    private final java.util.concurrent.ExecutorService reader;
    private volatile boolean running = true;
    private volatile String failure;
    private volatile TicketOutbox outbox;
    private volatile AfterCommit afterCommit = writer -> false;
    /**
     * The writer's own connection, out of autocommit, and its prepared INSERT, kept from batch to
     * batch and dropped after a failed one (writer thread only). Taking a pooled connection per
     * batch cost a prepare, a reset and two more statements (BEGIN, then COMMIT on return) each time.
     */
    private Connection connection;
    private PreparedStatement insertEntries;
    /** The id the next transcript entry gets: read at each new connection, then counted (writer thread only). */
    private long nextId;
    /**
     * Sealed sessions whose entries are not all in the transcript index yet, oldest first (writer
     * thread only). The writer indexes them when it has nothing else to do, {@link #INDEX_CHUNK}
     * entries per transaction, so a command never waits for its commit behind more than one such
     * transaction, however long the session was.
     */
    private final java.util.ArrayDeque<String> sealed = new java.util.ArrayDeque<>();
    private static final int INDEX_CHUNK = 256;
    /**
     * Under load that never leaves the queue empty, the writer still indexes a chunk this often,
     * before a batch. That keeps the unindexed entries (memory, and the next start's scan) from
     * growing while sessions seal at under {@link #INDEX_CHUNK} entries a second; past that rate
     * they grow until the queue next empties.
     */
    private static final long INDEX_AT_LEAST_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** After a failed index transaction the writer waits this long before the next; it does not impair recording. */
    private static final long INDEX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** System.nanoTime() of the last index transaction tried (writer thread only). */
    private long lastIndexTry = System.nanoTime();
    private boolean lastIndexFailed;
    /**
     * Entries past which the writer prepares its INSERT anew after running it. sqlite-jdbc clears,
     * on every batch, a parameter array as long as the largest batch the statement ever ran: after
     * one batch of 1,000 entries each commit of one entry cleared 9,000 slots, 2.9 % of the
     * writer's CPU in strict mode at 5,000 messages/s (async-profiler). Running each entry on its
     * own instead took the journal alone from 131,000-137,000 events/s to 110,000-113,000.
     */
    private static final int LARGE_BATCH = 64;

    public Journal(DataSource dataSource, TranscriptSigner signer, ObjectMapper protocolMapper, int batchSize,
                   Duration maxWait, int queueCapacity) {
        this(dataSource, signer, protocolMapper, batchSize, maxWait, Linger.ALWAYS, queueCapacity);
    }

    public Journal(DataSource dataSource, TranscriptSigner signer, ObjectMapper protocolMapper, int batchSize,
                   Duration maxWait, Linger linger, int queueCapacity) {
        this.dataSource = dataSource;
        this.store = new JournalStore(dataSource);
        this.signer = signer;
        this.mapper = protocolMapper;
        this.batchSize = batchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.linger = linger;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.queueCapacity = queueCapacity;
        recoverUnindexed();
        this.writer = new Thread(this::run, "tierline-journal");
        writer.setDaemon(true);
        writer.start();
        this.reader = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, "tierline-journal-reader");
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Entries written before this journal and not indexed yet are of sessions that were live when
     * the server stopped, or sealed and not yet indexed: the store learns where they are before
     * anything reads or writes, and the sealed ones are indexed first.
     */
    private void recoverUnindexed() {
        try {
            sealed.addAll(store.recoverUnindexed());
            if (store.unindexedEntries() > 0) {
                log.info("found {} transcript entries not indexed yet; {} sealed sessions to index",
                        store.unindexedEntries(), sealed.size());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read where the journal's unindexed entries are: " + e.getMessage(), e);
        }
    }

    /**
     * The recorded events of {@code session} with {@code after < seq <= upTo}, as entries, read on
     * the journal's reader thread. Fails when the store cannot be read or too many reads wait.
     */
    public CompletableFuture<List<JournalStore.Entry>> read(String session, long after, long upTo) {
        CompletableFuture<List<JournalStore.Entry>> result = new CompletableFuture<>();
        try {
            reader.execute(() -> {
                try {
                    result.complete(store.entries(session, after, upTo));
                } catch (SQLException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new UnavailableException("too many journal reads waiting"));
        }
        return result;
    }

    /** Deliveries to outside ticket systems, written in the same transactions as the events. */
    public void outbox(TicketOutbox outbox) {
        this.outbox = outbox.isEmpty() ? null : outbox;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public JournalStore store() {
        return store;
    }

    public TranscriptSigner signer() {
        return signer;
    }

    /** Whether the journal currently accepts events. */
    public boolean isHealthy() {
        return failure == null;
    }

    /** Queues events for the journal; never blocks, fails fast when recording is impaired or full. */
    public CompletableFuture<Void> append(List<Event> events) {
        return append(events, prepare(events));
    }

    /** {@link #append(List)} of events the caller {@link #prepare prepared}, one each, in order. */
    public CompletableFuture<Void> append(List<Event> events, List<EntryCodec.Prepared> prepared) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        String broken = failure;
        if (broken != null) {
            done.completeExceptionally(new UnavailableException("recording is impaired: " + broken));
        } else if (!running) {
            done.completeExceptionally(new UnavailableException("journal is closed"));
        } else if (!queue.offer(new Pending(events, prepared, done, System.nanoTime()))) {
            done.completeExceptionally(new OverloadedException("the journal is behind (its queue is full)"));
        }
        return done;
    }

    /**
     * Whether more than half the queue is free. Async recording delivers an event before it is
     * queued and cannot take it back, so it runs ahead of the journal only while this holds; past
     * it, commands wait for their commit as in strict mode, and their senders' windows bound them.
     * A bound per session alone does not do: 256 sessions, each its whole async backlog ahead of
     * a slow disk, fill the default queue, and an event that finds it full was delivered but is
     * unrecorded, which impairs its session.
     */
    public boolean roomToRunAhead() {
        return queue.remainingCapacity() > queueCapacity / 2;
    }

    /**
     * Serialization happens on the caller's thread: the writer is one thread and should only chain
     * and write. Each event's canonical bytes are also a wire encoding of it (the same fields, keys
     * sorted), which the session sends rather than serializing the event a second time.
     */
    public List<EntryCodec.Prepared> prepare(List<Event> events) {
        List<EntryCodec.Prepared> prepared = new ArrayList<>(events.size());
        for (Event event : events) {
            prepared.add(EntryCodec.prepare(event, mapper));
        }
        return prepared;
    }

    private void run() {
        try {
            writeUntilClosed();
        } finally {
            dropConnection();
        }
    }

    private void writeUntilClosed() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                long sinceIndexTry = System.nanoTime() - lastIndexTry;
                boolean toIndex = failure == null && !sealed.isEmpty()
                        && (!lastIndexFailed || sinceIndexTry >= INDEX_RETRY_NANOS);
                Pending first = toIndex ? queue.poll() : queue.poll(PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                if (failure != null) {
                    probe();
                }
                if (first == null) {
                    if (toIndex) {
                        indexSealed();
                    }
                    continue;
                }
                if (toIndex && sinceIndexTry >= INDEX_AT_LEAST_EVERY_NANOS) {
                    indexSealed();
                }
                batch.clear();
                batch.add(first);
                fill(batch, first.events().size());
                previousCommands = batch.size();
                if (failure != null) {
                    fail(batch, "recording is impaired: " + failure);
                } else {
                    write(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("journal writer hit an unexpected error; the batch was refused", e);
                fail(batch, "internal journal error: " + e.getMessage());
            }
        }
    }

    /** Tells every listener; one that fails is logged and the others are still told (metrics must never stop the journal). */
    private void tell(java.util.function.Consumer<Listener> what) {
        for (Listener listener : listeners) {
            try {
                what.accept(listener);
            } catch (RuntimeException e) {
                log.warn("a journal listener failed; recording goes on", e);
            }
        }
    }

    private void notifyCommitted(List<Pending> accepted, long nanos) {
        if (listeners.isEmpty() || accepted.isEmpty()) {
            return;
        }
        List<Event> events = new ArrayList<>();
        accepted.forEach(p -> events.addAll(p.events()));
        tell(listener -> listener.committed(events, nanos));
    }

    /**
     * Takes what is queued, up to the batch size; waits up to maxWait for more when {@link #linger} says so. It
     * waits by sleeping in short slices, not on the queue: a writer waiting on the queue was woken
     * by every event offered, only to take it and wait again, and those wake-ups (the offering loop's
     * unpark, the writer's park) were 5 % of the server's CPU in async mode at 5,000 events/s.
     */
    private void fill(List<Pending> batch, int events) throws InterruptedException {
        events = drain(batch, events);
        long deadline = System.nanoTime() + (linger.waits(previousCommands) ? maxWaitNanos : 0);
        while (events < batchSize) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(left, FILL_SLICE_NANOS));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            events = drain(batch, events);
        }
    }

    private int drain(List<Pending> batch, int events) {
        while (events < batchSize) {
            Pending next = queue.poll();
            if (next == null) {
                break;
            }
            batch.add(next);
            events += next.events().size();
        }
        return events;
    }

    private void write(List<Pending> batch) {
        long started = System.nanoTime();
        Map<String, JournalStore.Head> tentative = new HashMap<>();
        List<Pending> accepted = new ArrayList<>();
        List<Pending> refused = new ArrayList<>();
        try {
            Connection c = connection();
            try {
                List<JournalStore.Entry> entries = new ArrayList<>();
                List<Event> sideEffects = new ArrayList<>();
                Map<String, Long> firstEntries = new HashMap<>();
                for (Pending pending : batch) {
                    List<JournalStore.Entry> chained = chain(c, pending.prepared(), tentative);
                    if (chained == null) {
                        refused.add(pending);
                    } else {
                        accepted.add(pending);
                        entries.addAll(chained);
                        sideEffects.addAll(pending.events());
                    }
                }
                for (int i = 0; i < entries.size(); i++) {
                    if (entries.get(i).seq() == 1) {
                        firstEntries.put(entries.get(i).session(), nextId + i);
                    }
                }
                writeSessionRows(c, sideEffects, true, firstEntries);
                store.insertEntries(insertEntries, entries, nextId);
                if (entries.size() > LARGE_BATCH) {
                    insertEntries.close();
                    insertEntries = store.prepareInsertEntries(c);
                }
                feedHistories(entries);
                writeSessionRows(c, sideEffects, false, firstEntries);
                TicketOutbox deliveries = outbox;
                if (deliveries != null) {
                    for (Event event : sideEffects) {
                        if (event.type() == EventType.NOTE_ADDED) {
                            deliveries.noteAdded(c, event);
                        }
                    }
                }
                sealEnded(c, sideEffects, tentative, deliveries, entries);
                long syncing = System.nanoTime();
                c.commit();
                long synced = System.nanoTime() - syncing;
                tell(listener -> listener.synced(synced));
                store.committed(entries, nextId);
                nextId += entries.size();
                if (deliveries != null) {
                    deliveries.committed();
                }
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            histories.clear(); // they may hold what was rolled back; sealing reads the transcript instead
            dropConnection();
            impaired(e);
            fail(batch, "recording failed: " + e.getMessage());
            return;
        }
        heads.putAll(tentative);
        long committed = System.nanoTime();
        notifyCommitted(accepted, committed - started);
        tell(listener -> accepted.forEach(pending -> listener.durable(committed - pending.offered())));
        for (Pending pending : accepted) {
            for (Event event : pending.events()) {
                if (event.type() == EventType.SESSION_ENDED) {
                    heads.remove(event.session());
                    sealed.add(event.session());
                }
            }
            pending.done().complete(null);
        }
        fail(refused, "events out of sequence: an earlier write of this session failed");
        try {
            long before = System.nanoTime();
            if (afterCommit.run(connection)) {
                long held = System.nanoTime() - before;
                tell(listener -> listener.held(held));
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("after-commit task failed; recording goes on", e);
        }
    }

    /**
     * Indexes the next entries of the oldest sealed session in {@link #sealed}, in a transaction of
     * their own. A failure does not impair recording, since nothing is lost (the entries stay
     * readable, and an index retried is idempotent): the writer tries again a second later. A
     * database that is really down fails the next batch of events, which does impair it.
     */
    private void indexSealed() {
        String session = sealed.peek();
        lastIndexTry = System.nanoTime();
        int indexed;
        try {
            Connection c = connection();
            try {
                indexed = store.index(c, session, INDEX_CHUNK);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            dropConnection();
            lastIndexFailed = true;
            log.warn("indexing the entries of sealed session {} failed; they stay readable, and the writer tries "
                    + "again: {}", session, e.toString());
            return;
        }
        lastIndexFailed = false;
        store.indexed(session, indexed);
        if (indexed < INDEX_CHUNK) {
            sealed.poll();
        }
    }

    /**
     * A task for the writer to run after each committed batch, once its events are answered:
     * between two of its own transactions, where nothing else can be (the SQLite log catch-up). It
     * answers whether it did anything; when it did, the time it held the writer goes to
     * {@link Listener#held}.
     */
    public void afterEachCommit(AfterCommit task) {
        this.afterCommit = task;
    }

    /** Chains a command's events after their session's head, or {@code null} when a seq would leave a gap. */
    private List<JournalStore.Entry> chain(Connection c, List<EntryCodec.Prepared> events,
                                           Map<String, JournalStore.Head> tentative) throws SQLException {
        Map<String, JournalStore.Head> local = new HashMap<>();
        List<JournalStore.Entry> out = new ArrayList<>(events.size());
        for (EntryCodec.Prepared prepared : events) {
            Event event = prepared.event();
            JournalStore.Head head = local.containsKey(event.session()) ? local.get(event.session())
                    : headOf(c, event.session(), tentative);
            long expected = head == null ? 1 : head.seq() + 1;
            if (event.seq() != expected) {
                return null;
            }
            JournalStore.Entry entry = EntryCodec.chain(prepared, head == null ? TranscriptChain.GENESIS : head.hash());
            local.put(event.session(), new JournalStore.Head(entry.seq(), entry.hash()));
            out.add(entry);
        }
        tentative.putAll(local);
        return out;
    }

    private JournalStore.Head headOf(Connection c, String session, Map<String, JournalStore.Head> tentative)
            throws SQLException {
        JournalStore.Head head = tentative.get(session);
        if (head == null) {
            head = heads.get(session);
        }
        return head != null ? head : store.head(c, session);
    }

    /** Tickets and sessions before their entries (foreign keys), participants after. */
    private void writeSessionRows(Connection c, List<Event> events, boolean beforeEntries, Map<String, Long> firstEntries)
            throws SQLException {
        for (Event event : events) {
            if (beforeEntries && event.type() == EventType.SESSION_OPENED) {
                EventBody.SessionOpened opened = event.body(EventBody.SessionOpened.class);
                long at = event.ts().toEpochMilli();
                store.insertTicket(c, opened.ticket(), at);
                store.insertSession(c, event.session(), opened.ticket(), opened.title(), opened.topic(), at,
                        firstEntries.get(event.session()));
            } else if (!beforeEntries && event.type() == EventType.PARTICIPANT_JOINED) {
                Participant p = event.body(EventBody.ParticipantJoined.class).participant();
                store.insertParticipant(c, event.session(), p.id(), p.name(), p.role().wire(),
                        p.tier() == null ? null : p.tier().name());
            }
        }
    }

    /** After the batch's entries are inserted, so that a session ending in it finds its history whole. */
    private void feedHistories(List<JournalStore.Entry> entries) {
        for (JournalStore.Entry entry : entries) {
            TicketHistory.Builder history = entry.seq() == 1
                    ? histories.computeIfAbsent(entry.session(), s -> new TicketHistory.Builder())
                    : histories.get(entry.session());
            if (history != null) {
                history.add(entry);
            }
        }
    }

    /** A session that ended in this batch is sealed and its ticket history written, in the same transaction. */
    private void sealEnded(Connection c, List<Event> events, Map<String, JournalStore.Head> tentative,
                           TicketOutbox deliveries, List<JournalStore.Entry> batch) throws SQLException {
        for (Event event : events) {
            if (event.type() != EventType.SESSION_ENDED) {
                continue;
            }
            JournalStore.Head head = tentative.get(event.session());
            TranscriptSigner.Signature signature = signer.sign(
                    TranscriptChain.sealMessage(event.session(), head.seq(), head.hash()));
            EventBody.SessionEnded ended = event.body(EventBody.SessionEnded.class);
            long at = event.ts().toEpochMilli();
            store.sealSession(c, event.session(), at, ended.outcome(), head.seq(), head.hash(), signature.keyId(),
                    signature.value());
            TicketHistory.Builder kept = histories.remove(event.session());
            // the ticket system's delivery carries the whole transcript as text, so it reads it anyway
            List<JournalStore.Entry> entries = kept == null || deliveries != null
                    ? transcript(c, event.session(), batch) : List.of();
            if (kept == null) {
                kept = new TicketHistory.Builder();
                entries.forEach(kept::add);
            }
            ObjectNode history = kept.build(head.hash(), signature.keyId(), signature.value());
            store.insertHistory(c, new JournalStore.HistoryRow(history.path("ticket").asText(), event.session(), at,
                    history.toString()));
            if (deliveries != null) {
                JournalStore.SessionRow row = new JournalStore.SessionRow(event.session(), history.path("ticket").asText(),
                        history.path("title").asText(null), null, 0, at, ended.outcome(), head.seq(), head.hash(),
                        signature.keyId(), signature.value());
                deliveries.sessionSealed(c, history, TranscriptFormats.text(entries, row));
            }
        }
    }

    /**
     * A session's whole transcript, inside the writer's transaction: what is committed, which the
     * store can find, and the entries of the batch being written, which it cannot yet.
     */
    private List<JournalStore.Entry> transcript(Connection c, String session, List<JournalStore.Entry> batch)
            throws SQLException {
        List<JournalStore.Entry> entries = store.entries(c, session);
        long last = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
        for (JournalStore.Entry entry : batch) {
            if (entry.session().equals(session) && entry.seq() > last) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = dataSource.getConnection();
            try {
                c.setAutoCommit(false);
                long expected = nextId;
                long next = store.nextEntryId(c);
                if (expected > 0 && next > expected) {
                    // nextId moves on only once they are learnt: a learning that fails is tried
                    // again on the next connection, not skipped as if there were nothing to learn
                    sealed.addAll(store.learnCommitted(c, expected));
                }
                nextId = next;
                insertEntries = store.prepareInsertEntries(c);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    /** After a failure, or when the writer stops: the next batch starts on a fresh connection from the pool. */
    private void dropConnection() {
        if (insertEntries != null) {
            closeQuietly(insertEntries);
            insertEntries = null;
        }
        if (connection != null) {
            rollbackQuietly(connection);
            closeQuietly(connection);
            connection = null;
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception ignored) {
            // broken already; the pool replaces a broken connection
        }
    }

    private void impaired(Exception cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        boolean first = failure == null;
        failure = reason;
        if (first) {
            log.error("recording impaired: {}; recorded commands are refused until the journal recovers", reason);
            tell(listener -> listener.impaired(reason));
        }
    }

    /**
     * Whether the database answers, tried on the writer's own next connection: opening it learns
     * the entries of a commit that failed in name only, so they are known to every read before the
     * sessions hear of the recovery and read back what they missed of their own.
     */
    private void probe() {
        try {
            connection().commit(); // ends the read that learnt, which would hold SQLite's log back
        } catch (SQLException | RuntimeException e) {
            dropConnection();
            return;
        }
        failure = null;
        heads.clear(); // reload chain heads from what was really committed
        histories.clear();
        log.info("recording recovered");
        tell(Listener::recovered);
    }

    private static void fail(List<Pending> pendings, String reason) {
        for (Pending pending : pendings) {
            pending.done().completeExceptionally(new UnavailableException(reason));
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the transaction is gone with it
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        running = false;
        reader.shutdown();
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
