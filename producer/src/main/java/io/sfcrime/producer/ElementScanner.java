package io.sfcrime.producer;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a JSON array or an NDJSON stream into its top-level elements without parsing them, so memory stays
 * independent of input size and a malformed element never costs its neighbours.
 *
 * <p>The first non-whitespace byte decides the format: {@code [} means a JSON array, anything else NDJSON (one value
 * per line, blank lines skipped). In an array an element ends at a comma or the closing bracket found outside any
 * string at nesting depth 0; strings and escapes are tracked byte by byte, which is enough because JSON's
 * structural characters are all ASCII and UTF-8 never uses ASCII bytes inside a multi-byte character. In NDJSON a
 * raw newline cannot occur inside a JSON string, so each line is one element.
 *
 * <p>Elements longer than the cap are still scanned to their end (so the next one is found) but only their first
 * {@code cap} bytes are kept.
 */
public final class ElementScanner {
    public enum Format { EMPTY, ARRAY, NDJSON }

    private static final int READ_BUFFER = 64 * 1024;
    private static final int STATE_START = 0;
    private static final int STATE_EXPECT_ELEMENT = 1;
    private static final int STATE_AFTER_ARRAY = 2;
    private static final int STATE_DONE = 3;
    private static final int STATE_LINES = 4;

    private final InputStream in;
    private final int cap;
    private final byte[] buf = new byte[READ_BUFFER];
    private int pos;
    private int limit;
    /** Input offset of buf[0]. */
    private long base;
    private boolean eof;

    private Format format;
    private int state = STATE_START;
    private long nextIndex;
    private boolean missingClose;
    private long trailingOffset = -1;
    /** What ended the last array element: ',' or ']'. */
    private int terminator;
    /** The input ended inside the last element's string or nesting. */
    private boolean unclosed;

    public ElementScanner(InputStream in, int cap) {
        this.in = in;
        this.cap = cap;
    }

    /** A reusable holder sized for this scanner's cap. */
    public Element newElement() {
        return new Element(Math.min(cap, 16 * 1024) + 1);
    }

    /** The detected format; {@link Format#EMPTY} when the input holds only whitespace. Valid after next(). */
    public Format format() {
        return format;
    }

    /** An array input ended without its closing bracket. */
    public boolean missingClose() {
        return missingClose;
    }

    /** Offset of unexpected content after an array's closing bracket, or -1. */
    public long trailingOffset() {
        return trailingOffset;
    }

    /** Fills {@code e} with the next element; false at the end of the input. */
    public boolean next(Element e) throws IOException {
        while (true) {
            switch (state) {
                case STATE_START -> {
                    int b = skipWhitespace(true);
                    if (b < 0) {
                        format = Format.EMPTY;
                        state = STATE_DONE;
                        return false;
                    }
                    if (b == '[') {
                        format = Format.ARRAY;
                        pos++;
                        state = STATE_EXPECT_ELEMENT;
                    } else {
                        format = Format.NDJSON;
                        state = STATE_LINES;
                    }
                }
                case STATE_EXPECT_ELEMENT -> {
                    int b = skipWhitespace(false);
                    if (b < 0) {
                        missingClose = true;
                        state = STATE_DONE;
                        return false;
                    }
                    if (b == ']' && nextIndex == 0) {
                        pos++;
                        state = STATE_AFTER_ARRAY;
                        continue;
                    }
                    return arrayElement(e);
                }
                case STATE_AFTER_ARRAY -> {
                    int b = skipWhitespace(false);
                    state = STATE_DONE;
                    if (b >= 0) {
                        trailingOffset = base + pos;
                    }
                    return false;
                }
                case STATE_LINES -> {
                    return nextLine(e);
                }
                default -> {
                    return false;
                }
            }
        }
    }

    /** Skips JSON whitespace (and a UTF-8 byte order mark at the very start); returns the next byte or -1. */
    private int skipWhitespace(boolean atStart) throws IOException {
        while (true) {
            if (pos >= limit && !fill()) {
                return -1;
            }
            int b = buf[pos] & 0xff;
            if (atStart && base + pos == 0 && b == 0xEF) {
                // A byte order mark: EF BB BF. Skip it only if it is complete.
                if (ensure(3) && (buf[pos + 1] & 0xff) == 0xBB && (buf[pos + 2] & 0xff) == 0xBF) {
                    pos += 3;
                    continue;
                }
                return b;
            }
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                pos++;
            } else {
                return b;
            }
        }
    }

    /** Scans one array element starting at buf[pos]; consumes its terminating comma or bracket. */
    private boolean arrayElement(Element e) throws IOException {
        e.reset(nextIndex++, base + pos);
        if (scanElement(e, false)) {
            state = terminator == ']' ? STATE_AFTER_ARRAY : STATE_EXPECT_ELEMENT;
        } else {
            // The input ended. A complete element lacks only the closing bracket; anything else was cut off.
            e.truncated = unclosed || e.length == 0;
            missingClose = true;
            state = STATE_DONE;
        }
        return true;
    }

    /** One NDJSON line: the bytes between newlines with surrounding whitespace trimmed; blank lines skipped. */
    private boolean nextLine(Element e) throws IOException {
        // Skip blank lines and leading whitespace.
        if (skipWhitespace(base + pos == 0) < 0) {
            state = STATE_DONE;
            return false;
        }
        e.reset(nextIndex++, base + pos);
        if (!scanElement(e, true)) {
            e.truncated = unclosed;
            state = STATE_DONE;
        }
        return true;
    }

    /**
     * Reads the element from buf[pos] up to its end, keeping its bytes: a newline ({@code lines}, NDJSON), or a
     * comma or bracket outside strings at nesting depth 0 (array; its byte is left in {@link #terminator}). Returns
     * false when the input ended first; {@link #unclosed} then says whether a string or a nesting was still open.
     * Trailing whitespace is trimmed from the length; whitespace between tokens marks the element spaced.
     */
    private boolean scanElement(Element e, boolean lines) throws IOException {
        int depth = 0;
        boolean inString = false;
        boolean escape = false;
        boolean pendingSpace = false;
        long trimmedLength = 0;
        long length = 0;
        while (true) {
            if (pos >= limit && !fill()) {
                e.length = trimmedLength;
                unclosed = inString || depth > 0;
                trim(e);
                return false;
            }
            int start = pos;
            int end = limit;
            byte[] b = buf;
            int i = start;
            boolean done = false;
            for (; i < end; i++) {
                int c = b[i];
                if (lines && c == '\n') {
                    done = true;
                    break;
                }
                if (inString) {
                    if (!escape) {
                        int j = plainRun(b, i, end, lines);
                        if (j > i) {
                            trimmedLength = length + (j - start);
                            i = j - 1;
                            continue;
                        }
                    }
                    if (escape) {
                        escape = false;
                    } else if (c == '\\') {
                        escape = true;
                    } else if (c == '"') {
                        inString = false;
                    }
                    trimmedLength = length + (i - start) + 1;
                    continue;
                }
                if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                    pendingSpace = true;
                    continue;
                }
                if (!lines && depth == 0 && (c == ',' || c == ']')) {
                    done = true;
                    terminator = c;
                    break;
                }
                if (pendingSpace) {
                    e.spaced = true;
                    pendingSpace = false;
                }
                trimmedLength = length + (i - start) + 1;
                if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    if (depth > 0) {
                        depth--;
                    }
                }
            }
            keep(e, b, start, i - start, length);
            length += i - start;
            pos = done ? i + 1 : i;
            if (done) {
                e.length = trimmedLength;
                trim(e);
                return true;
            }
        }
    }

    /**
     * End of the run of string bytes from {@code i} that need no state change: not a quote, a backslash or (NDJSON)
     * a newline. Most of a record is string content, and this tight loop reads it at a fraction of the cost of the
     * general one.
     */
    private static int plainRun(byte[] b, int i, int end, boolean lines) {
        while (i < end) {
            int c = b[i];
            if (c == '"' || c == '\\' || (lines && c == '\n')) {
                return i;
            }
            i++;
        }
        return i;
    }

    /** Appends bytes to the element while it is within the cap (plus one byte, to notice the overflow). */
    private void keep(Element e, byte[] src, int from, int count, long lengthSoFar) {
        if (count == 0 || lengthSoFar >= cap) {
            return;
        }
        int room = (int) Math.min(count, cap - lengthSoFar);
        if (e.kept + room > e.bytes.length) {
            int size = (int) Math.min(cap, Math.max((long) e.bytes.length * 2, (long) e.kept + room));
            e.bytes = java.util.Arrays.copyOf(e.bytes, size);
        }
        System.arraycopy(src, from, e.bytes, e.kept, room);
        e.kept += room;
    }

    private static void trim(Element e) {
        if (e.kept > e.length) {
            e.kept = (int) e.length;
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        base += limit;
        pos = 0;
        limit = 0;
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit = n;
        return true;
    }

    /** Makes at least n bytes available from pos (compacting the buffer); false if the input ends sooner. */
    private boolean ensure(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            base += pos;
            limit -= pos;
            pos = 0;
        }
        while (limit - pos < n && !eof) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                eof = true;
            } else {
                limit += r;
            }
        }
        return limit - pos >= n;
    }
}
