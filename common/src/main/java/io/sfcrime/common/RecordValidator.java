package io.sfcrime.common;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The one definition of a valid call record, shared by the producer, the Spark job and the benchmark ceiling.
 * Valid: a JSON object with non-empty string {@code crime_id} and {@code original_crime_type_name}, and a
 * {@code call_date_time} string that {@link EventTime} accepts. Other fields may be missing or odd.
 */
public final class RecordValidator {
    private RecordValidator() {
    }

    /** Null when the record is valid, otherwise the first reason it is not. */
    public static Invalid validate(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Invalid.of(Invalid.NOT_AN_OBJECT, "expected a JSON object but found "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        Invalid invalid = requireText(node, CallFields.CRIME_ID);
        if (invalid == null) {
            invalid = requireText(node, CallFields.ORIGINAL_CRIME_TYPE_NAME);
        }
        if (invalid == null) {
            JsonNode time = node.get(CallFields.CALL_DATE_TIME);
            if (time != null && !time.isNull() && !time.isTextual()) {
                return wrongType(CallFields.CALL_DATE_TIME, time);
            }
            invalid = EventTime.check(time == null || time.isNull() ? null : time.asText());
        }
        return invalid;
    }

    /**
     * The verdict of {@link #validate(JsonNode)}, with the same code and message, for a JSON object whose three
     * fields are each absent ({@code null}) or a string. For readers that pick the fields out of the bytes
     * themselves (the producer's hot path) and need no tree; anything of another type must go through
     * {@link #validate(JsonNode)}.
     */
    public static Invalid validateTexts(String crimeId, String crimeTypeName, String callDateTime) {
        Invalid invalid = requireText(CallFields.CRIME_ID, crimeId);
        if (invalid == null) {
            invalid = requireText(CallFields.ORIGINAL_CRIME_TYPE_NAME, crimeTypeName);
        }
        return invalid != null ? invalid : EventTime.check(callDateTime);
    }

    private static Invalid requireText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return requireText(field, null);
        }
        if (!value.isTextual()) {
            return wrongType(field, value);
        }
        return requireText(field, value.asText());
    }

    private static Invalid requireText(String field, String text) {
        if (text == null) {
            return Invalid.of(Invalid.MISSING_FIELD, field + " is missing");
        }
        if (text.isBlank()) {
            return Invalid.of(Invalid.EMPTY_FIELD, field + " is empty");
        }
        return null;
    }

    private static Invalid wrongType(String field, JsonNode value) {
        return Invalid.of(Invalid.WRONG_TYPE, field + " must be a string but is "
                + value.getNodeType().toString().toLowerCase() + " " + EventTime.abbreviate(value.toString()));
    }
}
