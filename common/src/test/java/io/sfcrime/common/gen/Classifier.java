package io.sfcrime.common.gen;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.RecordValidator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Judges one record's bytes the way a reader must: UTF-8 first, then JSON, then the record rules. */
final class Classifier {
    private Classifier() {
    }

    /** Null when valid, otherwise the reason code. */
    static String reason(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return Invalid.INVALID_UTF8;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Invalid.MALFORMED_JSON;
        }
        Invalid invalid = RecordValidator.validate(node);
        return invalid == null ? null : invalid.code();
    }
}
