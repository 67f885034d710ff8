package io.sfcrime.bench.ceiling;

import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Arrays;

/**
 * Canonical {@link TextNode}s for low-cardinality fields (crime types, dispositions: tens to hundreds of
 * distinct values over millions of records), looked up by the parser's characters so that a value seen before
 * costs no allocation, and equal values are the same String (map keys then compare by identity first).
 * Open addressing, linear probing; when full it stops caching and allocates, which stays correct.
 */
final class TextCache {
    private static final int CAPACITY = 1 << 12;
    private static final int MAX_LENGTH = 128;
    private final char[][] keys = new char[CAPACITY][];
    private final TextNode[] values = new TextNode[CAPACITY];
    private int size;

    TextNode get(char[] buf, int offset, int length) {
        if (length > MAX_LENGTH) {
            return TextNode.valueOf(new String(buf, offset, length));
        }
        int h = 0;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + buf[i];
        }
        int slot = (h ^ (h >>> 16)) & (CAPACITY - 1);
        for (int probe = 0; probe < CAPACITY; probe++) {
            char[] k = keys[slot];
            if (k == null) {
                TextNode node = TextNode.valueOf(new String(buf, offset, length));
                if (size < CAPACITY * 3 / 4) {
                    keys[slot] = Arrays.copyOfRange(buf, offset, offset + length);
                    values[slot] = node;
                    size++;
                }
                return node;
            }
            if (k.length == length && Arrays.equals(k, 0, length, buf, offset, offset + length)) {
                return values[slot];
            }
            slot = (slot + 1) & (CAPACITY - 1);
        }
        return TextNode.valueOf(new String(buf, offset, length));
    }
}
