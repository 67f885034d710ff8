package io.sfcrime.common.report;

import io.sfcrime.common.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CountsReportTest {
    private static final long H = 3_600_000L;
    private static final long T0 = 1_546_329_600_000L; // 2019-01-01 00:00 SF (08:00Z)

    private static CountsReport.Builder sample() {
        return CountsReport.builder(10, 9, 1, 0)
                .add(T0, T0 + H, "Traffic Stop", "ADV", "Advised", 3)
                .add(T0, T0 + H, "Traffic Stop", null, null, 2)
                .add(T0 + H, T0 + 2 * H, "Fight", "HAN", "Handled", 4);
    }

    @Test
    void buildsTheByTypeTableAsSumsAndRendersWindowsInSanFranciscoTime() {
        CountsReport r = sample().build();
        assertThat(r.byType()).extracting(CountsReport.Row::windowStart, CountsReport.Row::crimeType,
                CountsReport.Row::count).containsExactly(
                org.assertj.core.groups.Tuple.tuple("2019-01-01 00:00:00", "Traffic Stop", 5L),
                org.assertj.core.groups.Tuple.tuple("2019-01-01 01:00:00", "Fight", 4L));
        // Sorted by window, type, disposition with nulls first.
        assertThat(r.byDisposition()).extracting(CountsReport.Row::disposition).containsExactly(null, "ADV", "HAN");
    }

    @Test
    void roundTripsThroughTheSparkAppReportFormat(@TempDir Path dir) throws Exception {
        CountsReport r = sample().settings(java.util.Map.of("spark.sql.shuffle.partitions", "2")).build();
        Path f = dir.resolve("report.json");
        r.write(f);
        var json = Json.MAPPER.readTree(f.toFile());
        assertThat(json.get("by_window_crime_type_disposition").get(0).has("disposition_description")).isTrue();
        assertThat(json.get("late_rows_dropped").asLong()).isZero();
        CountsReport back = CountsReport.read(f);
        assertThat(r.differences(back, 10)).isEmpty();
        assertThat(back.settings()).containsEntry("spark.sql.shuffle.partitions", "2");
    }

    @Test
    void writesTheContractBytesAndReadsThemBackUnchanged(@TempDir Path dir) throws Exception {
        CountsReport r = sample().settings(java.util.Map.of("query.dedupe", "false"))
                .invalidByReason(java.util.Map.of("not_an_object", 1L)).build();
        Path f = dir.resolve("report.json");
        r.write(f);
        String expected = """
                {
                  "input_rows" : 10,
                  "valid_rows" : 9,
                  "invalid_rows" : 1,
                  "late_rows_dropped" : 0,
                  "by_window_crime_type" : [ {
                    "window_start" : "2019-01-01 00:00:00",
                    "window_end" : "2019-01-01 01:00:00",
                    "crime_type" : "Traffic Stop",
                    "count" : 5
                  }, {
                    "window_start" : "2019-01-01 01:00:00",
                    "window_end" : "2019-01-01 02:00:00",
                    "crime_type" : "Fight",
                    "count" : 4
                  } ],
                  "by_window_crime_type_disposition" : [ {
                    "window_start" : "2019-01-01 00:00:00",
                    "window_end" : "2019-01-01 01:00:00",
                    "crime_type" : "Traffic Stop",
                    "disposition" : null,
                    "disposition_description" : null,
                    "count" : 2
                  }, {
                    "window_start" : "2019-01-01 00:00:00",
                    "window_end" : "2019-01-01 01:00:00",
                    "crime_type" : "Traffic Stop",
                    "disposition" : "ADV",
                    "disposition_description" : "Advised",
                    "count" : 3
                  }, {
                    "window_start" : "2019-01-01 01:00:00",
                    "window_end" : "2019-01-01 02:00:00",
                    "crime_type" : "Fight",
                    "disposition" : "HAN",
                    "disposition_description" : "Handled",
                    "count" : 4
                  } ],
                  "settings" : {
                    "query.dedupe" : "false"
                  },
                  "invalid_by_reason" : {
                    "not_an_object" : 1
                  }
                }""";
        assertThat(Files.readString(f)).isEqualTo(expected);
        Path again = dir.resolve("again.json");
        CountsReport.read(f).write(again);
        assertThat(Files.readString(again)).isEqualTo(expected);
    }

    @Test
    void ordersWindowsByTheirInstantSoTheTwoOneOClockWindowsOfFallBackStayApart() {
        long pdt = 1_541_318_400_000L; // 2018-11-04 01:00 PDT (08:00Z); an hour later it is 01:00 PST again
        CountsReport r = CountsReport.builder(3, 3, 0, 0)
                .add(pdt + H, pdt + 2 * H, "A", "ADV", "Advised", 1)
                .add(pdt, pdt + H, "B", "ADV", "Advised", 1)
                .add(pdt, pdt + H, "A", "ADV", "Advised", 1).build();
        assertThat(r.byType()).extracting(CountsReport.Row::windowStart, CountsReport.Row::windowEnd,
                CountsReport.Row::crimeType).containsExactly(
                org.assertj.core.groups.Tuple.tuple("2018-11-04 01:00:00", "2018-11-04 01:00:00", "A"),
                org.assertj.core.groups.Tuple.tuple("2018-11-04 01:00:00", "2018-11-04 01:00:00", "B"),
                org.assertj.core.groups.Tuple.tuple("2018-11-04 01:00:00", "2018-11-04 02:00:00", "A"));
    }

    @Test
    void namesEveryKindOfDifference() {
        CountsReport expected = sample().build();
        CountsReport changedCount = CountsReport.builder(10, 9, 1, 0)
                .add(T0, T0 + H, "Traffic Stop", "ADV", "Advised", 2)
                .add(T0, T0 + H, "Traffic Stop", null, null, 2)
                .add(T0 + H, T0 + 2 * H, "Fight", "HAN", "Handled", 4).build();
        assertThat(expected.differences(changedCount, 10)).anyMatch(d -> d.contains("Traffic Stop|ADV")
                && d.contains("expected 3, got 2"));
        CountsReport missingAndExtra = CountsReport.builder(10, 8, 2, 0)
                .add(T0, T0 + H, "Traffic Stop", "ADV", "Advised", 3)
                .add(T0, T0 + H, "Traffic Stop", "XYZ", "XYZ", 2)
                .add(T0 + H, T0 + 2 * H, "Fight", "HAN", "Handled", 4).build();
        assertThat(expected.differences(missingAndExtra, 10))
                .anyMatch(d -> d.startsWith("valid_rows: expected 9, got 8"))
                .anyMatch(d -> d.contains("unexpected row"))
                .anyMatch(d -> d.contains("|null|null]: expected 2, got null"));
        assertThat(expected.differences(sample().build(), 10)).isEmpty();
        assertThat(expected.differences(sample().invalidByReason(java.util.Map.of("wrong_type", 1L)).build(), 10))
                .containsExactly("invalid_by_reason: expected {}, got {wrong_type=1}");
        assertThat(expected.differences(missingAndExtra, 2)).hasSize(2);
    }

    @Test
    void duplicateRowsInAReportAreADifference() {
        CountsReport expected = CountsReport.builder(2, 2, 0, 0).add(T0, T0 + H, "A", "ADV", "Advised", 2).build();
        CountsReport dup = CountsReport.fromJson(Json.MAPPER.valueToTree(java.util.Map.of(
                "input_rows", 2, "valid_rows", 2, "invalid_rows", 0, "late_rows_dropped", 0,
                "by_window_crime_type", java.util.List.of(
                        java.util.Map.of("window_start", "2019-01-01 00:00:00", "window_end", "2019-01-01 01:00:00",
                                "crime_type", "A", "count", 2)),
                "by_window_crime_type_disposition", java.util.List.of(row(1), row(1)))), "dup");
        assertThat(expected.differences(dup, 10)).anyMatch(d -> d.contains("duplicate row"));
    }

    private static java.util.Map<String, Object> row(int count) {
        return java.util.Map.of("window_start", "2019-01-01 00:00:00", "window_end", "2019-01-01 01:00:00",
                "crime_type", "A", "disposition", "ADV", "disposition_description", "Advised", "count", count);
    }

    @Test
    void rejectsAReportWithoutTheContractFields() {
        assertThatThrownBy(() -> CountsReport.fromJson(Json.MAPPER.createObjectNode().put("input_rows", 1), "r.json"))
                .hasMessageContaining("r.json").hasMessageContaining("by_window_crime_type");
    }
}
