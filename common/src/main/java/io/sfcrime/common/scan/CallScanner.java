package io.sfcrime.common.scan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.RecordValidator;

import java.io.IOException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The one reading of a call record's bytes, shared by the producer (each element of its input), the Spark job (each
 * Kafka value, from a UDF) and the benchmark ceiling: the verdict with its reason code and message, and the fields
 * the pipeline uses. A valid record is a JSON object in well-formed UTF-8 that {@link RecordValidator} accepts, with
 * an event time in the plausible {@link EventTimeRange}.
 * <p>
 * One pass in the usual case: {@link FlatRecordReader} checks UTF-8 and JSON syntax and locates the four kept
 * fields without Jackson. Anything it declines is judged in order: UTF-8 ({@code invalid_utf8}), then Jackson's
 * streaming parser ({@code malformed_json}, {@code not_an_object}), keeping only the four fields as small nodes
 * (the last of a repeated name wins, as in Jackson's tree), then the validator, which sees exactly what it would see
 * in the full tree. Both paths give the same verdict, message and fields ({@code CallScannerTest}).
 * <p>
 * Not thread-safe and reused: the results of the last {@link #scan} stay until the next one, so nothing is
 * allocated to return them. Crime types and dispositions come from a small cache of canonical strings.
 */
public final class CallScanner {
    /** The fields kept, by index: the validator's three, then the one more the counts use. */
    private static final List<String> KEPT = List.of(CallFields.CRIME_ID, CallFields.ORIGINAL_CRIME_TYPE_NAME,
            CallFields.CALL_DATE_TIME, CallFields.DISPOSITION);
    private static final int CRIME_ID = 0;
    private static final int CRIME_TYPE = 1;
    private static final int CALL_DATE_TIME = 2;
    private static final int DISPOSITION = 3;
    private static final int CHECKED = 3;
    private static final int MAX_MESSAGE = 300;
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    /** Null when every record goes through Jackson (the reference the fast path is tested against). */
    private final FlatRecordReader flat;
    private final TextCache categories = new TextCache();
    private final EventClock clock = new EventClock(ZoneId.of(CallFields.EVENT_TIME_ZONE));
    private final JsonNode[] nodes = new JsonNode[KEPT.size()];
    private final EventTimeRange range;

    // The last scan.
    private byte[] bytes;
    private boolean readFlat;
    private boolean valid;
    private String crimeId;
    private String crimeType;
    private String callDateTime;
    private String disposition;
    private boolean dispositionKnown;
    private long eventMillis;
    private boolean eventMillisKnown;

    /** The default plausible event-time range ({@link EventTimeRange#defaults()}). */
    public CallScanner() {
        this(EventTimeRange.defaults());
    }

    /** Judges event times against {@code range} in the scans that take no range of their own. */
    public CallScanner(EventTimeRange range) {
        this(true, range);
    }

    /** {@code fastPath} false: judge every record with Jackson (tests compare the two paths). */
    CallScanner(boolean fastPath) {
        this(fastPath, EventTimeRange.defaults());
    }

    private CallScanner(boolean fastPath, EventTimeRange range) {
        this.flat = fastPath ? new FlatRecordReader(KEPT) : null;
        this.range = range;
    }

    /**
     * Null when the value is a valid record, otherwise why not. A null value (a Kafka tombstone) is not an object.
     * Event times are judged against this scanner's range at the wall clock.
     */
    public Invalid scan(byte[] value) {
        if (value == null) {
            reset(null);
            return Invalid.of(Invalid.NOT_AN_OBJECT, "expected a JSON object but found nothing (null record value)");
        }
        return scan(value, value.length);
    }

    /** Null when {@code b[0, length)} is a valid record, otherwise why not; as {@link #scan(byte[])}. */
    public Invalid scan(byte[] b, int length) {
        return scan(b, length, range, System.currentTimeMillis());
    }

    /**
     * Null when {@code b[0, length)} is a valid record with an event time in {@code range} at {@code nowMillis},
     * otherwise why not.
     */
    public Invalid scan(byte[] b, int length, EventTimeRange range, long nowMillis) {
        reset(b);
        Invalid invalid;
        if (b == null) {
            invalid = Invalid.of(Invalid.NOT_AN_OBJECT, "expected a JSON object but found nothing (null record value)");
        } else if (flat != null && flat.read(b, length)) {
            readFlat = true;
            crimeId = text(b, CRIME_ID);
            crimeType = category(b, CRIME_TYPE);
            callDateTime = text(b, CALL_DATE_TIME);
            invalid = RecordValidator.validateTexts(crimeId, crimeType, callDateTime);
        } else {
            invalid = scanWithJackson(b, length);
        }
        if (invalid == null) {
            // Only a well-formed date-time reaches here; its instant decides whether it is plausible.
            eventMillis = clock.epochMillis(callDateTime);
            eventMillisKnown = true;
            invalid = range.check(callDateTime, eventMillis, nowMillis);
        }
        valid = invalid == null;
        return invalid;
    }

    /** {@code crime_id} as a string column would hold it (JSON text for a non-string), null when absent or null. */
    public String crimeId() {
        return crimeId;
    }

    /** {@code original_crime_type_name}, as {@link #crimeId()}. */
    public String crimeType() {
        return crimeType;
    }

    /** {@code call_date_time}, as {@link #crimeId()}. */
    public String callDateTime() {
        return callDateTime;
    }

    /**
     * {@code disposition}, as {@link #crimeId()}. Read on demand from the scanned bytes, so ask before changing them.
     * The fields are null when the scan stopped before the validator (bad UTF-8, not JSON, not an object).
     */
    public String disposition() {
        if (!dispositionKnown) {
            dispositionKnown = true;
            disposition = readFlat ? category(bytes, DISPOSITION) : null;
        }
        return disposition;
    }

    /** Of a valid record: {@code call_date_time} in San Francisco time as epoch milliseconds. */
    public long eventMillis() {
        if (!valid) {
            throw new IllegalStateException("the last record scanned is not valid: it has no event time");
        }
        if (!eventMillisKnown) {
            eventMillisKnown = true;
            eventMillis = clock.epochMillis(callDateTime);
        }
        return eventMillis;
    }

    private void reset(byte[] b) {
        bytes = b;
        readFlat = false;
        valid = false;
        crimeId = null;
        crimeType = null;
        callDateTime = null;
        disposition = null;
        dispositionKnown = false;
        eventMillisKnown = false;
    }

    private String text(byte[] b, int field) {
        int s = flat.start(field);
        return s < 0 ? null : new String(b, s, flat.end(field) - s, UTF_8);
    }

    private String category(byte[] b, int field) {
        int s = flat.start(field);
        return s < 0 ? null : categories.get(b, s, flat.end(field));
    }

    /** The declined record, judged in the order UTF-8, JSON, object, fields. */
    private Invalid scanWithJackson(byte[] b, int length) {
        int bad = Utf8.firstInvalid(b, 0, length);
        if (bad >= 0) {
            return Invalid.of(Invalid.INVALID_UTF8, String.format("invalid UTF-8 byte 0x%02X at byte %d of the record",
                    b[bad] & 0xff, bad));
        }
        Arrays.fill(nodes, null);
        try (JsonParser p = FACTORY.createParser(b, 0, length)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return malformed("the record is empty or only whitespace", null);
            }
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren();
                if (p.nextToken() != null) {
                    return malformed("trailing content after the JSON value", p.currentTokenLocation());
                }
                return Invalid.of(Invalid.NOT_AN_OBJECT, "expected a JSON object but found " + describe(first));
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                int i = KEPT.indexOf(p.currentName());
                JsonToken v = p.nextToken();
                if (i < 0) {
                    p.skipChildren();
                } else {
                    // Strings (the normal case) become nodes directly: readTree sets up a context per call.
                    nodes[i] = v == JsonToken.VALUE_STRING ? TextNode.valueOf(p.getText()) : Json.MAPPER.readTree(p);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return malformed("the JSON object is not closed", p.currentTokenLocation());
            }
            // "{...} {...}" in one record is an error, not a record and some noise.
            if (p.nextToken() != null) {
                return malformed("trailing content after the JSON object", p.currentTokenLocation());
            }
        } catch (JsonProcessingException e) {
            return malformed(e.getOriginalMessage(), e.getLocation());
        } catch (IOException e) {
            return malformed(e.getMessage(), null);
        }
        crimeId = text(nodes[CRIME_ID]);
        crimeType = text(nodes[CRIME_TYPE]);
        callDateTime = text(nodes[CALL_DATE_TIME]);
        disposition = text(nodes[DISPOSITION]);
        dispositionKnown = true;
        return validate();
    }

    /**
     * The validator on the checked fields: straight from their texts when each is a string or absent, through a
     * small tree when one is not (the validator then names its type in the message).
     */
    private Invalid validate() {
        boolean allTextOrAbsent = true;
        for (int i = 0; i < CHECKED; i++) {
            allTextOrAbsent &= nodes[i] == null || nodes[i].isNull() || nodes[i].isTextual();
        }
        if (allTextOrAbsent) {
            return RecordValidator.validateTexts(crimeId, crimeType, callDateTime);
        }
        ObjectNode checked = Json.MAPPER.createObjectNode();
        for (int i = 0; i < CHECKED; i++) {
            if (nodes[i] != null) {
                checked.set(KEPT.get(i), nodes[i]);
            }
        }
        return RecordValidator.validate(checked);
    }

    private static Invalid malformed(String what, JsonLocation where) {
        String text = what == null ? "unknown parse error"
                : what.length() <= MAX_MESSAGE ? what : what.substring(0, MAX_MESSAGE) + "…";
        String at = where == null || where.getByteOffset() < 0 ? ""
                : " (at byte " + where.getByteOffset() + " of the record)";
        return Invalid.of(Invalid.MALFORMED_JSON, "not valid JSON: " + text + at);
    }

    /** A field as a string column holds it: text as is, other JSON values as their JSON text, null as null. */
    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase();
        };
    }
}
