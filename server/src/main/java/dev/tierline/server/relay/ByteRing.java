package dev.tierline.server.relay;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A first-in first-out store of byte records packed into one array that grows when it must, each
 * record with a {@code long} key, an {@code int} and a reference beside it (loop only: not
 * thread-safe).
 *
 * <p>Why not a queue of {@code byte[]}: the relay keeps the newest hundreds of frames of every
 * session and replies of every participant. As objects of their own they lived just long enough to
 * be copied by young collections again and again and then promoted to die in the old generation;
 * with 1,000 participants that was over 100 MB turning over, and the young pauses it caused were
 * most of the relay's p99. Packed here they are bytes copied into arrays that stay put.
 */
final class ByteRing {
    private byte[] data;
    private long[] keys;
    private int[] ints;
    private Object[] refs;
    private int[] offsets;
    private int[] lengths;
    /** Slot of the oldest record; slots wrap around the metadata arrays. */
    private int first;
    private int size;
    /** Where in {@link #data} the next record goes when it fits there. */
    private int write;
    private int used;

    ByteRing(int initialBytes, int initialRecords) {
        int records = Integer.highestOneBit(Math.max(2, initialRecords - 1)) << 1;
        data = new byte[Math.max(16, initialBytes)];
        keys = new long[records];
        ints = new int[records];
        refs = new Object[records];
        offsets = new int[records];
        lengths = new int[records];
    }

    int size() {
        return size;
    }

    /** Bytes the records hold (not counting the array's free room). */
    int usedBytes() {
        return used;
    }

    /** The array's length: what the ring holds on to, records or not. */
    int capacityBytes() {
        return data.length;
    }

    long key(int index) {
        return keys[slot(index)];
    }

    int intAt(int index) {
        return ints[slot(index)];
    }

    Object ref(int index) {
        return refs[slot(index)];
    }

    /**
     * The index of the newest record before {@code before} whose key is {@code key}, or -1. Walks the
     * key array itself, without {@link #slot}'s check per record: callers scan hundreds of keys for
     * every message, and nearly always find none.
     */
    int lastIndexOfKey(long key, int before) {
        int mask = keys.length - 1;
        for (int i = Math.min(before, size) - 1; i >= 0; i--) {
            if (keys[(first + i) & mask] == key) {
                return i;
            }
        }
        return -1;
    }

    /** Bytes {@code from} to the end of record {@code index}, copied out. */
    byte[] copy(int index, int from) {
        int slot = slot(index);
        return Arrays.copyOfRange(data, offsets[slot] + from, offsets[slot] + lengths[slot]);
    }

    /** Whether record {@code index} begins with {@code prefix}'s bytes. */
    boolean startsWith(int index, byte[] prefix) {
        int slot = slot(index);
        return lengths[slot] >= prefix.length
                && Arrays.equals(data, offsets[slot], offsets[slot] + prefix.length, prefix, 0, prefix.length);
    }

    void addLast(long key, int value, Object ref, ByteBuf bytes) {
        int length = bytes.readableBytes();
        int at = place(length);
        bytes.getBytes(bytes.readerIndex(), data, at, length);
        append(key, value, ref, at, length);
    }

    /** Adds one record made of {@code head} followed by {@code tail}. */
    void addLast(long key, int value, Object ref, byte[] head, byte[] tail) {
        int length = head.length + tail.length;
        int at = place(length);
        System.arraycopy(head, 0, data, at, head.length);
        System.arraycopy(tail, 0, data, at + head.length, tail.length);
        append(key, value, ref, at, length);
    }

    void removeFirst() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        used -= lengths[first];
        refs[first] = null;
        first = (first + 1) & (keys.length - 1);
        if (--size == 0) {
            first = 0;
            write = 0;
        }
    }

    private int slot(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return (first + index) & (keys.length - 1);
    }

    /** Where a record of {@code length} bytes goes: after the newest, at the start of the array, or in a bigger array. */
    private int place(int length) {
        if (size > 0) {
            int oldest = offsets[first];
            boolean wrapped = offsets[(first + size - 1) & (keys.length - 1)] < oldest;
            if (!wrapped && write + length <= data.length) {
                return write;
            }
            if (!wrapped && length <= oldest) {
                return 0;
            }
            if (wrapped && write + length <= oldest) {
                return write;
            }
            grow(length);
            return write;
        }
        if (length > data.length) {
            data = new byte[Math.max(length, data.length * 2)];
        }
        return 0;
    }

    /** Copies the records, oldest first, to the start of an array with room for {@code length} more. */
    private void grow(int length) {
        byte[] bigger = new byte[Math.max(data.length * 2, used + length)];
        int at = 0;
        for (int i = 0; i < size; i++) {
            int slot = (first + i) & (keys.length - 1);
            System.arraycopy(data, offsets[slot], bigger, at, lengths[slot]);
            offsets[slot] = at;
            at += lengths[slot];
        }
        data = bigger;
        write = at;
    }

    private void append(long key, int value, Object ref, int at, int length) {
        if (size == keys.length) {
            growSlots();
        }
        int slot = (first + size) & (keys.length - 1);
        keys[slot] = key;
        ints[slot] = value;
        refs[slot] = ref;
        offsets[slot] = at;
        lengths[slot] = length;
        size++;
        used += length;
        write = at + length;
    }

    private void growSlots() {
        int n = keys.length;
        keys = unwrap(keys, new long[n * 2], n);
        ints = unwrap(ints, new int[n * 2], n);
        refs = unwrap(refs, new Object[n * 2], n);
        offsets = unwrap(offsets, new int[n * 2], n);
        lengths = unwrap(lengths, new int[n * 2], n);
        first = 0;
    }

    /** Copies a full slot array of {@code n}, which wraps around at {@link #first}, into {@code into}, oldest at 0. */
    private <A> A unwrap(A from, A into, int n) {
        System.arraycopy(from, first, into, 0, n - first);
        System.arraycopy(from, 0, into, n - first, first);
        return into;
    }
}
