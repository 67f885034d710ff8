package io.sfcrime.bench.ceiling;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.Json;

import java.io.IOException;

/**
 * Reads one record's JSON with Jackson's streaming parser and keeps only the fields the job needs, in a reused
 * {@link ObjectNode} that {@link io.sfcrime.common.RecordValidator} accepts as it would the full tree. Every
 * token of the record is still read, so malformed JSON and broken UTF-8 anywhere in it are caught exactly as
 * {@code readTree} catches them; what is saved is building a tree of the 10 fields nobody reads.
 * Not thread-safe: one per consumer thread.
 */
final class FieldExtractor {
    // Values of the right JSON type but not text: the validator needs only the type to name the reason.
    private static final JsonNode SOME_NUMBER = JsonNodeFactory.instance.numberNode(0);
    private static final JsonNode SOME_OBJECT = JsonNodeFactory.instance.objectNode();
    private static final ArrayNode SOME_ARRAY = JsonNodeFactory.instance.arrayNode();

    private final JsonFactory factory = Json.MAPPER.getFactory();
    private final ObjectNode fields = JsonNodeFactory.instance.objectNode();
    private final TextCache categories = new TextCache();

    // The last record's fields, kept beside the node so the counter needs no map lookups.
    private JsonNode crimeType;
    private JsonNode disposition;
    private JsonNode callDateTime;

    /** What the last {@link #read} found: the reduced node, or null when the bytes are not JSON. */
    private JsonNode node;

    /**
     * Parses one record. Returns false when the bytes are not a well-formed JSON value (malformed, truncated,
     * bad UTF-8), true otherwise; then {@link #node()} is what to validate.
     */
    boolean read(byte[] value) {
        node = null;
        crimeType = null;
        disposition = null;
        callDateTime = null;
        try (JsonParser p = factory.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return false; // empty input: readTree gives a MissingNode, the validator "nothing"; either way invalid
            }
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren();
                node = first == JsonToken.START_ARRAY ? SOME_ARRAY : SOME_NUMBER;
                return true;
            }
            fields.removeAll();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName(); // canonicalised by Jackson: no allocation, identity-comparable
                JsonToken v = p.nextToken();
                if (name.equals(CallFields.ORIGINAL_CRIME_TYPE_NAME)) {
                    fields.set(name, valueOf(p, v, true));
                    crimeType = fields.get(name);
                } else if (name.equals(CallFields.DISPOSITION)) {
                    fields.set(name, valueOf(p, v, true));
                    disposition = fields.get(name);
                } else if (name.equals(CallFields.CALL_DATE_TIME)) {
                    fields.set(name, valueOf(p, v, false));
                    callDateTime = fields.get(name);
                } else if (name.equals(CallFields.CRIME_ID)) {
                    fields.set(name, valueOf(p, v, false));
                } else {
                    p.skipChildren();
                    if (v == JsonToken.VALUE_STRING) {
                        // Decode it: readTree would, and that is where broken UTF-8 in a field we skip is noticed.
                        p.getTextLength();
                    }
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return false;
            }
            node = fields;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private JsonNode valueOf(JsonParser p, JsonToken v, boolean category) throws IOException {
        switch (v) {
            case VALUE_STRING:
                if (category) {
                    return categories.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                }
                return TextNode.valueOf(p.getText());
            case VALUE_NULL:
                return NullNode.getInstance();
            case VALUE_TRUE:
            case VALUE_FALSE:
                return BooleanNode.valueOf(v == JsonToken.VALUE_TRUE);
            case START_OBJECT:
                p.skipChildren();
                return SOME_OBJECT;
            case START_ARRAY:
                p.skipChildren();
                return SOME_ARRAY;
            default:
                // Numbers: Spark's from_json reads a number into a string column as its text, so keep the text.
                return JsonNodeFactory.instance.numberNode(p.getDecimalValue());
        }
    }

    JsonNode node() {
        return node;
    }

    /** The last record's crime type, disposition and call_date_time as read (null when absent). */
    JsonNode crimeType() {
        return crimeType;
    }

    JsonNode disposition() {
        return disposition;
    }

    JsonNode callDateTime() {
        return callDateTime;
    }

    /** The field's text as Spark's string column would hold it: null when missing or JSON null. */
    static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isTextual() ? n.textValue() : n.isValueNode() ? n.asText() : n.toString();
    }
}
