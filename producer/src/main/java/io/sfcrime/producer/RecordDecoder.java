package io.sfcrime.producer;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.RecordValidator;

import java.io.IOException;
import java.util.Arrays;

/**
 * Turns one scanned element into either a valid record (key, compact JSON value, event time) or the reason it is
 * invalid. Checks run cheapest first: truncation and size from the scan, UTF-8 only when a byte was non-ASCII,
 * then one parse ({@link FlatRecordReader} for the usual flat record, Jackson's streaming parser for anything it
 * declines) and the shared {@link RecordValidator}. Not thread-safe: the last valid record's parts stay in
 * fields until the next call, so nothing is allocated to return them.
 */
public final class RecordDecoder {
    // Trailing tokens make "{...} {...}" on one NDJSON line an error instead of silently dropping the second value.
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectWriter WRITER = Json.MAPPER.writer();

    private final int maxRecordBytes;
    /** Null when every record goes through Jackson (tests compare the two paths). */
    private final FlatRecordReader flat;
    private String key;
    private byte[] value;
    private String eventTime;

    public RecordDecoder(int maxRecordBytes) {
        this(maxRecordBytes, true);
    }

    /** {@code fastPath} false: parse every record with Jackson (the reference the fast path is tested against). */
    RecordDecoder(int maxRecordBytes, boolean fastPath) {
        this.maxRecordBytes = maxRecordBytes;
        this.flat = fastPath ? new FlatRecordReader() : null;
    }

    /**
     * Null when the element is a valid record (then {@link #key()}, {@link #value()} and {@link #eventTime()} hold
     * it), otherwise why not. {@code idSuffix}, when not null, is appended to {@code crime_id} in key and value.
     */
    public Invalid decode(Element e, String idSuffix) {
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
        if (e.nonAscii) {
            int bad = Utf8.firstInvalid(e.bytes, 0, e.kept);
            if (bad >= 0) {
                return Invalid.of(Invalid.INVALID_UTF8, String.format(
                        "invalid UTF-8 byte 0x%02X at byte %d of the record", e.bytes[bad] & 0xff, bad));
            }
        }
        Invalid invalid;
        // UTF-8 is known to be well-formed here, as the flat reader requires.
        if (flat != null && flat.read(e.bytes, e.kept)) {
            key = flat.text(FlatRecordReader.CRIME_ID);
            eventTime = flat.text(FlatRecordReader.CALL_DATE_TIME);
            invalid = RecordValidator.validateTexts(key, flat.text(FlatRecordReader.CRIME_TYPE), eventTime);
        } else {
            JsonNode parsed;
            try {
                parsed = parseForValidation(e.bytes, e.kept);
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
            invalid = RecordValidator.validate(parsed);
            if (invalid == null) {
                key = parsed.get(CallFields.CRIME_ID).textValue();
                eventTime = parsed.get(CallFields.CALL_DATE_TIME).textValue();
            }
        }
        if (invalid != null) {
            key = null;
            eventTime = null;
            return invalid;
        }
        try {
            if (idSuffix != null) {
                // Rare path (--loop-suffix): the full tree is needed to rewrite one field.
                key = key + idSuffix;
                ObjectNode full = (ObjectNode) READER.readTree(e.bytes, 0, e.kept);
                full.put(CallFields.CRIME_ID, key);
                value = WRITER.writeValueAsBytes(full);
            } else if (e.spaced) {
                value = compact(e.bytes, e.kept);
            } else {
                // Already compact: the bytes are the JSON Jackson would write, up to escape spelling. Copying them
                // saves a serialisation per record.
                value = Arrays.copyOf(e.bytes, e.kept);
            }
        } catch (IOException ex) {
            return Invalid.of(Invalid.MALFORMED_JSON, "cannot re-serialise: " + clip(ex.getMessage()));
        }
        return null;
    }

    /**
     * Parses the whole element (so any syntax error anywhere is found) but builds tree nodes only for the fields
     * {@link RecordValidator} looks at; the other values are skipped without being decoded. The validator sees
     * exactly what it would see in the full tree (last duplicate wins, as in a tree), at a fraction of the cost.
     */
    private static JsonNode parseForValidation(byte[] bytes, int length) throws IOException {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(bytes, 0, length)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                return READER.readTree(bytes, 0, length);
            }
            ObjectNode o = Json.MAPPER.createObjectNode();
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (CallFields.CRIME_ID.equals(name) || CallFields.ORIGINAL_CRIME_TYPE_NAME.equals(name)
                        || CallFields.CALL_DATE_TIME.equals(name)) {
                    // Strings (the normal case) become nodes directly: readTree would set up a deserialisation
                    // context per call, three times per record.
                    o.set(name, value == JsonToken.VALUE_STRING ? TextNode.valueOf(p.getText())
                            : Json.MAPPER.readTree(p));
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new JsonParseException(p, "expected a field name or '}' but found " + t);
            }
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "unexpected content after the end of the object");
            }
            return o;
        }
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

    static String clip(String message) {
        if (message == null) {
            return "unknown parse error";
        }
        return message.length() <= 300 ? message : message.substring(0, 300) + "…";
    }
}
