package dev.tierline.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierline.protocol.Audience;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ResumeTailTest {
    private static ResumeTail filled(int capacity, int events) {
        ResumeTail tail = new ResumeTail(capacity);
        for (long seq = 1; seq <= events; seq++) {
            tail.add(seq, Audience.ALL, Unpooled.wrappedBuffer(new byte[] {(byte) seq}));
        }
        return tail;
    }

    @Test
    void keepsTheNewestDurableEventsUpToItsBound() {
        ResumeTail tail = filled(4, 10);
        tail.durableUpTo(10);
        assertThat(tail.size()).isEqualTo(4);
        assertThat(tail.firstSeq(11)).isEqualTo(7);
        assertThat(tail.after(8)).extracting(ResumeTail.Frame::seq).containsExactly(9L, 10L);
        assertThat(tail.after(2)).extracting(ResumeTail.Frame::seq).containsExactly(7L, 8L, 9L, 10L);
    }

    @Test
    void neverDropsAnEventTheJournalDoesNotHaveYet() {
        ResumeTail tail = filled(4, 10);
        assertThat(tail.size()).as("nothing durable: nothing else could replay them").isEqualTo(10);
        tail.durableUpTo(5);
        assertThat(tail.firstSeq(11)).isEqualTo(6);
        assertThat(tail.size()).isEqualTo(5);
    }

    @Test
    void anEmptyTailSendsEverythingToTheJournal() {
        ResumeTail tail = new ResumeTail(4);
        assertThat(tail.firstSeq(1)).isEqualTo(1);
        assertThat(tail.after(0)).isEmpty();
    }

    @Test
    void keepsNoMoreBytesThanItsBoundOnceDurable() {
        ResumeTail tail = new ResumeTail(256, 1000);
        for (long seq = 1; seq <= 40; seq++) {
            tail.add(seq, Audience.ALL, Unpooled.wrappedBuffer(new byte[100]));
            tail.durableUpTo(seq);
        }
        assertThat(tail.size()).isEqualTo(10);
        assertThat(tail.firstSeq(41)).isEqualTo(31);
        assertThat(tail.capacityBytes()).isLessThanOrEqualTo(4096);
    }

    @Test
    void theFramesItGivesBackAreCopiesThatOutliveItsChanges() {
        ResumeTail tail = new ResumeTail(2);
        tail.add(1, Audience.participant("p-1"), Unpooled.wrappedBuffer(new byte[] {1, 2}));
        tail.durableUpTo(1);
        ResumeTail.Frame frame = tail.after(0).get(0);
        tail.add(2, Audience.ALL, Unpooled.wrappedBuffer(new byte[] {3}));
        tail.add(3, Audience.ALL, Unpooled.wrappedBuffer(new byte[] {4, 5}));
        tail.durableUpTo(3);
        assertThat(frame.bytes()).containsExactly(1, 2);
        assertThat(frame.audience()).isEqualTo(Audience.participant("p-1"));
        assertThat(tail.after(0)).extracting(ResumeTail.Frame::seq).containsExactly(2L, 3L);
    }
}
