package dev.tierline.server.relay;

import dev.tierline.protocol.Audience;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The newest events of one session as the frames participants got, for resuming participants
 * (loop only). Bounded, by count and by bytes: older events are read back from the journal, which
 * holds them all, so a session's memory stays the same however long it runs. An event the journal
 * does not have yet (async recording, or while it is impaired) is kept whatever the bound, since
 * nothing else could replay it.
 */
final class ResumeTail {
    /** An event's frame, copied out of the tail for a resuming participant. */
    record Frame(long seq, Audience audience, byte[] bytes) {}

    static final int DEFAULT_BYTES = 128 * 1024;

    private final int capacity;
    private final int maxBytes;
    /** Key: seq; reference: audience. */
    private final ByteRing frames = new ByteRing(2048, 8);
    private long durableSeq;

    ResumeTail(int capacity) {
        this(capacity, DEFAULT_BYTES);
    }

    ResumeTail(int capacity, int maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    void add(long seq, Audience audience, ByteBuf frame) {
        trim(1, frame.readableBytes());
        frames.addLast(seq, 0, audience, frame);
    }

    /** The newest seq the journal is known to have. */
    long durableSeq() {
        return durableSeq;
    }

    /** Every event up to {@code seq} is in the journal now. */
    void durableUpTo(long seq) {
        if (seq > durableSeq) {
            durableSeq = seq;
            trim(0, 0);
        }
    }

    /** Drops the oldest durable events until {@code records} more of {@code bytes} fit within the bounds. */
    private void trim(int records, int bytes) {
        while (frames.size() > 0 && frames.key(0) <= durableSeq
                && (frames.size() + records > capacity || frames.usedBytes() + bytes > maxBytes)) {
            frames.removeFirst();
        }
    }

    /** The seq of the oldest event held, or {@code next} when none is: everything before it must come from the journal. */
    long firstSeq(long next) {
        return frames.size() == 0 ? next : frames.key(0);
    }

    /** Copies of the frames held with {@code seq > after}, oldest first. */
    List<Frame> after(long after) {
        List<Frame> out = new ArrayList<>();
        for (int i = frames.size() - 1; i >= 0 && frames.key(i) > after; i--) {
            out.add(new Frame(frames.key(i), (Audience) frames.ref(i), frames.copy(i, 0)));
        }
        Collections.reverse(out);
        return out;
    }

    int size() {
        return frames.size();
    }

    /** Bytes the tail holds on to. */
    int capacityBytes() {
        return frames.capacityBytes();
    }
}
