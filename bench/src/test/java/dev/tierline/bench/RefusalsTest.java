package dev.tierline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RefusalsTest {
    @Test
    void countsByCodeAndKeepsTheFirstMessage() {
        Refusals refusals = new Refusals();
        refusals.count("{\"v\":1,\"type\":\"error\",\"re\":\"m1\",\"code\":\"unavailable\",\"message\":\"recording is impaired: disk full\"}");
        refusals.count("{\"v\":1,\"type\":\"error\",\"re\":\"m2\",\"code\":\"unavailable\",\"message\":\"recording is impaired: locked\"}");
        refusals.count("{\"v\":1,\"type\":\"error\",\"re\":\"m3\",\"code\":\"rate_limited\",\"message\":\"slow down\"}");

        assertEquals(Map.of("rate_limited (slow down)", 1L, "unavailable (recording is impaired: disk full)", 2L),
                refusals.counts());
    }

    @Test
    void anUnreadableReplyIsCountedNotDropped() {
        Refusals refusals = new Refusals();
        refusals.count("{\"v\":1,\"type\":\"error\",\"re\":\"m1\",");

        assertEquals(1, refusals.counts().size());
        assertEquals(1L, refusals.counts().values().iterator().next());
    }
}
