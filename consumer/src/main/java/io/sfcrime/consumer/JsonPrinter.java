package io.sfcrime.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sfcrime.common.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code --format json} and {@code --format pretty}: one JSON value per record. Values that are JSON are printed as
 * JSON (compacted to one line, or indented); anything else (a dead-letter record's original text, invalid UTF-8)
 * as a JSON string, so that every json line parses. With {@code --print-key}/{@code --print-headers} each record
 * becomes an envelope {@code {"key":..., "headers":{...}, "value":...}}.
 */
final class JsonPrinter implements RecordPrinter {
    // "{...} trailing" is not JSON: a damaged record must be shown as text, not as its readable prefix.
    private static final ObjectReader STRICT = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final PrintStream out;
    private final boolean pretty;
    private final boolean printKey;
    private final boolean printHeaders;

    JsonPrinter(PrintStream out, boolean pretty, boolean printKey, boolean printHeaders) {
        this.out = out;
        this.pretty = pretty;
        this.printKey = printKey;
        this.printHeaders = printHeaders;
    }

    @Override
    public void print(ConsumerRecord<byte[], byte[]> record) {
        JsonNode value = toJson(record.value());
        JsonNode shown = value;
        if (printKey || printHeaders) {
            ObjectNode envelope = JsonNodeFactory.instance.objectNode();
            if (printKey) {
                envelope.set("key", record.key() == null ? JsonNodeFactory.instance.nullNode()
                        : TextNode.valueOf(SafeText.lenient(record.key())));
            }
            if (printHeaders) {
                ObjectNode headers = envelope.putObject("headers");
                for (Header h : record.headers()) {
                    headers.put(h.key(), h.value() == null ? null : SafeText.lenient(h.value()));
                }
            }
            if (pretty) {
                envelope.put("partition", record.partition());
                envelope.put("offset", record.offset());
            }
            envelope.set("value", value);
            shown = envelope;
        }
        try {
            out.println(pretty ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(shown)
                    : Json.MAPPER.writeValueAsString(shown));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render record " + record.topic() + "-" + record.partition()
                    + "@" + record.offset(), e);
        }
    }

    /** The value as JSON when it is JSON, else as a string holding its safe text; a null value stays null. */
    static JsonNode toJson(byte[] value) {
        if (value == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        String text = SafeText.strict(value);
        if (text != null) {
            try {
                JsonNode node = STRICT.readTree(text);
                if (node != null && !node.isMissingNode()) {
                    return node;
                }
            } catch (IOException e) {
                // Not JSON (a rejected record's original text): shown as a string below.
            }
        }
        return TextNode.valueOf(text != null ? text : SafeText.lenient(value));
    }

    @Override
    public void afterPoll() {
        out.flush();
    }

    @Override
    public void finish() {
        out.flush();
    }
}
