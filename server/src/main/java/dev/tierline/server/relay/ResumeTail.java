package dev.tierline.server.relay;

import dev.tierline.protocol.Audience;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest events of one session as the frames participants got, for resuming participants
 * (loop only). Bounded: older events are read back from the journal, which holds them all, so a
 * session's memory stays the same however long it runs. An event the journal does not have yet
 * (async recording, or while it is impaired) is kept whatever the bound, since nothing else could
 * replay it.
 */
final class ResumeTail {
    record Frame(long seq, Audience audience, byte[] bytes) {}

    private final int capacity;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private long durableSeq;

    ResumeTail(int capacity) {
        this.capacity = capacity;
    }

    void add(long seq, Audience audience, byte[] bytes) {
        frames.addLast(new Frame(seq, audience, bytes));
        trim();
    }

    /** Every event up to {@code seq} is in the journal now. */
    void durableUpTo(long seq) {
        if (seq > durableSeq) {
            durableSeq = seq;
            trim();
        }
    }

    private void trim() {
        while (frames.size() > capacity && frames.peekFirst().seq() <= durableSeq) {
            frames.removeFirst();
        }
    }

    /** The seq of the oldest event held, or {@code next} when none is: everything before it must come from the journal. */
    long firstSeq(long next) {
        Frame first = frames.peekFirst();
        return first == null ? next : first.seq();
    }

    /** The frames held with {@code seq > after}, oldest first. */
    List<Frame> after(long after) {
        List<Frame> out = new ArrayList<>();
        for (var it = frames.descendingIterator(); it.hasNext(); ) {
            Frame frame = it.next();
            if (frame.seq() <= after) {
                break;
            }
            out.add(frame);
        }
        java.util.Collections.reverse(out);
        return out;
    }

    int size() {
        return frames.size();
    }
}
