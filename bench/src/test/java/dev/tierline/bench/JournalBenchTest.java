package dev.tierline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JournalBenchTest {
    @Test
    void aPassSlowerThanTheOneBeforeIsNotWarm() {
        // the passes that made the journal read 35,461 events/s where its steady passes took 1.3 s
        assertThat(JournalBench.warm(List.of(3.80, 2.30, 2.82))).isFalse();
    }

    @Test
    void twoSlowPassesInARowAfterAFastOneAreNotWarm() {
        assertThat(JournalBench.warm(List.of(1.30, 2.60, 2.61))).isFalse();
    }

    @Test
    void onePassIsNeverWarm() {
        assertThat(JournalBench.warm(List.of(1.30))).isFalse();
    }

    @Test
    void aPassThatIsTheFastestSoFarIsNotEnoughAlone() {
        assertThat(JournalBench.warm(List.of(3.96, 2.67, 1.34))).isFalse();
    }

    @Test
    void twoPassesInARowWithinThreePercentOfTheFastestAreWarm() {
        assertThat(JournalBench.warm(List.of(3.96, 2.67, 1.34, 1.35))).isTrue();
        assertThat(JournalBench.warm(List.of(1.40, 1.36, 1.38))).isTrue();
    }
}
