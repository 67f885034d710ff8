package io.sfcrime.common.scan;

import java.util.Arrays;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * A strict single-pass reader for the usual shape of a call record: one JSON object whose values are strings,
 * numbers, {@code true}, {@code false} or {@code null}, with the fields the scanner keeps written as plain strings
 * (no escapes) or {@code null}. It either accepts the bytes, and then they are certainly well-formed UTF-8 and JSON
 * that Jackson reads the same way, with the kept fields at hand; or it declines and the caller judges the bytes
 * with Jackson, which gives the verdict and its message. Declining is never a verdict: anything unusual (nesting,
 * escapes in a kept field, a number of odd length, a byte of 0x80 or more outside a string, any syntax error or
 * broken UTF-8) is left to the caller.
 *
 * <p>Why: creating a Jackson parser per record and canonicalising its 14 field names cost more than sending the
 * record to Kafka. Not thread-safe: one per scanner.
 */
final class FlatRecordReader {
    /** Far below Jackson's limit on number length (1000), so an accepted number is one Jackson accepts too. */
    private static final int MAX_NUMBER_LENGTH = 100;
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private final byte[][] names;
    /** Per kept field: offset of the value's first byte, or -1 when absent or JSON null. */
    private final int[] start;
    private final int[] end;

    /** {@code fields}: the names whose string values {@link #start}/{@link #end} locate, by index. */
    FlatRecordReader(List<String> fields) {
        names = fields.stream().map(n -> n.getBytes(UTF_8)).toArray(byte[][]::new);
        start = new int[names.length];
        end = new int[names.length];
    }

    /** True when {@code b[0, length)} is a flat JSON object this reader vouches for. */
    boolean read(byte[] b, int length) {
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
                // Escapes only where nobody reads the value: the kept fields are then their raw bytes.
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
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                if (field >= 0) {
                    return false; // a number where text belongs: the validator names its type, via Jackson
                }
                i = endOfNumber(b, i, length);
            } else {
                int literalEnd = endOfLiteral(b, i, length);
                if (field >= 0) {
                    if (literalEnd < 0 || b[i] != 'n') {
                        return false; // true or false where text belongs: as for numbers
                    }
                    start[field] = -1; // null reads as absent, in the validator and in a string column alike
                }
                i = literalEnd;
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

    /** Offset of the kept field's first byte after an accepted {@link #read}, or -1 when absent or null. */
    int start(int field) {
        return start[field];
    }

    /** Offset just past the kept field's last byte; meaningful only when {@link #start} is not -1. */
    int end(int field) {
        return end[field];
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
            if (c < 0) {
                // Checked here, inside strings, where all non-ASCII text of valid JSON stands: no second pass.
                i = Utf8.endOfSequence(b, i, length);
                if (i < 0) {
                    return -1;
                }
                continue;
            }
            if (c < 0x20) {
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

    private int fieldOf(byte[] b, int from, int to) {
        for (int f = 0; f < names.length; f++) {
            if (Arrays.equals(b, from, to, names[f], 0, names[f].length)) {
                return f;
            }
        }
        return -1;
    }
}
