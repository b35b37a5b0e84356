package dev.tierline.server.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LiveRowsTest {
    @Test
    void slicesSayWhichRowHoldsWhichSeq() {
        LiveRows rows = new LiveRows();
        for (long seq = 1; seq <= 5; seq++) {
            rows.add("a", seq, 100 + seq * 2);
            rows.add("b", seq, 101 + seq * 2);
        }
        LiveRows.Slice slice = rows.slice("a", 1, 3);
        assertThat(slice.firstSeq()).isEqualTo(2);
        assertThat(slice.ids()).containsExactly(104, 106);
        assertThat(rows.slice("b", 0, Long.MAX_VALUE).ids()).containsExactly(103, 105, 107, 109, 111);
        assertThat(rows.slice("a", 5, Long.MAX_VALUE).isEmpty()).isTrue();
        assertThat(rows.slice("unknown", 0, Long.MAX_VALUE).isEmpty()).isTrue();
        assertThat(rows.last("b").firstSeq()).isEqualTo(5);
        assertThat(rows.last("b").ids()).containsExactly(111);
        assertThat(rows.size()).isEqualTo(10);
    }

    @Test
    void indexedRowsLeaveFromTheLowestSeqAndAnEmptiedSessionIsForgotten() {
        LiveRows rows = new LiveRows();
        for (long seq = 1; seq <= 1_000; seq++) {
            rows.add("a", seq, seq * 10);
        }
        LiveRows.Slice first = rows.first("a", 256);
        assertThat(first.firstSeq()).isEqualTo(1);
        assertThat(first.ids()).hasSize(256).startsWith(10).endsWith(2_560);
        rows.dropFirst("a", 256);
        assertThat(rows.slice("a", 0, 257).firstSeq()).isEqualTo(257);
        assertThat(rows.slice("a", 0, 257).ids()).containsExactly(2_570);
        assertThat(rows.first("a", 10_000).ids()).hasSize(744);
        rows.dropFirst("a", 744);
        assertThat(rows.size()).isZero();
        assertThat(rows.last("a").isEmpty()).isTrue();
        rows.add("a", 7, 1); // rows after all were indexed start a new run
        assertThat(rows.slice("a", 0, Long.MAX_VALUE).firstSeq()).isEqualTo(7);
    }

    @Test
    void rowsKeepTheirSeqsAcrossGrowingAndCompacting() {
        LiveRows rows = new LiveRows();
        long next = 1;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 37; i++, next++) {
                rows.add("a", next, next + 1_000_000);
            }
            LiveRows.Slice head = rows.first("a", 30);
            rows.dropFirst("a", 30);
            for (int i = 0; i < head.ids().length; i++) {
                assertThat(head.ids()[i]).isEqualTo(head.firstSeq() + i + 1_000_000);
            }
        }
        LiveRows.Slice all = rows.slice("a", 0, Long.MAX_VALUE);
        assertThat(all.ids()).hasSize(50 * 7);
        for (int i = 0; i < all.ids().length; i++) {
            assertThat(all.ids()[i]).isEqualTo(all.firstSeq() + i + 1_000_000);
        }
    }

    @Test
    void aSeqThatDoesNotFollowIsABug() {
        LiveRows rows = new LiveRows();
        rows.add("a", 1, 1);
        assertThatThrownBy(() -> rows.add("a", 3, 2)).isInstanceOf(IllegalStateException.class);
    }
}
