package io.sfcrime.producer;

import io.sfcrime.common.CallFields;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict single-pass reader for the usual shape of a call record: one JSON object whose values are strings,
 * numbers, {@code true}, {@code false} or {@code null}, with the three fields {@link io.sfcrime.common.RecordValidator}
 * reads written as plain strings (no escapes). It either accepts the bytes, and then they are certainly JSON that
 * Jackson reads the same way and the three fields are at hand, or it declines and the caller parses with Jackson,
 * which gives the verdict and its message. Declining is never a verdict: anything unusual (nesting, escapes in a
 * field that matters, a number of odd length, any syntax error) is left to Jackson.
 *
 * <p>Why: creating a Jackson parser per record and canonicalising its 14 field names cost more than sending the
 * record to Kafka. Not thread-safe: one per decoder.
 */
final class FlatRecordReader {
    static final int CRIME_ID = 0;
    static final int CRIME_TYPE = 1;
    static final int CALL_DATE_TIME = 2;
    /** In the same order as the indexes above. */
    static final String[] FIELDS = {CallFields.CRIME_ID, CallFields.ORIGINAL_CRIME_TYPE_NAME,
            CallFields.CALL_DATE_TIME};
    private static final byte[][] NAMES = Arrays.stream(FIELDS)
            .map(n -> n.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    /** Far below Jackson's limit on number length (1000), so an accepted number is one Jackson accepts too. */
    private static final int MAX_NUMBER_LENGTH = 100;
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private final int[] start = new int[FIELDS.length];
    private final int[] end = new int[FIELDS.length];
    private byte[] bytes;

    /**
     * True when {@code b[0, length)} is a flat JSON object this reader vouches for; then {@link #text} gives the
     * three fields. The bytes must already be known to be well-formed UTF-8 (the decoder checks that first), so
     * bytes of 0x80 and above inside strings are accepted as they are.
     */
    boolean read(byte[] b, int length) {
        bytes = b;
        Arrays.fill(start, -1);
        int i = skipSpace(b, 0, length);
        if (i >= length || b[i] != '{') {
            return false;
        }
        i = skipSpace(b, i + 1, length);
        if (i < length && b[i] == '}') {
            return skipSpace(b, i + 1, length) == length;
        }
        while (true) {
            if (i >= length || b[i] != '"') {
                return false;
            }
            int nameEnd = endOfString(b, i + 1, length, false);
            if (nameEnd < 0) {
                return false;
            }
            int field = fieldOf(b, i + 1, nameEnd);
            i = skipSpace(b, nameEnd + 1, length);
            if (i >= length || b[i] != ':') {
                return false;
            }
            i = skipSpace(b, i + 1, length);
            if (i >= length) {
                return false;
            }
            int c = b[i];
            if (c == '"') {
                // Escapes only where nobody reads the value: the fields we hand out are then the raw bytes.
                int valueEnd = endOfString(b, i + 1, length, field < 0);
                if (valueEnd < 0) {
                    return false;
                }
                if (field >= 0) {
                    // A repeated name: the last one wins, as in Jackson's tree.
                    start[field] = i + 1;
                    end[field] = valueEnd;
                }
                i = valueEnd + 1;
            } else if (field >= 0) {
                return false; // null, a number, an object...: the validator names its type, via Jackson
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                i = endOfNumber(b, i, length);
            } else {
                i = endOfLiteral(b, i, length);
            }
            if (i < 0) {
                return false;
            }
            i = skipSpace(b, i, length);
            if (i >= length) {
                return false;
            }
            if (b[i] == '}') {
                return skipSpace(b, i + 1, length) == length;
            }
            if (b[i] != ',') {
                return false;
            }
            i = skipSpace(b, i + 1, length);
        }
    }

    /** The field's text after an accepted {@link #read}, or null when the record does not have it. */
    String text(int field) {
        int s = start[field];
        return s < 0 ? null : new String(bytes, s, end[field] - s, StandardCharsets.UTF_8);
    }

    private static int skipSpace(byte[] b, int i, int length) {
        while (i < length) {
            int c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return i;
            }
            i++;
        }
        return i;
    }

    /** Index of the closing quote of a string whose content starts at {@code i}, or -1 to decline. */
    private static int endOfString(byte[] b, int i, int length, boolean escapes) {
        while (i < length) {
            int c = b[i];
            if (c == '"') {
                return i;
            }
            if (c >= 0 && c < 0x20) {
                return -1; // a raw control character: JSON wants it escaped
            }
            if (c == '\\') {
                if (!escapes || i + 1 >= length) {
                    return -1;
                }
                int e = b[i + 1];
                if (e == 'u') {
                    if (i + 5 >= length) {
                        return -1;
                    }
                    for (int k = i + 2; k < i + 6; k++) {
                        if (Character.digit(b[k], 16) < 0) {
                            return -1;
                        }
                    }
                    i += 6;
                    continue;
                }
                if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
                    return -1;
                }
                i += 2;
                continue;
            }
            i++;
        }
        return -1;
    }

    /** End (exclusive) of an RFC 8259 number starting at {@code from}, or -1 to decline. */
    private static int endOfNumber(byte[] b, int from, int length) {
        int i = from;
        if (b[i] == '-') {
            i++;
        }
        if (i >= length) {
            return -1;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(b, i, length);
        } else {
            return -1;
        }
        if (i < length && b[i] == '.') {
            int after = digits(b, i + 1, length);
            if (after == i + 1) {
                return -1;
            }
            i = after;
        }
        if (i < length && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < length && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int after = digits(b, i, length);
            if (after == i) {
                return -1;
            }
            i = after;
        }
        return i - from > MAX_NUMBER_LENGTH ? -1 : i;
    }

    private static int digits(byte[] b, int i, int length) {
        while (i < length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    private static int endOfLiteral(byte[] b, int i, int length) {
        byte[] word = b[i] == 't' ? TRUE : b[i] == 'f' ? FALSE : b[i] == 'n' ? NULL : null;
        if (word == null || i + word.length > length) {
            return -1;
        }
        for (int k = 0; k < word.length; k++) {
            if (b[i + k] != word[k]) {
                return -1;
            }
        }
        return i + word.length;
    }

    private static int fieldOf(byte[] b, int from, int to) {
        for (int f = 0; f < NAMES.length; f++) {
            if (Arrays.equals(b, from, to, NAMES[f], 0, NAMES[f].length)) {
                return f;
            }
        }
        return -1;
    }
}
