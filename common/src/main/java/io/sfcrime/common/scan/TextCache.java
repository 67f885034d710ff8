package io.sfcrime.common.scan;

import java.util.Arrays;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Canonical strings for low-cardinality fields (crime types, dispositions: tens to hundreds of distinct values over
 * millions of records), looked up by their UTF-8 bytes so that a value seen before costs no decoding and no
 * allocation, and equal values are the same String (map keys then compare by identity first).
 * Open addressing, linear probing; when full it stops caching and allocates, which stays correct.
 * Not thread-safe: one per scanner.
 */
final class TextCache {
    private static final int CAPACITY = 1 << 12;
    private static final int MAX_LENGTH = 128;
    private final byte[][] keys = new byte[CAPACITY][];
    private final String[] values = new String[CAPACITY];
    private int size;

    /** The text of {@code b[from, to)}, which must be well-formed UTF-8. */
    String get(byte[] b, int from, int to) {
        int length = to - from;
        if (length > MAX_LENGTH) {
            return new String(b, from, length, UTF_8);
        }
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ (h >>> 16)) & (CAPACITY - 1);
        for (int probe = 0; probe < CAPACITY; probe++) {
            byte[] k = keys[slot];
            if (k == null) {
                String text = new String(b, from, length, UTF_8);
                if (size < CAPACITY * 3 / 4) {
                    keys[slot] = Arrays.copyOfRange(b, from, to);
                    values[slot] = text;
                    size++;
                }
                return text;
            }
            if (Arrays.equals(k, 0, k.length, b, from, to)) {
                return values[slot];
            }
            slot = (slot + 1) & (CAPACITY - 1);
        }
        return new String(b, from, length, UTF_8);
    }
}
