package dev.tierline.server.relay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last replies one participant got in one session, by command id, so a command retried after a
 * reconnect is answered again instead of applied twice. Bounded: the oldest are forgotten.
 */
final class RecentReplies {
    static final int CAPACITY = 512;

    private final Map<String, byte[]> byCommandId = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > CAPACITY;
        }
    };

    byte[] get(String commandId) {
        return byCommandId.get(commandId);
    }

    void put(String commandId, byte[] reply) {
        byCommandId.put(commandId, reply);
    }
}
