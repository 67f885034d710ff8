package io.sfcrime.common.metrics;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobMetricsTest {
    @Test
    void namesAreUniqueAndKeysMapToTheServletNamesSparkPrints() {
        Set<String> names = new HashSet<>();
        JobMetrics.ALL.forEach(m -> assertThat(names.add(m.name())).as(m.name()).isTrue());
        assertThat(JobMetrics.INPUT_ROWS.servletName(null))
                .isEqualTo("metrics_sfcrime_driver_job_input_rows_total_Count");
        assertThat(JobMetrics.INVALID_ROWS.servletName("malformed_json"))
                .isEqualTo("metrics_sfcrime_driver_job_invalid_rows_total__reason__malformed_json_Count");
        assertThat(JobMetrics.INPUT_LAG.servletName("3"))
                .isEqualTo("metrics_sfcrime_driver_job_input_lag_records__partition__3_Value");
    }

    @Test
    void declarationsFollowPrometheusConventions() {
        assertThatThrownBy(() -> Metric.builder("sfcrime_rows").type(MetricType.COUNTER).doc("d").build())
                .hasMessageContaining("_total");
        assertThatThrownBy(() -> Metric.builder("rows_total").type(MetricType.COUNTER).doc("d").build())
                .hasMessageContaining("sfcrime_");
        assertThatThrownBy(() -> Metric.builder("sfcrime_a__b").type(MetricType.GAUGE).doc("d").build())
                .hasMessageContaining("double underscore");
        assertThatThrownBy(() -> Metric.builder("sfcrime_rows").type(MetricType.GAUGE).build())
                .hasMessageContaining("doc");
        assertThatThrownBy(() -> JobMetrics.INPUT_LAG.key("a-b")).hasMessageContaining("partition");
        assertThatThrownBy(() -> JobMetrics.INPUT_ROWS.key("x")).hasMessageContaining("no label");
    }

    @Test
    void everyLabelledMetricHasARuleForItsLabelAndTheRenameKeepsLabelValuesOutOfTheName() {
        var rules = JobMetrics.relabelRules();
        assertThat(rules).extracting(JobMetrics.Relabel::targetLabel).contains("reason", "partition", "__name__");
        // Go's RE2 and java.util.regex agree on these patterns (no back-references, lazy quantifiers only):
        // the real Prometheus applies them in SparkMetricsIT.
        for (JobMetrics.Relabel r : rules.subList(1, rules.size())) {
            String raw = JobMetrics.INVALID_ROWS.servletName("malformed_json");
            String out = raw.replaceAll("^(?:" + r.regex() + ")$", r.replacement());
            switch (r.targetLabel()) {
                case "reason" -> assertThat(out).isEqualTo("malformed_json");
                case "__name__" -> assertThat(out).isEqualTo("sfcrime_invalid_rows_total");
                default -> assertThat(out).as(r.targetLabel() + " leaves other metrics alone").isEqualTo(raw);
            }
        }
        assertThat(JobMetrics.INPUT_LAG.servletName("12").replaceAll("^(?:" + rules.get(rules.size() - 1).regex()
                + ")$", "sfcrime_$1")).isEqualTo("sfcrime_input_lag_records");
        assertThat("metrics_sfcrime_driver_job_state_rows_Number").matches(rules.get(0).regex());
    }
}
