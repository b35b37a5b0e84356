package dev.tierline.server.recording;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each session's entries not yet in {@code transcript_index} are: {@code transcript_entries}
 * has no index by session, so the journal remembers their ids itself, from their commit until they
 * are indexed. A session's unindexed entries always hold consecutive seqs (the journal refuses a
 * gap, and indexes the lowest first), so one first seq and the ids in order say which row holds
 * which seq. The writer adds and drops; readers take copies.
 */
final class LiveRows {
    /** The ids of a session's rows for seqs {@code firstSeq, firstSeq + 1, ...}. */
    record Slice(long firstSeq, long[] ids) {
        static final Slice EMPTY = new Slice(0, new long[0]);

        boolean isEmpty() {
            return ids.length == 0;
        }
    }

    private static final class Rows {
        private long firstSeq;
        private long[] ids = new long[16];
        private int start;
        private int end;

        synchronized void add(long seq, long id) {
            if (start == end) {
                firstSeq = seq;
                start = 0;
                end = 0;
            } else if (seq != firstSeq + (end - start)) {
                throw new IllegalStateException("seq " + seq + " does not follow " + (firstSeq + end - start - 1));
            }
            if (end == ids.length) {
                int live = end - start;
                long[] grown = live * 2 > ids.length ? new long[ids.length * 2] : ids;
                System.arraycopy(ids, start, grown, 0, live);
                ids = grown;
                start = 0;
                end = live;
            }
            ids[end++] = id;
        }

        synchronized Slice slice(long after, long upTo) {
            long from = Math.max(after + 1, firstSeq);
            long to = Math.min(upTo, firstSeq + (end - start) - 1);
            if (from > to) {
                return Slice.EMPTY;
            }
            int offset = start + (int) (from - firstSeq);
            return new Slice(from, Arrays.copyOfRange(ids, offset, offset + (int) (to - from + 1)));
        }

        synchronized Slice last() {
            return end == start ? Slice.EMPTY : new Slice(firstSeq + (end - start) - 1, new long[] {ids[end - 1]});
        }

        synchronized Slice first(int max) {
            return new Slice(firstSeq, Arrays.copyOfRange(ids, start, start + Math.min(max, end - start)));
        }

        /** @return whether rows are left */
        synchronized boolean drop(int count) {
            start += count;
            firstSeq += count;
            return start < end;
        }

        synchronized int size() {
            return end - start;
        }
    }

    private final ConcurrentHashMap<String, Rows> sessions = new ConcurrentHashMap<>();

    /** Entry {@code seq} of {@code session} was committed as row {@code id}; seqs come in order. */
    void add(String session, long seq, long id) {
        sessions.computeIfAbsent(session, s -> new Rows()).add(seq, id);
    }

    /** The ids of the session's rows with {@code after < seq <= upTo}, as known now. */
    Slice slice(String session, long after, long upTo) {
        Rows rows = sessions.get(session);
        return rows == null ? Slice.EMPTY : rows.slice(after, upTo);
    }

    /** The session's highest row. */
    Slice last(String session) {
        Rows rows = sessions.get(session);
        return rows == null ? Slice.EMPTY : rows.last();
    }

    /** The session's lowest {@code max} rows: the next to index. */
    Slice first(String session, int max) {
        Rows rows = sessions.get(session);
        return rows == null ? Slice.EMPTY : rows.first(max);
    }

    /** The session's lowest {@code count} rows were indexed, and that committed. */
    void dropFirst(String session, int count) {
        Rows rows = sessions.get(session);
        if (rows != null && !rows.drop(count)) {
            sessions.remove(session);
        }
    }

    /** Unindexed rows, over all sessions. */
    long size() {
        long size = 0;
        for (Rows rows : sessions.values()) {
            size += rows.size();
        }
        return size;
    }
}
