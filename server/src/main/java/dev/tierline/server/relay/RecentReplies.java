package dev.tierline.server.relay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last replies one participant got in one session, by command id, so a command retried after a
 * reconnect is answered again instead of applied twice. A command still being recorded when its
 * retry arrives is "in flight": the retry waits for the original's reply. Bounded: the oldest
 * entries are forgotten.
 */
final class RecentReplies {
    static final int CAPACITY = 512;

    /** Kept small: a busy session holds hundreds per participant. */
    private static final class Slot {
        byte[] reply;
        /** Retries waiting for the reply; made only when one arrives, which is rare. */
        List<Connection> waiting;
    }

    private final Map<String, Slot> byCommandId = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Slot> eldest) {
            return size() > CAPACITY && eldest.getValue().reply != null;
        }
    };

    /**
     * Starts a command, or finds it known already.
     *
     * @return the earlier reply to send again; an empty array when the original is still in flight
     *         (the caller is then answered when it completes); {@code null} when the command is new
     */
    byte[] begin(String commandId, Connection connection) {
        Slot slot = byCommandId.get(commandId);
        if (slot == null) {
            byCommandId.put(commandId, new Slot());
            return null;
        }
        if (slot.reply == null) {
            if (slot.waiting == null) {
                slot.waiting = new ArrayList<>(1);
            }
            slot.waiting.add(connection);
            return new byte[0];
        }
        return slot.reply;
    }

    /** Records the reply and returns the retries that were waiting for it. */
    List<Connection> complete(String commandId, byte[] reply) {
        Slot slot = byCommandId.computeIfAbsent(commandId, id -> new Slot());
        slot.reply = reply;
        List<Connection> waiting = slot.waiting == null ? List.of() : slot.waiting;
        slot.waiting = null;
        return waiting;
    }

    /** Forgets a command that was not applied, so that a retry is decided afresh. */
    List<Connection> abandon(String commandId) {
        Slot slot = byCommandId.remove(commandId);
        return slot == null || slot.waiting == null ? List.of() : slot.waiting;
    }
}
