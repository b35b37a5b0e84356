package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @Test
    void theEmbeddedDatabaseIsASqliteFileInWalModeWithTheSchema(@TempDir Path dir) throws Exception {
        try (Database db = Database.open("", null, null, 2, dir);
             Connection c = db.dataSource().getConnection();
             ResultSet wal = c.createStatement().executeQuery("PRAGMA journal_mode");
             ResultSet tables = c.getMetaData().getTables(null, null, "transcript_entries", null)) {
            assertThat(db.isSqlite()).isTrue();
            assertThat(dir.resolve("tierline.db")).exists();
            assertThat(wal.next()).isTrue();
            assertThat(wal.getString(1)).isEqualToIgnoringCase("wal");
            assertThat(tables.next()).as("migrations created the transcript table").isTrue();
        }
    }

    /**
     * The writer's commits never checkpoint (that would stall every event waiting to be durable):
     * the checkpointer thread copies the log into the database file while the database is open.
     */
    @Test
    void theWriteAheadLogIsCheckpointedBesideTheWriterNotByIt(@TempDir Path dir) throws Exception {
        try (Database db = Database.open("", null, null, 2, dir);
             Connection c = db.dataSource().getConnection()) {
            try (ResultSet auto = c.createStatement().executeQuery("PRAGMA wal_autocheckpoint")) {
                assertThat(auto.next()).isTrue();
                assertThat(auto.getInt(1)).isZero();
            }
            long before = Files.size(dir.resolve("tierline.db"));
            c.setAutoCommit(false);
            try (PreparedStatement ticket = c.prepareStatement("INSERT INTO tickets (id, created_at) VALUES (?, 0)")) {
                for (int i = 0; i < 20_000; i++) {
                    ticket.setString(1, "T-" + i + "-" + "x".repeat(100));
                    ticket.addBatch();
                }
                ticket.executeBatch();
            }
            c.commit();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(Files.size(dir.resolve("tierline.db"))).isGreaterThan(before + (1 << 20)));
        }
    }

    /**
     * A steady stream of commits: with checkpoints beside the writer alone, the log never started
     * over and grew without end (a gigabyte in the bench).
     */
    @Test
    void theWriteAheadLogStaysBoundedUnderSteadyWrites(@TempDir Path dir) throws Exception {
        Path wal = dir.resolve("tierline.db-wal");
        long written = 0;
        long largest = 0;
        int catchUps = 0;
        byte[] blob = new byte[256 * 1024];
        try (Database db = Database.open("", null, null, 2, dir, 4096, Database.FileSync.FDATASYNC); // 16 MiB, not 128
             Connection c = db.dataSource().getConnection()) {
            c.createStatement().execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, body BLOB)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO scratch (body) VALUES (?)")) {
                for (int i = 0; i < 1600; i++) { // 400 MiB through the log, one commit each
                    new java.util.Random(i).nextBytes(blob);
                    insert.setBytes(1, blob);
                    insert.executeUpdate();
                    if (db.afterJournalCommit().run(c)) { // what the journal's writer does after each commit
                        catchUps++;
                    }
                    written += blob.length;
                    if (i % 100 == 99) {
                        c.createStatement().execute("DELETE FROM scratch"); // the database file stays small too
                    }
                    largest = Math.max(largest, Files.size(wal));
                }
            }
        }
        assertThat(written).isGreaterThanOrEqualTo(400L << 20);
        assertThat(largest).as("largest write-ahead log seen, in bytes").isLessThan(96L << 20);
        assertThat(catchUps).as("catch-ups the writer reported having run").isPositive();
    }

    /**
     * The writer's catch-up is the checkpoint that copies the whole log, the one SQLite ends by
     * syncing the database file. Unless the checkpointer synced the file first, that sync carried
     * every page copied since the log last started over, and the writer waited for it. The sync
     * must not cost SQLite its locks: closing a second descriptor of the file would drop them all.
     */
    @Test
    void theCheckpointerSyncsTheDatabaseFileBeforeEachCatchUpAndKeepsSqlitesLocks(@TempDir Path dir)
            throws Exception {
        AtomicInteger synced = new AtomicInteger();
        Database.FileSync counting = file -> {
            synced.incrementAndGet();
            Database.FileSync.FDATASYNC.sync(file);
        };
        Path file = dir.resolve("tierline.db");
        int catchUps = 0;
        int syncsAtLastCatchUp = 0;
        int lastTry = -2;
        byte[] blob = new byte[256 * 1024];
        try (Database db = Database.open("", null, null, 2, dir, 1024, counting); // 4 MiB of log
             Connection c = db.dataSource().getConnection()) {
            c.createStatement().execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, body BLOB)");
            boolean locksListed = Files.isReadable(Path.of("/proc/locks")) && posixLocksHeldOn(file) > 0;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO scratch (body) VALUES (?)")) {
                for (int i = 0; catchUps < 3; i++) {
                    assertThat(i).as("commits before three catch-ups").isLessThan(5_000);
                    new Random(i).nextBytes(blob);
                    insert.setBytes(1, blob);
                    insert.executeUpdate();
                    if (db.afterJournalCommit().run(c)) {
                        // a catch-up that found the checkpointer's pass under way is tried again at the next commit
                        if (i != lastTry + 1) {
                            catchUps++;
                            assertThat(synced.get()).as("database file syncs before catch-up " + catchUps)
                                    .isGreaterThan(syncsAtLastCatchUp);
                            syncsAtLastCatchUp = synced.get();
                        }
                        lastTry = i;
                    }
                    if (i % 100 == 99) {
                        c.createStatement().execute("DELETE FROM scratch");
                    }
                }
            }
            assumeTrue(locksListed, "a kernel that lists SQLite's POSIX locks in /proc/locks");
            assertThat(posixLocksHeldOn(file)).as("SQLite's locks on the database file after the syncs").isPositive();
        }
    }

    /** Closing the database must not end a sync under way by interrupting it: that closes the channel, and SQLite's locks with it. */
    @Test
    void closingTheDatabaseWaitsForASyncUnderWayInsteadOfInterruptingIt(@TempDir Path dir) throws Exception {
        CountDownLatch syncing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> syncEnded = new AtomicReference<>();
        Database.FileSync slow = file -> {
            syncing.countDown();
            try {
                // a sync that takes a while: what an interrupt would cut short
                release.await();
                Database.FileSync.FDATASYNC.sync(file);
                syncEnded.set(new Throwable("completed"));
            } catch (InterruptedException | IOException e) {
                syncEnded.set(e);
                Thread.currentThread().interrupt();
            }
        };
        byte[] blob = new byte[256 * 1024];
        Database db = Database.open("", null, null, 2, dir, 256, slow); // 1 MiB of log
        try {
            closeDuringASync(db, blob, syncing, release, syncEnded);
        } finally {
            release.countDown();
            db.close();
        }
    }

    private static void closeDuringASync(Database db, byte[] blob, CountDownLatch syncing,
                                         CountDownLatch release,
                                         AtomicReference<Throwable> syncEnded)
            throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            c.createStatement().execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, body BLOB)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO scratch (body) VALUES (?)")) {
                for (int i = 0; syncing.getCount() > 0; i++) {
                    assertThat(i).as("commits before the checkpointer syncs").isLessThan(5_000);
                    new Random(i).nextBytes(blob);
                    insert.setBytes(1, blob);
                    insert.executeUpdate();
                }
            }
        }
        Thread closer = new Thread(db::close, "closer");
        closer.start();
        // waiting in stop()'s awaitTermination (past where shutdownNow() would have interrupted the
        // sync), or already done, which only an interrupted sync would let it be
        await().atMost(Duration.ofSeconds(10)).until(() -> closer.getState() == Thread.State.TIMED_WAITING
                || closer.getState() == Thread.State.TERMINATED);
        release.countDown();
        closer.join(10_000);
        assertThat(closer.isAlive()).as("close returned").isFalse();
        assertThat(syncEnded.get()).as("how the sync under way ended").hasMessage("completed");
    }

    /** POSIX locks this process holds on the file, from the kernel's list of them. */
    private static long posixLocksHeldOn(Path file) throws Exception {
        long inode = (Long) Files.getAttribute(file, "unix:ino");
        String pid = Long.toString(ProcessHandle.current().pid());
        // "1: POSIX  ADVISORY  READ 4711 08:01:123456 1073741826 1073742335"
        return Files.readAllLines(Path.of("/proc/locks")).stream()
                .map(line -> line.replace("->", "").trim().split("\\s+"))
                .filter(f -> f.length >= 6 && f[1].equals("POSIX") && f[4].equals(pid)
                        && f[5].endsWith(":" + inode))
                .count();
    }
}
