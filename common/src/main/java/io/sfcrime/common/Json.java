package io.sfcrime.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The project's one configured Jackson mapper. */
public final class Json {
    /**
     * Jackson 2.15 caps strings at 20 MB by default; we raise it so that an oversized field is rejected by our own
     * size check with a clear reason instead of a parser error that loses the record's neighbours.
     */
    public static final int MAX_STRING_LENGTH = 256 * 1024 * 1024;

    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_LENGTH).build())
            .build());

    private Json() {
    }
}
