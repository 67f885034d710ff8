package io.sfcrime.producer;

/**
 * The compact per-record index that lets {@code --replay event-time} send a file in event-time order without
 * holding its records: for each record its event time, byte offset, length, record index and a flag, about 33
 * bytes (1M records: about 33 MB). Storage is in fixed-size chunks so growing never copies (no transient doubling
 * of the heap), and sorting is an in-place quicksort on (time, offset), which is a unique key, so the order is
 * deterministic and ties keep file order.
 */
final class EventIndex {
    /** Sorts before every real time: invalid records are re-read and dead-lettered first in each pass. */
    static final long INVALID_TIME = Long.MIN_VALUE;
    static final byte FLAG_TRUNCATED = 1;

    private static final int SHIFT = 14;
    private static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;

    private long[][] times = new long[16][];
    private long[][] offsets = new long[16][];
    private long[][] lengths = new long[16][];
    private long[][] indexes = new long[16][];
    private byte[][] flags = new byte[16][];
    private int size;

    void add(long time, long offset, long length, long index, byte flag) {
        int c = size >>> SHIFT;
        if (c == times.length) {
            // Only the small arrays of chunk references grow.
            times = java.util.Arrays.copyOf(times, c * 2);
            offsets = java.util.Arrays.copyOf(offsets, c * 2);
            lengths = java.util.Arrays.copyOf(lengths, c * 2);
            indexes = java.util.Arrays.copyOf(indexes, c * 2);
            flags = java.util.Arrays.copyOf(flags, c * 2);
        }
        if (times[c] == null) {
            times[c] = new long[CHUNK];
            offsets[c] = new long[CHUNK];
            lengths[c] = new long[CHUNK];
            indexes[c] = new long[CHUNK];
            flags[c] = new byte[CHUNK];
        }
        int i = size & MASK;
        times[c][i] = time;
        offsets[c][i] = offset;
        lengths[c][i] = length;
        indexes[c][i] = index;
        flags[c][i] = flag;
        size++;
    }

    int size() {
        return size;
    }

    long time(int i) {
        return times[i >>> SHIFT][i & MASK];
    }

    long offset(int i) {
        return offsets[i >>> SHIFT][i & MASK];
    }

    long length(int i) {
        return lengths[i >>> SHIFT][i & MASK];
    }

    long index(int i) {
        return indexes[i >>> SHIFT][i & MASK];
    }

    byte flag(int i) {
        return flags[i >>> SHIFT][i & MASK];
    }

    void sort() {
        quicksort(0, size - 1);
    }

    private boolean less(int a, int b) {
        long ta = time(a);
        long tb = time(b);
        return ta < tb || (ta == tb && offset(a) < offset(b));
    }

    private void quicksort(int lo, int hi) {
        while (hi - lo > 16) {
            int mid = (lo + hi) >>> 1;
            // Median of three as pivot, moved to hi.
            if (less(mid, lo)) {
                swap(mid, lo);
            }
            if (less(hi, lo)) {
                swap(hi, lo);
            }
            if (less(mid, hi)) {
                swap(mid, hi);
            }
            int store = lo;
            for (int i = lo; i < hi; i++) {
                if (less(i, hi)) {
                    swap(i, store++);
                }
            }
            swap(store, hi);
            // Recurse into the smaller side to bound the stack depth.
            if (store - lo < hi - store) {
                quicksort(lo, store - 1);
                lo = store + 1;
            } else {
                quicksort(store + 1, hi);
                hi = store - 1;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            for (int j = i; j > lo && less(j, j - 1); j--) {
                swap(j, j - 1);
            }
        }
    }

    private void swap(int a, int b) {
        int ca = a >>> SHIFT, ia = a & MASK, cb = b >>> SHIFT, ib = b & MASK;
        long t = times[ca][ia]; times[ca][ia] = times[cb][ib]; times[cb][ib] = t;
        t = offsets[ca][ia]; offsets[ca][ia] = offsets[cb][ib]; offsets[cb][ib] = t;
        t = lengths[ca][ia]; lengths[ca][ia] = lengths[cb][ib]; lengths[cb][ib] = t;
        t = indexes[ca][ia]; indexes[ca][ia] = indexes[cb][ib]; indexes[cb][ib] = t;
        byte f = flags[ca][ia]; flags[ca][ia] = flags[cb][ib]; flags[cb][ib] = f;
    }
}
