package dev.tierline.server.relay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last replies one participant got in one session, by command id, so a command retried after a
 * reconnect is answered again instead of applied twice. A command still being recorded when its
 * retry arrives is "in flight": the retry waits for the original's reply. Bounded: past
 * {@link #CAPACITY} replies the oldest are forgotten.
 */
final class RecentReplies {
    static final int CAPACITY = 512;
    private static final byte[] IN_FLIGHT = new byte[0];

    /** Each record: the command id's UTF-8 bytes, then the reply's. Key: the id's hash; int: the id's length. */
    private final ByteRing answered = new ByteRing(1024, 8);
    /**
     * How many answered ids fall in each hash bucket, four buckets per record or more: a command
     * whose bucket is empty is new without a scan. It nearly always is, and the scan it saves read
     * a participant's whole key array, one that no other command of the last moment had touched:
     * with a thousand participants that was a cache miss per line, 1.5 % of the server's CPU.
     */
    private char[] buckets = new char[32];
    /** Commands being applied, with the retries waiting for them (null until one arrives, which is rare). */
    private final Map<String, List<Connection>> inFlight = new HashMap<>(8);

    /**
     * Starts a command, or finds it known already.
     *
     * @return the earlier reply to send again; an empty array when the original is still in flight
     *         (the caller is then answered when it completes); {@code null} when the command is new
     */
    byte[] begin(String commandId, Connection connection) {
        if (inFlight.containsKey(commandId)) {
            inFlight.computeIfAbsent(commandId, id -> new ArrayList<>(1)).add(connection);
            return IN_FLIGHT;
        }
        int known = find(commandId);
        if (known >= 0) {
            return answered.copy(known, answered.intAt(known));
        }
        inFlight.put(commandId, null);
        return null;
    }

    /** Records the reply and returns the retries that were waiting for it. */
    List<Connection> complete(String commandId, byte[] reply) {
        List<Connection> waiting = inFlight.remove(commandId);
        if (answered.size() >= CAPACITY) {
            buckets[bucket(answered.key(0))]--;
            answered.removeFirst();
        }
        byte[] id = commandId.getBytes(StandardCharsets.UTF_8);
        long hash = commandId.hashCode();
        answered.addLast(hash, id.length, null, id, reply);
        if (answered.size() * 4 > buckets.length) {
            buckets = new char[buckets.length * 2];
            for (int i = 0; i < answered.size(); i++) {
                buckets[bucket(answered.key(i))]++;
            }
        } else {
            buckets[bucket(hash)]++;
        }
        return waiting == null ? List.of() : waiting;
    }

    /** Forgets a command that was not applied, so that a retry is decided afresh. */
    List<Connection> abandon(String commandId) {
        List<Connection> waiting = inFlight.remove(commandId);
        return waiting == null ? List.of() : waiting;
    }

    private int bucket(long hash) {
        return (int) (hash ^ (hash >>> 16)) & (buckets.length - 1);
    }

    /** The newest reply to {@code commandId}, or -1. */
    private int find(String commandId) {
        long hash = commandId.hashCode();
        if (buckets[bucket(hash)] == 0) {
            return -1;
        }
        byte[] id = null;
        for (int i = answered.lastIndexOfKey(hash, answered.size()); i >= 0; i = answered.lastIndexOfKey(hash, i)) {
            if (id == null) {
                id = commandId.getBytes(StandardCharsets.UTF_8);
            }
            if (answered.intAt(i) == id.length && answered.startsWith(i, id)) {
                return i;
            }
        }
        return -1;
    }
}
