package io.sfcrime.common.metrics;

import java.util.List;

/**
 * docs/metrics.md from the declarations in {@link JobMetrics}: every metric, its type, label, doc and the name Spark's
 * servlet gives it, the relabel rules, and what the consumer group is (and is not). {@code make docs} writes it;
 * {@code GeneratedFilesTest} fails when the committed file is stale.
 */
public final class MetricsDocs {
    public static final String FILE = "docs/metrics.md";

    private MetricsDocs() {
    }

    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Metrics reference\n\n")
                .append("Generated from `io.sfcrime.common.metrics.JobMetrics` by `make docs`; do not edit by hand.\n\n")
                .append("The driver serves Prometheus text on the Spark UI port through Spark's own metrics system ")
                .append("(no second HTTP server):\n\n")
                .append("- `").append(JobMetrics.DRIVER_PATH).append("`: the job's metrics below, Spark's driver ")
                .append("metrics, and each streaming query's metrics (`spark.sql.streaming.metricsEnabled`: source ")
                .append("`spark.streaming.<query name>`, e.g. `metrics_sfcrime_driver_spark_streaming_calls_counts_")
                .append("inputRate_total_Value`);\n")
                .append("- `").append(JobMetrics.EXECUTORS_PATH).append("`: executor metrics ")
                .append("(`spark.ui.prometheus.enabled`).\n\n")
                .append("`spark.metrics.namespace` is fixed to `").append(JobMetrics.NAMESPACE)
                .append("`, so names do not change with the application id. Locally: `make run` prints the URL, ")
                .append("`make prometheus` scrapes it; on Kubernetes `metrics.enabled` adds a PodMonitor and a ")
                .append("Grafana dashboard (helm/README.md).\n\n")
                .append("## Names\n\n")
                .append("Spark's Prometheus servlet (`PrometheusServlet` in Spark 3.5.3) builds each name from the ")
                .append("Codahale key, `metrics_<namespace>_driver_<source>_<key>_<Count|Value|Number>`, adds a ")
                .append("`type` label (`counters`, `gauges`) and no `# TYPE` lines, and cannot carry labels. The job ")
                .append("therefore registers a labelled metric once per label value, keyed `<name>__<label>__<value>`, ")
                .append("and every scrape config this project ships (the chart's PodMonitor, `make prometheus`) ")
                .append("carries the relabel rules below, which store the declared name with its label. A counter ")
                .append("restarts from 0 when the driver does; `rate()` handles that.\n\n")
                .append("| metric (stored) | type | label | description | on the driver endpoint |\n")
                .append("|---|---|---|---|---|\n");
        for (Metric m : JobMetrics.ALL) {
            String example = m.servletName(m.label() == null ? null
                    : m.labelValues().isEmpty() ? "0" : m.labelValues().get(0));
            out.append("| `").append(m.name()).append("` | ").append(m.type().prometheusName()).append(" | ")
                    .append(m.label() == null ? "" : "`" + m.label() + "`" + values(m.labelValues())).append(" | ")
                    .append(m.doc().replace("|", "\\|")).append(" | `").append(example).append("` |\n");
        }
        out.append("\n## Relabel rules\n\n")
                .append("As Prometheus `metric_relabel_configs` (the PodMonitor has the same rules as ")
                .append("`metricRelabelings`):\n\n```yaml\nmetric_relabel_configs:\n");
        JobMetrics.prometheusYaml(2).forEach(l -> out.append(l).append('\n'));
        out.append("```\n\n")
                .append("## Consumer-group offsets\n\n")
                .append("Spark's Kafka source keeps its offsets in the checkpoint and commits none to Kafka, so lag ")
                .append("tools see nothing. After each completed batch the job commits the offsets it has processed ")
                .append("to the consumer group `--consumer-group` ")
                .append("(default `<app name>-spark`; the chart passes `<release>-spark`) with the admin client. ")
                .append("`kafka-consumer-groups --describe`, Kafka Exporter (`kafka_consumergroup_lag`) and Burrow ")
                .append("then show the job's lag. **The checkpoint stays the only source of truth for resuming**: ")
                .append("the committed offsets are never read back, and resetting them changes nothing. A failed ")
                .append("commit is logged and counted (`sfcrime_offset_commit_failures_total`), never fatal; the next ")
                .append("batch commits again.\n");
        return out.toString();
    }

    private static String values(List<String> values) {
        return values.isEmpty() ? "" : ": " + String.join(", ", values);
    }
}
