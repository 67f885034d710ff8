package io.sfcrime.common.gen;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.RecordValidator;
import io.sfcrime.common.gen.CallGenerator.Format;
import io.sfcrime.common.gen.CallGenerator.Options;
import io.sfcrime.common.gen.CallGenerator.Order;
import io.sfcrime.common.scan.ReferenceVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallGeneratorTest {

    static byte[] generate(Options options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CallGenerator(options).write(out);
        return out.toByteArray();
    }

    /** NDJSON lines as raw bytes, split on '\n' only (invalid UTF-8 must survive). */
    static List<byte[]> lines(byte[] file) {
        List<byte[]> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < file.length; i++) {
            if (file[i] == '\n') {
                lines.add(Arrays.copyOfRange(file, from, i));
                from = i + 1;
            }
        }
        assertThat(from).as("file ends with a newline").isEqualTo(file.length);
        return lines;
    }

    /**
     * Top-level elements of a JSON array file found by bracket depth outside strings: an independent check that
     * every record, bad ones included, keeps the file's structure balanced.
     */
    static List<byte[]> arrayElements(byte[] file) {
        List<byte[]> elements = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        int start = -1;
        for (int i = 0; i < file.length; i++) {
            byte b = file[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                    continue;
                }
                if (b != '"') {
                    continue;
                }
                inString = false; // the end of a string may be the end of a string element
            } else {
                if (depth == 1 && start < 0 && b != ' ' && b != '\n' && b != ',' && b != ']') {
                    start = i;
                }
                if (b == '"') {
                    inString = true;
                } else if (b == '[' || b == '{') {
                    depth++;
                } else if (b == ']' || b == '}') {
                    depth--;
                }
            }
            if (depth == 1 && start >= 0 && (i + 1 < file.length) && (file[i + 1] == ',' || file[i + 1] == '\n')) {
                elements.add(Arrays.copyOfRange(file, start, i + 1));
                start = -1;
            }
        }
        assertThat(depth).as("brackets balance").isZero();
        return elements;
    }

    @Test
    void sameSeedGivesSameBytesAndAnotherSeedDoesNot() throws IOException {
        Options options = Options.defaults().withCount(500).withInvalidFraction(0.1).withOrder(Order.SHUFFLED);
        byte[] a = generate(options);
        assertThat(generate(options)).isEqualTo(a);
        assertThat(generate(options.withSeed(2))).isNotEqualTo(a);
    }

    @Test
    void validArrayHasTheCountUniqueIdsAndAllFourteenStringFields() throws IOException {
        byte[] file = generate(Options.defaults().withCount(1234));
        JsonNode root = Json.MAPPER.readTree(file);
        assertThat(root.isArray()).isTrue();
        assertThat(root.size()).isEqualTo(1234);
        Set<String> ids = new HashSet<>();
        for (JsonNode record : root) {
            assertThat(RecordValidator.validate(record)).isNull();
            List<String> names = new ArrayList<>();
            record.fieldNames().forEachRemaining(names::add);
            assertThat(names).isEqualTo(CallFields.ALL);
            record.forEach(v -> assertThat(v.isTextual()).isTrue());
            ids.add(record.get(CallFields.CRIME_ID).asText());
            String time = record.get(CallFields.CALL_DATE_TIME).asText();
            assertThat(time).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:00\\.000");
            assertThat(record.get(CallFields.CALL_TIME).asText()).isEqualTo(time.substring(11, 16));
            assertThat(record.get(CallFields.CALL_DATE).asText()).isEqualTo(time.substring(0, 10) + "T00:00:00.000");
        }
        assertThat(ids).hasSize(1234);
        String text = new String(file, StandardCharsets.UTF_8);
        assertThat(text).startsWith("[\n    {\n        \"crime_id\": \"");
    }

    @Test
    void ndjsonHasOneCompactObjectPerLine() throws IOException {
        byte[] file = generate(Options.defaults().withCount(300).withFormat(Format.NDJSON));
        List<byte[]> lines = lines(file);
        assertThat(lines).hasSize(300);
        for (byte[] line : lines) {
            assertThat(RecordValidator.validate(Json.MAPPER.readTree(line))).isNull();
        }
    }

    @Test
    void emptyCountWritesAnEmptyArray() throws IOException {
        assertThat(Json.MAPPER.readTree(generate(Options.defaults().withCount(0))).size()).isZero();
        assertThat(generate(Options.defaults().withCount(0).withFormat(Format.NDJSON))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void invalidFractionIsExactAndEveryRecordIsJudgedAsExpected(Format format) throws IOException {
        Options options = Options.defaults().withCount(10_000).withInvalidFraction(0.02).withFormat(format)
                .withSeed(7);
        CallGenerator generator = new CallGenerator(options);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CallGenerator.Summary summary = generator.write(out);
        byte[] file = out.toByteArray();
        assertThat(summary.bytes()).isEqualTo(file.length);

        List<byte[]> records = format == Format.NDJSON ? lines(file) : arrayElements(file);
        assertThat(records).hasSize(10_000);
        Map<String, Integer> byReason = new TreeMap<>();
        int invalid = 0;
        for (int i = 0; i < records.size(); i++) {
            String reason = ReferenceVerdict.reason(records.get(i));
            assertThat(reason).as("record %d", i).isEqualTo(generator.expectedReasonAt(i));
            if (reason != null) {
                invalid++;
                byReason.merge(reason, 1, Integer::sum);
            }
        }
        assertThat(invalid).isEqualTo(200).isEqualTo((int) summary.invalid());
        assertThat(summary.valid()).isEqualTo(9_800);
        // Every reason the generator can produce shows up in a file of this size.
        assertThat(byReason.keySet()).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(InvalidKind.values()).map(InvalidKind::code).collect(Collectors.toSet()));
        assertThat(summary.invalidByKind().keySet()).containsExactlyInAnyOrder(InvalidKind.values());
    }

    @ParameterizedTest
    @EnumSource(InvalidKind.class)
    void eachInvalidKindIsRejectedWithItsReasonInBothFormats(InvalidKind kind) {
        for (Format format : Format.values()) {
            CallGenerator generator = new CallGenerator(Options.defaults().withCount(200).withInvalidFraction(0.5)
                    .withFormat(format));
            long index = -1;
            for (long i = 0; i < 200 && index < 0; i++) {
                if (generator.invalidKindAt(i) == kind) {
                    index = i;
                }
            }
            assertThat(index).as("a record of kind %s", kind).isNotNegative();
            assertThat(ReferenceVerdict.reason(generator.recordBytes(index))).as("%s in %s", kind, format)
                    .isEqualTo(kind.code());
            if (kind == InvalidKind.IMPOSSIBLE_DATE_TIME) {
                assertThat(new String(generator.recordBytes(index), StandardCharsets.UTF_8))
                        .contains("2019-02-30T10:00:00");
            }
        }
    }

    @Test
    void kindsKeepTheirDocumentedCodes() {
        assertThat(InvalidKind.MISSING_COMMA.code()).isEqualTo(Invalid.MALFORMED_JSON);
        assertThat(InvalidKind.INVALID_UTF8.code()).isEqualTo(Invalid.INVALID_UTF8);
        assertThat(InvalidKind.UTC_DATE_TIME.code()).isEqualTo(Invalid.ZONED_DATE_TIME);
        assertThat(InvalidKind.NUMBER_CRIME_ID.code()).isEqualTo(Invalid.WRONG_TYPE);
    }

    private static List<String> times(byte[] file) throws IOException {
        List<String> times = new ArrayList<>();
        Json.MAPPER.readTree(file).forEach(r -> times.add(r.get(CallFields.CALL_DATE_TIME).asText()));
        return times;
    }

    @Test
    void ordersPlaceTheSameRecordsByEventTime() throws IOException {
        Options base = Options.defaults().withCount(2_000);
        List<String> newest = times(generate(base.withOrder(Order.NEWEST_FIRST)));
        List<String> oldest = times(generate(base.withOrder(Order.OLDEST_FIRST)));
        List<String> shuffled = times(generate(base.withOrder(Order.SHUFFLED)));

        List<String> descending = new ArrayList<>(newest);
        descending.sort(java.util.Comparator.reverseOrder());
        assertThat(newest).isEqualTo(descending);
        List<String> ascending = new ArrayList<>(oldest);
        ascending.sort(null);
        assertThat(oldest).isEqualTo(ascending);
        assertThat(shuffled).isNotEqualTo(ascending).isNotEqualTo(descending);
        List<String> shuffledSorted = new ArrayList<>(shuffled);
        shuffledSorted.sort(null);
        assertThat(shuffledSorted).isEqualTo(ascending);

        // The same record (by crime_id) has the same content whatever the order.
        Map<String, String> byIdNewest = new HashMap<>();
        Json.MAPPER.readTree(generate(base.withOrder(Order.NEWEST_FIRST)))
                .forEach(r -> byIdNewest.put(r.get(CallFields.CRIME_ID).asText(), r.toString()));
        Json.MAPPER.readTree(generate(base.withOrder(Order.SHUFFLED)))
                .forEach(r -> assertThat(r.toString()).isEqualTo(byIdNewest.get(r.get(CallFields.CRIME_ID).asText())));
    }

    @Test
    void windowsSpreadEventTimesOverThatManyClockHours() throws IOException {
        Options options = Options.defaults().withCount(5_000).withStart(LocalDateTime.of(2019, 3, 1, 9, 30))
                .withWindows(12);
        Set<String> hours = new HashSet<>();
        for (String t : times(generate(options))) {
            LocalDateTime time = EventTime.parse(t).orElseThrow();
            assertThat(time).isAfterOrEqualTo(LocalDateTime.of(2019, 3, 1, 9, 0))
                    .isBefore(LocalDateTime.of(2019, 3, 1, 21, 0));
            hours.add(t.substring(0, 13));
        }
        assertThat(hours).hasSize(12);
    }

    @Test
    void crimeTypesAreSkewedRealNamesAndDispositionsIncludeUnknownCodes() throws IOException {
        JsonNode root = Json.MAPPER.readTree(generate(Options.defaults().withCount(20_000).withSeed(3)));
        Map<String, Integer> types = new HashMap<>();
        Map<String, Integer> dispositions = new HashMap<>();
        for (JsonNode r : root) {
            types.merge(r.get(CallFields.ORIGINAL_CRIME_TYPE_NAME).asText(), 1, Integer::sum);
            dispositions.merge(r.get(CallFields.DISPOSITION).asText(), 1, Integer::sum);
        }
        assertThat(Vocabulary.CRIME_TYPES).containsAll(types.keySet());
        int top = types.get("Passing Call");
        assertThat(types.values()).allMatch(n -> n <= top);
        // Zipf-like: the top type is far more common than the median one, yet the tail is present.
        assertThat(top).isGreaterThan(20_000 / 10);
        assertThat(types.size()).isGreaterThan(90);

        RadioCodes table = RadioCodes.load(Path.of(System.getProperty("project.root", "../"), "data",
                "radio_code.json").normalize());
        assertThat(dispositions).containsKey("Not recorded");
        Set<String> unknown = new HashSet<>(dispositions.keySet());
        unknown.removeAll(table.asMap().keySet());
        assertThat(unknown).contains("Not recorded").hasSizeGreaterThan(2);
        assertThat(dispositions.keySet()).containsAnyElementsOf(table.asMap().keySet());
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> Options.defaults().withCount(-1)).hasMessageContaining("count");
        assertThatThrownBy(() -> Options.defaults().withInvalidFraction(1.5)).hasMessageContaining("fraction");
        assertThatThrownBy(() -> Options.defaults().withWindows(0)).hasMessageContaining("windows");
        assertThatThrownBy(() -> new CallGenerator(Options.defaults().withCount(3)).fieldsAt(3))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
