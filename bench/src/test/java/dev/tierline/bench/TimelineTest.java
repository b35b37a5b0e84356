package dev.tierline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimelineTest {
    @Test
    void eachTenMillisecondsOfIntendedTimeKeepsItsWorstLatencyAndItsCountOverFive() {
        Timeline t = new Timeline(null, 1_000_000_000L, 1);
        t.record(1_000_000_000L + 3_000_000L, 2_000_000L);
        t.record(1_000_000_000L + 9_000_000L, 7_000_000L);
        t.record(1_000_000_000L + 12_000_000L, 30_000_000L); // sent in the second bucket, however late it came
        assertThat(t.worstMicros(0)).isEqualTo(7_000);
        assertThat(t.slowCount(0)).isEqualTo(1);
        assertThat(t.worstMicros(1)).isEqualTo(30_000);
        assertThat(t.slowCount(1)).isEqualTo(1);
    }

    @Test
    void aDeliveryIntendedBeforeTheRunOrLongAfterItIsIgnored() {
        Timeline t = new Timeline(null, 1_000_000_000L, 1);
        t.record(999_000_000L, 50_000_000L);
        t.record(1_000_000_000L + 60_000_000_000L, 50_000_000L);
        assertThat(t.worstMicros(0)).isZero();
    }
}
