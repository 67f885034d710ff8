package io.sfcrime.spark.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.RecordValidator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * One pass over a Kafka value that yields everything the job needs of it: the verdict ({@code reason}, {@code message},
 * null for a valid record), the event time, and the three fields the counts use. It replaces {@code from_json} plus
 * column checks, which the profile showed costing most of the validation: Spark's JSON reader builds all 14 fields
 * through a {@code Reader} allocated per row, and could not tell {@code 123} from {@code "123"} without a second
 * scan. Here Jackson's streaming parser reads the bytes once and keeps four fields; the verdict is
 * {@link RecordValidator}'s own, on exactly what {@code Json.MAPPER.readTree} would have shown it, so the job, the
 * producer and the benchmark ceiling cannot disagree.
 */
public final class CallScan {
    /** Spark type of {@link #scan}'s result, field order as in {@link #result}. */
    public static final StructType RESULT = DataTypes.createStructType(List.of(
            DataTypes.createStructField(Columns.REASON, DataTypes.StringType, true),
            DataTypes.createStructField(Columns.MESSAGE, DataTypes.StringType, true),
            DataTypes.createStructField(Columns.EVENT_TIME, DataTypes.TimestampType, true),
            DataTypes.createStructField(Columns.CRIME_TYPE, DataTypes.StringType, true),
            DataTypes.createStructField(Columns.DISPOSITION, DataTypes.StringType, true),
            DataTypes.createStructField(Columns.CRIME_ID, DataTypes.StringType, true)));

    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
    private static final ZoneId ZONE = ZoneId.of(CallFields.EVENT_TIME_ZONE);
    // The validator's fields, then the one more the counts need.
    private static final String[] KEPT = {
            CallFields.CRIME_ID, CallFields.ORIGINAL_CRIME_TYPE_NAME, CallFields.CALL_DATE_TIME, CallFields.DISPOSITION};
    private static final int CHECKED = 3;
    private static final int DISPOSITION_AT = 3;

    private CallScan() {
    }

    /** The scan as a Spark row of type {@link #RESULT}. */
    public static Row scan(byte[] value) {
        if (value == null) {
            return invalid(Invalid.NOT_AN_OBJECT, "expected a JSON object but found nothing (null record value)");
        }
        int bad = firstBadUtf8(value);
        if (bad >= 0) {
            return invalid(Invalid.INVALID_UTF8, "the value is not valid UTF-8 (byte " + bad + ")");
        }
        // The last occurrence of a duplicated key wins, as in Jackson's tree model.
        JsonNode[] kept = new JsonNode[KEPT.length];
        try (JsonParser p = FACTORY.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return invalid(Invalid.MALFORMED_JSON, "no JSON value");
            }
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren();
                if (p.nextToken() != null) {
                    return invalid(Invalid.MALFORMED_JSON, "trailing content after the JSON value");
                }
                return invalid(Invalid.NOT_AN_OBJECT, "expected a JSON object but found " + describe(first));
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                int i = indexOf(p.currentName());
                JsonToken v = p.nextToken();
                if (i < 0) {
                    p.skipChildren();
                } else if (v == JsonToken.VALUE_STRING) {
                    kept[i] = TextNode.valueOf(p.getText());
                } else {
                    kept[i] = Json.MAPPER.readTree(p);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return invalid(Invalid.MALFORMED_JSON, "the JSON object is not closed");
            }
            // As the producer does: "{...} {...}" in one record is an error, not a record and some noise.
            if (p.nextToken() != null) {
                return invalid(Invalid.MALFORMED_JSON, "trailing content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            return invalid(Invalid.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return invalid(Invalid.MALFORMED_JSON, "not valid JSON: " + e.getMessage());
        }
        Invalid invalid = validate(kept);
        if (invalid != null) {
            return result(invalid.code(), invalid.message(), null, kept);
        }
        Instant eventTime = EventTime.parse(kept[2].asText()).orElseThrow().atZone(ZONE).toInstant();
        return result(null, null, eventTime, kept);
    }

    /**
     * RecordValidator on the checked fields: straight from their texts in the usual case, through a small tree only
     * when one of them is not a string (the validator names its type in the message).
     */
    private static Invalid validate(JsonNode[] kept) {
        boolean allTextOrAbsent = true;
        for (int i = 0; i < CHECKED; i++) {
            allTextOrAbsent &= kept[i] == null || kept[i].isNull() || kept[i].isTextual();
        }
        if (allTextOrAbsent) {
            return RecordValidator.validateTexts(text(kept[0]), text(kept[1]), text(kept[2]));
        }
        ObjectNode checked = Json.MAPPER.createObjectNode();
        for (int i = 0; i < CHECKED; i++) {
            if (kept[i] != null) {
                checked.set(KEPT[i], kept[i]);
            }
        }
        return RecordValidator.validate(checked);
    }

    private static Row invalid(String code, String message) {
        return result(code, message, null, new JsonNode[KEPT.length]);
    }

    private static Row result(String reason, String message, Instant eventTime, JsonNode[] kept) {
        return RowFactory.create(reason, message, eventTime, text(kept[1]), text(kept[DISPOSITION_AT]), text(kept[0]));
    }

    /** A field as a string column holds it: text as is, other JSON values as their JSON text, null as null. */
    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static int indexOf(String name) {
        for (int i = 0; i < KEPT.length; i++) {
            if (KEPT[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }


    private static String describe(JsonToken t) {
        if (t == null) {
            return "missing";
        }
        return switch (t) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase();
        };
    }

    /** Index of the first byte that breaks UTF-8, or -1. ASCII, the common case, costs one comparison per byte. */
    static int firstBadUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            int extra;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                extra = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                extra = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                extra = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + extra >= n) {
                return i;
            }
            int cp = c & (0x3F >> extra);
            for (int k = 1; k <= extra; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i;
            }
            i += extra + 1;
        }
        return -1;
    }
}
