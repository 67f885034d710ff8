package io.sfcrime.producer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.scan.CallScanner;
import io.sfcrime.common.scan.EventTimeRange;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * Turns one scanned element into either a valid record (key, compact JSON value, event time) or the reason it is
 * invalid. First what only a file has (an element cut off by the end of the input, one over the size cap, an empty
 * one between two commas), then the record itself, judged by the {@link CallScanner} that the Spark job and the
 * benchmark ceiling use too. Not thread-safe: the last valid record's parts stay in fields until the next call, so
 * nothing is allocated to return them.
 */
public final class RecordDecoder {
    // Trailing tokens make "{...} {...}" an error instead of silently dropping the second value.
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectWriter WRITER = Json.MAPPER.writer();
    private static final DateTimeFormatter WHOLE_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter WITH_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS");

    private final int maxRecordBytes;
    private final CallScanner scanner;
    private String key;
    private byte[] value;
    private String eventTime;

    /** With the default plausible event-time range. */
    public RecordDecoder(int maxRecordBytes) {
        this(maxRecordBytes, EventTimeRange.defaults());
    }

    /** Records whose event time lies outside {@code range} at the wall clock are invalid. */
    public RecordDecoder(int maxRecordBytes, EventTimeRange range) {
        this.maxRecordBytes = maxRecordBytes;
        this.scanner = new CallScanner(range);
    }

    /**
     * Null when the element is a valid record (then {@link #key()}, {@link #value()} and {@link #eventTime()} hold
     * it), otherwise why not. {@code idSuffix}, when not null, is appended to {@code crime_id} in key and value.
     */
    public Invalid decode(Element e, String idSuffix) {
        return decode(e, idSuffix, 0);
    }

    /**
     * As {@link #decode(Element, String)}, and when {@code shiftSeconds} is not 0, {@code call_date_time} of a valid
     * record moves forward by that many seconds (wall-clock, as written; its form, with or without milliseconds, is
     * kept).
     */
    public Invalid decode(Element e, String idSuffix, long shiftSeconds) {
        key = null;
        value = null;
        eventTime = null;
        if (e.truncated) {
            return Invalid.of(Invalid.MALFORMED_JSON, "truncated: the input ended inside this record after "
                    + e.length + " bytes");
        }
        if (e.length > maxRecordBytes) {
            return Invalid.of(Invalid.TOO_LARGE, "record is " + e.length + " bytes, over the limit of "
                    + maxRecordBytes + " bytes (--max-record-bytes)");
        }
        if (e.length == 0) {
            return Invalid.of(Invalid.MALFORMED_JSON, "empty array element (two commas in a row or a trailing comma)");
        }
        Invalid invalid = scanner.scan(e.bytes, e.kept);
        if (invalid != null) {
            return invalid;
        }
        eventTime = scanner.callDateTime();
        try {
            if (idSuffix != null || shiftSeconds != 0) {
                // Rare path (--loop-suffix, --loop-shift-time): the full tree is needed to rewrite a field.
                key = idSuffix == null ? scanner.crimeId() : scanner.crimeId() + idSuffix;
                ObjectNode full = (ObjectNode) READER.readTree(e.bytes, 0, e.kept);
                if (idSuffix != null) {
                    full.put(CallFields.CRIME_ID, key);
                }
                if (shiftSeconds != 0) {
                    eventTime = shift(eventTime, shiftSeconds);
                    full.put(CallFields.CALL_DATE_TIME, eventTime);
                }
                value = WRITER.writeValueAsBytes(full);
            } else {
                key = scanner.crimeId();
                // Already compact: the bytes are the JSON Jackson would write, up to escape spelling. Copying them
                // saves a serialisation per record.
                value = e.spaced ? compact(e.bytes, e.kept) : Arrays.copyOf(e.bytes, e.kept);
            }
        } catch (IOException ex) {
            key = null;
            eventTime = null;
            return Invalid.of(Invalid.MALFORMED_JSON, "cannot re-serialise: " + ex.getMessage());
        }
        return null;
    }

    /** A valid call_date_time moved forward, in the same form (19 characters, or 23 with milliseconds). */
    static String shift(String callDateTime, long seconds) {
        LocalDateTime t = EventTime.parse(callDateTime).orElseThrow().plusSeconds(seconds);
        if (t.getYear() > 9999) {
            throw new IllegalStateException("--loop-shift-time moved call_date_time " + callDateTime + " past the "
                    + "year 9999");
        }
        return (callDateTime.length() == 23 ? WITH_MILLIS : WHOLE_SECONDS).format(t);
    }

    /**
     * Drops whitespace outside strings: the compact form of JSON that is otherwise sent as written. Cheaper than
     * serialising the tree again, and it keeps every value byte for byte.
     */
    static byte[] compact(byte[] b, int length) {
        byte[] out = new byte[length];
        int n = 0;
        boolean inString = false;
        boolean escape = false;
        for (int i = 0; i < length; i++) {
            byte c = b[i];
            if (inString) {
                if (escape) {
                    escape = false;
                } else if (c == '\\') {
                    escape = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                continue;
            } else if (c == '"') {
                inString = true;
            }
            out[n++] = c;
        }
        return Arrays.copyOf(out, n);
    }

    public String key() {
        return key;
    }

    public byte[] value() {
        return value;
    }

    /** The valid record's {@code call_date_time} text. */
    public String eventTime() {
        return eventTime;
    }
}
