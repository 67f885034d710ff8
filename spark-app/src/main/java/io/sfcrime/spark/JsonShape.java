package io.sfcrime.spark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.RecordValidator;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What {@code from_json} cannot tell: is the value valid UTF-8, a JSON object at all, and are the three checked
 * fields JSON strings? Spark turns a number, boolean or object into text for a string column, so {@code 123} and
 * {@code "123"} look the same after parsing. This streaming token scan answers in one pass without building a tree;
 * it mirrors what {@code Json.MAPPER.readTree} followed by {@code RecordValidator} would see.
 * <p>
 * The answer is encoded as a short string for a Spark column: null when the shape is fine, otherwise
 * {@code code|message} for the shape problems, or {@code wrong_type|field|message} per field (only the first
 * wrong field in validation order; the field lets the column logic interleave it with missing/empty checks).
 */
public final class JsonShape {
    static final String SEP = "|";
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
    private static final String[] CHECKED = {
            CallFields.CRIME_ID, CallFields.ORIGINAL_CRIME_TYPE_NAME, CallFields.CALL_DATE_TIME};

    private JsonShape() {
    }

    /**
     * The whole verdict in Java, for the dead-letter query that needs no parsed fields: the shape checks of
     * {@link #check}, then {@link io.sfcrime.common.RecordValidator} itself on the three checked fields as the scan
     * found them. Null when valid, else {@code code|message}.
     */
    public static String verdict(byte[] value) {
        String shape = recordShape(value);
        if (shape != null) {
            return shape;
        }
        ObjectNode fields = Json.MAPPER.createObjectNode();
        try (JsonParser p = FACTORY.createParser(value)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (indexOf(name) >= 0) {
                    // The value as Jackson's tree would hold it (last duplicate wins), wrong types included.
                    fields.set(name, Json.MAPPER.readTree(p));
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return Invalid.MALFORMED_JSON + SEP + "not valid JSON: " + e.getMessage();
        }
        Invalid invalid = RecordValidator.validate(fields);
        return invalid == null ? null : invalid.code() + SEP + invalid.message();
    }

    /** Only the record-level part of {@link #check}: UTF-8, JSON syntax, one object. */
    static String recordShape(byte[] value) {
        String shape = check(value);
        return shape == null || shape.startsWith(Invalid.WRONG_TYPE + SEP) ? null : shape;
    }

    /** Null when the bytes are a JSON object whose checked fields are strings, null or absent. */
    public static String check(byte[] value) {
        if (value == null) {
            return Invalid.NOT_AN_OBJECT + SEP + "expected a JSON object but found nothing (null record value)";
        }
        int bad = firstBadUtf8(value);
        if (bad >= 0) {
            return Invalid.INVALID_UTF8 + SEP + "the value is not valid UTF-8 (byte " + bad + ")";
        }
        // The last occurrence of a duplicated key wins, as in Jackson's tree model and in from_json.
        String[] wrong = new String[CHECKED.length];
        try (JsonParser p = FACTORY.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return Invalid.MALFORMED_JSON + SEP + "no JSON value";
            }
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren();
                if (p.nextToken() != null) {
                    return Invalid.MALFORMED_JSON + SEP + "trailing content after the JSON value";
                }
                return Invalid.NOT_AN_OBJECT + SEP + "expected a JSON object but found " + describe(first);
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                int i = indexOf(name);
                if (i >= 0) {
                    wrong[i] = v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NULL ? null
                            : describe(v) + " " + abbreviate(valueText(p, v));
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return Invalid.MALFORMED_JSON + SEP + "the JSON object is not closed";
            }
            // As the producer does: "{...} {...}" in one record is an error, not a record and some noise.
            if (p.nextToken() != null) {
                return Invalid.MALFORMED_JSON + SEP + "trailing content after the JSON object";
            }
        } catch (JsonProcessingException e) {
            return Invalid.MALFORMED_JSON + SEP + "not valid JSON: " + e.getOriginalMessage();
        } catch (IOException e) {
            return Invalid.MALFORMED_JSON + SEP + "not valid JSON: " + e.getMessage();
        }
        for (int i = 0; i < CHECKED.length; i++) {
            if (wrong[i] != null) {
                return Invalid.WRONG_TYPE + SEP + CHECKED[i] + SEP + CHECKED[i] + " must be a string but is " + wrong[i];
            }
        }
        return null;
    }

    private static int indexOf(String name) {
        for (int i = 0; i < CHECKED.length; i++) {
            if (CHECKED[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String valueText(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
            return Json.MAPPER.readTree(p).toString();
        }
        return p.getText();
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

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
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

    static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
