package dev.tierline.server.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteRingTest {
    private record Rec(long key, int value, Object ref, byte[] bytes) {}

    @Test
    void behavesLikeAQueueOfByteArraysThroughWrapsAndGrowth() {
        Random random = new Random(42);
        ByteRing ring = new ByteRing(64, 2);
        ArrayDeque<Rec> model = new ArrayDeque<>();
        for (int step = 0; step < 20_000; step++) {
            if (!model.isEmpty() && (random.nextInt(100) < 48 || model.size() > 300)) {
                ring.removeFirst();
                model.removeFirst();
            } else {
                byte[] bytes = new byte[random.nextInt(random.nextInt(10) == 0 ? 300 : 40)];
                random.nextBytes(bytes);
                Rec rec = new Rec(step % 13, bytes.length * 3, "r" + step, bytes);
                if (random.nextBoolean()) {
                    ring.addLast(rec.key, rec.value, rec.ref, Unpooled.wrappedBuffer(bytes));
                } else {
                    int cut = bytes.length / 2;
                    ring.addLast(rec.key, rec.value, rec.ref, java.util.Arrays.copyOf(bytes, cut),
                            java.util.Arrays.copyOfRange(bytes, cut, bytes.length));
                }
                model.addLast(rec);
            }
            assertSame(ring, model);
            if (step % 20 == 0) {
                assertKeys(ring, model);
            }
        }
        assertThat(ring.capacityBytes()).as("grown only as far as 300 records of up to 300 bytes need")
                .isLessThan(4 * 300 * 300);
    }

    @Test
    void aRecordLargerThanTheArrayGrowsIt() {
        ByteRing ring = new ByteRing(16, 2);
        ring.addLast(1, 0, null, Unpooled.wrappedBuffer(new byte[10]));
        ring.addLast(2, 0, null, Unpooled.wrappedBuffer(new byte[100]));
        assertThat(ring.copy(1, 0)).hasSize(100);
        assertThat(ring.usedBytes()).isEqualTo(110);
        ring.removeFirst();
        ring.removeFirst();
        ring.addLast(3, 0, null, Unpooled.wrappedBuffer(new byte[500]));
        assertThat(ring.copy(0, 0)).hasSize(500);
    }

    @Test
    void prefixesAndOutOfRangeIndexes() {
        ByteRing ring = new ByteRing(16, 2);
        ring.addLast(7, 3, null, new byte[] {'c', '-', '1'}, new byte[] {'{', '}'});
        assertThat(ring.startsWith(0, new byte[] {'c', '-', '1'})).isTrue();
        assertThat(ring.startsWith(0, new byte[] {'c', '-', '2'})).isFalse();
        assertThat(ring.startsWith(0, new byte[6])).isFalse();
        assertThat(ring.copy(0, ring.intAt(0))).containsExactly('{', '}');
        assertThatThrownBy(() -> ring.key(1)).isInstanceOf(IndexOutOfBoundsException.class);
        ring.removeFirst();
        assertThatThrownBy(ring::removeFirst).isInstanceOf(IllegalStateException.class);
    }

    private static void assertSame(ByteRing ring, ArrayDeque<Rec> model) {
        assertThat(ring.size()).isEqualTo(model.size());
        List<Rec> expected = new ArrayList<>(model);
        int used = 0;
        for (int i = 0; i < expected.size(); i++) {
            Rec rec = expected.get(i);
            assertThat(ring.key(i)).isEqualTo(rec.key);
            assertThat(ring.intAt(i)).isEqualTo(rec.value);
            assertThat(ring.ref(i)).isEqualTo(rec.ref);
            assertThat(ring.copy(i, 0)).isEqualTo(rec.bytes);
            used += rec.bytes.length;
        }
        assertThat(ring.usedBytes()).isEqualTo(used);
    }

    /** {@link ByteRing#lastIndexOfKey} against a scan of the model, keys repeating. */
    private static void assertKeys(ByteRing ring, ArrayDeque<Rec> model) {
        List<Rec> expected = new ArrayList<>(model);
        for (long key = -1; key < 14; key++) {
            for (int before : new int[] {expected.size(), expected.size() / 2, 0}) {
                int newest = -1;
                for (int i = 0; i < before; i++) {
                    if (expected.get(i).key == key) {
                        newest = i;
                    }
                }
                assertThat(ring.lastIndexOfKey(key, before)).as("key %d before %d", key, before).isEqualTo(newest);
            }
        }
    }
}
