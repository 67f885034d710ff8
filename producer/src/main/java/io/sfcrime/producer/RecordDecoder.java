package io.sfcrime.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.RecordValidator;

import java.io.IOException;
import java.util.Arrays;

/**
 * Turns one scanned element into either a valid record (key, compact JSON value, event time) or the reason it is
 * invalid. Checks run cheapest first: truncation and size from the scan, UTF-8 only when a byte was non-ASCII,
 * then one parse and the shared {@link RecordValidator}. Not thread-safe: the last valid record's parts stay in
 * fields until the next call, so nothing is allocated to return them.
 */
public final class RecordDecoder {
    // Trailing tokens make "{...} {...}" on one NDJSON line an error instead of silently dropping the second value.
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectWriter WRITER = Json.MAPPER.writer();

    private final int maxRecordBytes;
    private String key;
    private byte[] value;
    private JsonNode node;

    public RecordDecoder(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Null when the element is a valid record (then {@link #key()}, {@link #value()} and {@link #eventTime()} hold
     * it), otherwise why not. {@code idSuffix}, when not null, is appended to {@code crime_id} in key and value.
     */
    public Invalid decode(Element e, String idSuffix) {
        key = null;
        value = null;
        node = null;
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
        if (e.nonAscii) {
            int bad = Utf8.firstInvalid(e.bytes, 0, e.kept);
            if (bad >= 0) {
                return Invalid.of(Invalid.INVALID_UTF8, String.format(
                        "invalid UTF-8 byte 0x%02X at byte %d of the record", e.bytes[bad] & 0xff, bad));
            }
        }
        JsonNode parsed;
        try {
            parsed = READER.readTree(e.bytes, 0, e.kept);
        } catch (JsonProcessingException ex) {
            String where = ex.getLocation() == null ? ""
                    : " (at byte " + ex.getLocation().getByteOffset() + " of the record)";
            return Invalid.of(Invalid.MALFORMED_JSON, clip(ex.getOriginalMessage()) + where);
        } catch (IOException ex) {
            return Invalid.of(Invalid.MALFORMED_JSON, clip(String.valueOf(ex.getMessage())));
        }
        if (parsed == null || parsed.isMissingNode()) {
            return Invalid.of(Invalid.MALFORMED_JSON, "no JSON value");
        }
        Invalid invalid = RecordValidator.validate(parsed);
        if (invalid != null) {
            return invalid;
        }
        node = parsed;
        key = parsed.get(CallFields.CRIME_ID).textValue();
        try {
            if (idSuffix != null) {
                key = key + idSuffix;
                ((ObjectNode) parsed).put(CallFields.CRIME_ID, key);
                value = WRITER.writeValueAsBytes(parsed);
            } else if (e.spaced) {
                value = WRITER.writeValueAsBytes(parsed);
            } else {
                // Already compact: the bytes are the JSON Jackson would write, up to escape spelling. Copying them
                // saves a serialisation per record.
                value = Arrays.copyOf(e.bytes, e.kept);
            }
        } catch (JsonProcessingException ex) {
            return Invalid.of(Invalid.MALFORMED_JSON, "cannot re-serialise: " + clip(ex.getOriginalMessage()));
        }
        return null;
    }

    public String key() {
        return key;
    }

    public byte[] value() {
        return value;
    }

    /** The valid record's {@code call_date_time} text. */
    public String eventTime() {
        return node.get(CallFields.CALL_DATE_TIME).textValue();
    }

    static String clip(String message) {
        if (message == null) {
            return "unknown parse error";
        }
        return message.length() <= 300 ? message : message.substring(0, 300) + "…";
    }
}
