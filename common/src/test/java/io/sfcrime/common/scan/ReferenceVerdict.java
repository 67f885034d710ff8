package io.sfcrime.common.scan;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.RecordValidator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The plainest possible judgement of one record's bytes, independent of {@link CallScanner}: the JDK's strict UTF-8
 * decoder, Jackson's whole tree (nothing after the value allowed), then {@link RecordValidator} on that tree, then
 * the default plausible event-time range with {@code java.time}.
 * Shared with other modules' tests through common's test jar.
 */
public final class ReferenceVerdict {
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ReferenceVerdict() {
    }

    /** Null when valid, otherwise the reason code. */
    public static String reason(byte[] value) {
        if (value == null) {
            return Invalid.NOT_AN_OBJECT;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            return Invalid.INVALID_UTF8;
        }
        JsonNode node;
        try {
            node = READER.readTree(value);
        } catch (IOException e) {
            return Invalid.MALFORMED_JSON;
        }
        if (node == null || node.isMissingNode()) {
            return Invalid.MALFORMED_JSON;
        }
        Invalid invalid = RecordValidator.validate(node);
        if (invalid != null) {
            return invalid.code();
        }
        // The plausible range with java.time as a whole: the defaults of validation.minEventTime (1970-01-01) and
        // validation.maxFutureSkew (1 day), against the wall clock.
        ZonedDateTime event = EventTime.parse(node.get(CallFields.CALL_DATE_TIME).asText()).orElseThrow()
                .atZone(SF);
        ZonedDateTime now = ZonedDateTime.now(SF);
        boolean plausible = !event.isBefore(LocalDate.of(1970, 1, 1).atStartOfDay(SF))
                && !event.isAfter(now.plusDays(1));
        return plausible ? null : Invalid.IMPLAUSIBLE_DATE_TIME;
    }

    private static final ZoneId SF = ZoneId.of(CallFields.EVENT_TIME_ZONE);

    /** The tree of a record the reference calls valid. */
    public static JsonNode tree(byte[] value) {
        try {
            return READER.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid record: " + e.getMessage(), e);
        }
    }
}
