package io.sfcrime.common.scan;

/** Strict UTF-8 well-formedness (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
final class Utf8 {
    private Utf8() {
    }

    /** Offset of the first byte that starts an ill-formed sequence, or -1 when the bytes are valid UTF-8. */
    static int firstInvalid(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            if (b[i] >= 0) {
                i++; // ASCII, the common case: one comparison per byte
                continue;
            }
            int next = endOfSequence(b, i, to);
            if (next < 0) {
                return i;
            }
            i = next;
        }
        return -1;
    }

    /**
     * Offset just past the well-formed multi-byte sequence that starts at {@code i} (a byte of 0x80 or more), or -1
     * when it is ill-formed or cut off by {@code to}.
     */
    static int endOfSequence(byte[] b, int i, int to) {
        int c = b[i] & 0xff;
        int need;
        int min2 = 0x80;
        int max2 = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0) {
                min2 = 0xA0; // overlong below U+0800
            } else if (c == 0xED) {
                max2 = 0x9F; // UTF-16 surrogates are not characters
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0) {
                min2 = 0x90; // overlong below U+10000
            } else if (c == 0xF4) {
                max2 = 0x8F; // above U+10FFFF
            }
        } else {
            return -1; // a continuation byte without a lead, an overlong lead (C0, C1) or F5..FF
        }
        if (i + need >= to) {
            return -1;
        }
        int c2 = b[i + 1] & 0xff;
        if (c2 < min2 || c2 > max2) {
            return -1;
        }
        for (int k = 2; k <= need; k++) {
            int ck = b[i + k] & 0xff;
            if (ck < 0x80 || ck > 0xBF) {
                return -1;
            }
        }
        return i + need + 1;
    }
}
