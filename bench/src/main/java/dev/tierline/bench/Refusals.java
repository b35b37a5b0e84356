package dev.tierline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Error replies to published messages, counted by code. The workload neither waits for a refused
 * message's deliveries nor counts them lost, so the runner prints these beside its rows: how many
 * messages a target refused, and why (the journal impaired or behind, say).
 */
final class Refusals {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The first message seen with each code: messages name ids, so counting by message would split one cause. */
    private final Map<String, String> firstMessage = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byCode = new ConcurrentHashMap<>();

    /** Called on network threads with an error reply frame. */
    void count(String errorFrame) {
        String code;
        String message;
        try {
            JsonNode reply = JSON.readTree(errorFrame);
            code = reply.path("code").asText("?");
            message = reply.path("message").asText("");
        } catch (IOException e) {
            code = "unreadable";
            message = errorFrame;
        }
        firstMessage.putIfAbsent(code, message);
        byCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** "code (first message)" to how many, sorted by code. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        byCode.forEach((code, n) -> counts.put(code + " (" + firstMessage.get(code) + ")", n.sum()));
        return counts;
    }
}
