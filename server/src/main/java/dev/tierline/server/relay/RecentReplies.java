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
            answered.removeFirst();
        }
        byte[] id = commandId.getBytes(StandardCharsets.UTF_8);
        answered.addLast(commandId.hashCode(), id.length, null, id, reply);
        return waiting == null ? List.of() : waiting;
    }

    /** Forgets a command that was not applied, so that a retry is decided afresh. */
    List<Connection> abandon(String commandId) {
        List<Connection> waiting = inFlight.remove(commandId);
        return waiting == null ? List.of() : waiting;
    }

    /** The newest reply to {@code commandId}, or -1. A scan: new ids, which miss, are the common case and 512 longs are quick to compare. */
    private int find(String commandId) {
        long hash = commandId.hashCode();
        byte[] id = null;
        for (int i = answered.size() - 1; i >= 0; i--) {
            if (answered.key(i) == hash) {
                if (id == null) {
                    id = commandId.getBytes(StandardCharsets.UTF_8);
                }
                if (answered.intAt(i) == id.length && answered.startsWith(i, id)) {
                    return i;
                }
            }
        }
        return -1;
    }
}
