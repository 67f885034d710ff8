package io.sfcrime.common;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RecordValidatorTest {
    private static final String VALID = """
            {"crime_id": "183653763", "original_crime_type_name": "Traffic Stop",
             "call_date_time": "2018-12-31T23:57:00.000", "disposition": "ADM"}""";

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void acceptsAMinimalRecordAndIgnoresOtherFields() throws IOException {
        assertThat(RecordValidator.validate(json(VALID))).isNull();
        assertThat(RecordValidator.validate(json("""
                {"crime_id": "1", "original_crime_type_name": "x", "call_date_time": "2018-12-31T23:57:00",
                 "disposition": 5, "city": null, "extra": [1]}"""))).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "42|not_an_object",
            "'\"text\"'|not_an_object",
            "[1, 2]|not_an_object",
            "null|not_an_object",
            "{\"original_crime_type_name\": \"x\", \"call_date_time\": \"2018-12-31T23:57:00\"}|missing_field",
            "{\"crime_id\": null, \"original_crime_type_name\": \"x\", \"call_date_time\": \"2018-12-31T23:57:00\"}|missing_field",
            "{\"crime_id\": \"1\", \"call_date_time\": \"2018-12-31T23:57:00\"}|missing_field",
            "{\"crime_id\": \"1\", \"original_crime_type_name\": \"x\"}|missing_field",
            "{\"crime_id\": 1, \"original_crime_type_name\": \"x\", \"call_date_time\": \"2018-12-31T23:57:00\"}|wrong_type",
            "{\"crime_id\": \"1\", \"original_crime_type_name\": [\"x\"], \"call_date_time\": \"2018-12-31T23:57:00\"}|wrong_type",
            "{\"crime_id\": \"1\", \"original_crime_type_name\": \"x\", \"call_date_time\": {\"d\": 1}}|wrong_type",
            "{\"crime_id\": \"1\", \"original_crime_type_name\": \"x\", \"call_date_time\": 1546300620000}|wrong_type",
            "{\"crime_id\": \"\", \"original_crime_type_name\": \"x\", \"call_date_time\": \"2018-12-31T23:57:00\"}|empty_field",
            "{\"crime_id\": \"1\", \"original_crime_type_name\": \"  \", \"call_date_time\": \"2018-12-31T23:57:00\"}|empty_field",
            "{\"crime_id\": \"1\", \"original_crime_type_name\": \"x\", \"call_date_time\": \"\"}|missing_field",
            "{\"crime_id\": \"1\", \"original_crime_type_name\": \"x\", \"call_date_time\": \"2019-02-30T10:00:00\"}|unparseable_date_time",
            "{\"crime_id\": \"1\", \"original_crime_type_name\": \"x\", \"call_date_time\": \"2018-12-31T23:57:00Z\"}|zoned_date_time",
    })
    void rejectsWithTheReason(String text, String code) throws IOException {
        Invalid invalid = RecordValidator.validate(json(text));
        assertThat(invalid).isNotNull();
        assertThat(invalid.code()).isEqualTo(code);
        assertThat(invalid.message()).isNotBlank();
    }

    @Test
    void messagesNameTheField() throws IOException {
        assertThat(RecordValidator.validate(json("{\"crime_id\": 7}")).message()).contains("crime_id")
                .contains("number");
        assertThat(RecordValidator.validate(null).code()).isEqualTo(Invalid.NOT_AN_OBJECT);
    }

    @Test
    void everyRecordOfTheRealSampleIsValid() throws IOException {
        JsonNode root = Json.MAPPER.readTree(RealData.require(RealData.SAMPLE).toFile());
        assertThat(root.size()).isEqualTo(632);
        root.forEach(r -> assertThat(RecordValidator.validate(r)).isNull());
    }

    @Test
    void everyRecordOfTheCommittedSampleIsValid() throws IOException {
        Path sample = Path.of(System.getProperty("project.root", ".."), "data",
                "police-department-calls-for-service.json");
        JsonNode root = Json.MAPPER.readTree(sample.toFile());
        assertThat(root.size()).isPositive();
        root.forEach(r -> assertThat(RecordValidator.validate(r)).isNull());
    }
}
