package io.sfcrime.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RadioCodesTest {
    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));

    private static void assertIsTheDatasetTable(RadioCodes codes) {
        assertThat(codes.size()).isEqualTo(19);
        assertThat(codes.describe("HAN")).isEqualTo("Handled");
        assertThat(codes.describe("CAN")).isEqualTo("Cancel");
        assertThat(codes.describe("22")).isEqualTo("Cancel");
        assertThat(codes.asMap().keySet()).startsWith("ABA", "ADM", "ADV");
    }

    @Test
    void loadsTheCommittedTable() {
        assertIsTheDatasetTable(RadioCodes.load(ROOT.resolve("data/radio_code.json")));
    }

    @Test
    void loadsTheRealTableWithItsLeadingWhitespaceAndTabs() {
        assertIsTheDatasetTable(RadioCodes.load(RealData.require(RealData.RADIO_CODES)));
    }

    @Test
    void unknownCodeDescribesAsItselfAndMissingAsNull() {
        RadioCodes codes = RadioCodes.of(Map.of("HAN", "Handled"));
        assertThat(codes.describe("Not recorded")).isEqualTo("Not recorded");
        assertThat(codes.describe(null)).isNull();
        assertThatThrownBy(() -> codes.asMap().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsTablesOfTheWrongShapeNamingTheEntry() {
        assertThatThrownBy(() -> RadioCodes.parse(in("{\"a\": 1}"), "t.json"))
                .hasMessageContaining("t.json").hasMessageContaining("array");
        assertThatThrownBy(() -> RadioCodes.parse(in("[{\"disposition_code\": \"A\", \"description\": \"x\"},"
                + " {\"disposition_code\": 5, \"description\": \"y\"}]"), "t.json"))
                .hasMessageContaining("entry 1");
    }

    @Test
    void conflictingDuplicatesAndAnEmptyTableAreRejectedNamingTheCodes() {
        // Issue 16: a duplicated code silently took the last description; an empty table was accepted.
        assertThatThrownBy(() -> RadioCodes.parse(in("[]"), "t.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("radio-code table t.json is empty");
        assertThatThrownBy(() -> RadioCodes.parse(in("[" + entry("ADV", "Advised") + "," + entry("HAN", "Handled") + ","
                + entry("ADV", "Advice") + "," + entry("CAN", "Cancel") + "," + entry("HAN", "Handed over") + "]"),
                "t.json"))
                .hasMessage("radio-code table t.json gives different descriptions for the same code: 'ADV' (entry 0 "
                        + "'Advised', entry 2 'Advice'), 'HAN' (entry 1 'Handled', entry 4 'Handed over'); keep one "
                        + "entry per code");
    }

    @Test
    void anExactRepeatIsKeptOnceWithAWarning() throws Exception {
        RadioCodes codes = RadioCodes.parse(in("[" + entry("ADV", "Advised") + "," + entry("HAN", "Handled") + ","
                + entry("ADV", "Advised") + "]"), "t.json");
        assertThat(codes.asMap()).containsExactly(Map.entry("ADV", "Advised"), Map.entry("HAN", "Handled"));
        assertThat(codes.warnings()).containsExactly("radio-code table t.json: code 'ADV' is repeated with the same "
                + "description (entries 0 and 2); using it once");
        assertThat(RadioCodes.load(ROOT.resolve("data/radio_code.json")).warnings()).isEmpty();
    }

    private static String entry(String code, String description) {
        return "{\"disposition_code\": \"" + code + "\", \"description\": \"" + description + "\"}";
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> RadioCodes.load(dir.resolve("nope.json")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("nope.json");
    }

    private static ByteArrayInputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
