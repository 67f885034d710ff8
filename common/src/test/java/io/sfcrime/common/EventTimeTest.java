package io.sfcrime.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.LocalDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimeTest {

    @Test
    void parsesBothAcceptedLayouts() {
        assertThat(EventTime.parse("2018-12-31T23:57:00.000")).contains(LocalDateTime.of(2018, 12, 31, 23, 57));
        assertThat(EventTime.parse("2018-12-31T23:57:09")).contains(LocalDateTime.of(2018, 12, 31, 23, 57, 9));
        assertThat(EventTime.parse("2020-02-29T00:00:00.123"))
                .contains(LocalDateTime.of(2020, 2, 29, 0, 0, 0, 123_000_000));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2019-02-30T10:00:00|unparseable_date_time",
            "2019-02-29T10:00:00|unparseable_date_time",
            "2018-12-31T24:00:00|unparseable_date_time",
            "2018-12-31 23:57:00|unparseable_date_time",
            "2018-12-31T23:57|unparseable_date_time",
            "2018-12-31T23:57:00.0|unparseable_date_time",
            "12/31/2018 23:57|unparseable_date_time",
            "yesterday|unparseable_date_time",
            "2018-12-31T23:57:00.000Z|zoned_date_time",
            "2018-12-31T23:57:00+02:00|zoned_date_time",
            "2018-12-31T23:57:00-0800|zoned_date_time",
            "2018-12-31T23:57:00[America/Los_Angeles]|zoned_date_time",
    })
    void rejectsWithAReason(String text, String code) {
        assertThat(EventTime.parse(text)).isEmpty();
        Invalid invalid = EventTime.check(text);
        assertThat(invalid.code()).isEqualTo(code);
        assertThat(invalid.message()).contains(CallFields.CALL_DATE_TIME);
    }

    @Test
    void missingAndEmptyAreMissing() {
        assertThat(EventTime.check(null).code()).isEqualTo(Invalid.MISSING_FIELD);
        assertThat(EventTime.check("").code()).isEqualTo(Invalid.MISSING_FIELD);
    }

    @Test
    void longValuesAreAbbreviatedInMessages() {
        String huge = "x".repeat(10_000);
        assertThat(EventTime.check(huge).message()).hasSizeLessThan(200);
    }

    @Test
    void reportFormatIsSpaceSeparated() {
        assertThat(LocalDateTime.of(2018, 12, 31, 16, 0).format(EventTime.REPORT_FORMAT))
                .isEqualTo("2018-12-31 16:00:00");
    }
}
