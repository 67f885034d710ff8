package io.sfcrime.common.metrics;

import io.sfcrime.common.Invalid;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every metric the job exports, declared once ({@link Metric}), and how their names travel: the job registers them
 * in Spark's metrics system as the source {@value #SOURCE} under the fixed namespace {@value #NAMESPACE}, Spark's
 * Prometheus servlet prints them as {@code metrics_sfcrime_driver_job_<key>_Count} (or {@code _Value}), and the
 * {@link #relabelRules() relabel rules} in every scrape config (chart and {@code make prometheus}) store them under
 * their declared names with their labels.
 */
public final class JobMetrics {
    /** Every declared metric name starts with this. */
    public static final String PREFIX = "sfcrime_";
    /** {@code spark.metrics.namespace}: fixed, so the names do not carry the application id. */
    public static final String NAMESPACE = "sfcrime";
    /** The job's Spark metrics source name. */
    public static final String SOURCE = "job";
    /** What Spark's PrometheusServlet puts before a key of the job's source on the driver. */
    public static final String SERVLET_PREFIX = "metrics_" + NAMESPACE + "_driver_" + SOURCE + "_";
    /**
     * Where the driver serves the job's and Spark's metrics, on the Spark UI port. Spark mounts the servlet at
     * {@code /metrics/prometheus} and its Jetty answers that with a redirect to this (trailing slash) address.
     */
    public static final String DRIVER_PATH = "/metrics/prometheus/";
    /** Where the driver serves the executors' metrics ({@code spark.ui.prometheus.enabled}). */
    public static final String EXECUTORS_PATH = "/metrics/executors/prometheus";

    public static final Metric INPUT_ROWS = Metric.builder("sfcrime_input_rows_total").type(MetricType.COUNTER)
            .doc("Kafka records the counts query has read: the sum of numInputRows over its batches.")
            .build();
    public static final Metric VALID_ROWS = Metric.builder("sfcrime_valid_rows_total").type(MetricType.COUNTER)
            .doc("Input records that passed validation, from the exact counters the counts query keeps in its state "
                    + "(a replayed batch is not counted twice).")
            .build();
    public static final Metric INVALID_ROWS = Metric.builder("sfcrime_invalid_rows_total").type(MetricType.COUNTER)
            .label("reason", Invalid.CODES)
            .doc("Input records refused by validation, by reason (the code in the dead-letter record's header).")
            .build();
    public static final Metric LATE_ROWS = Metric.builder("sfcrime_late_rows_dropped_total").type(MetricType.COUNTER)
            .doc("Valid records dropped because their event time was behind the watermark (valid minus counted).")
            .build();
    public static final Metric DEAD_LETTERED_ROWS = Metric.builder("sfcrime_dead_lettered_rows_total")
            .type(MetricType.COUNTER)
            .doc("Records the counts query's tasks wrote to the dead-letter topic, counted once the broker "
                    + "acknowledged them and the task succeeded (a replayed batch writes and counts them again).")
            .build();
    public static final Metric BATCHES = Metric.builder("sfcrime_batches_total").type(MetricType.COUNTER)
            .doc("Micro-batches the counts query has completed.")
            .build();
    public static final Metric LAST_BATCH_DURATION = Metric.builder("sfcrime_last_batch_duration_seconds")
            .type(MetricType.GAUGE)
            .doc("Wall-clock time of the counts query's latest batch (triggerExecution in its progress).")
            .build();
    public static final Metric STATE_ROWS = Metric.builder("sfcrime_state_rows").type(MetricType.GAUGE)
            .doc("Rows held in the counts query's aggregation state after its latest batch (numRowsTotal).")
            .build();
    public static final Metric INPUT_LAG = Metric.builder("sfcrime_input_lag_records").type(MetricType.GAUGE)
            .label("partition")
            .doc("Records of the input topic the job has not processed yet, per partition: the partition's latest "
                    + "offset minus the offset the job has processed, measured after each completed batch.")
            .build();
    public static final Metric OFFSET_COMMITS = Metric.builder("sfcrime_offset_commits_total")
            .type(MetricType.COUNTER)
            .doc("Processed offsets committed to the job's consumer group for lag tools (never read back).")
            .build();
    public static final Metric OFFSET_COMMIT_FAILURES = Metric.builder("sfcrime_offset_commit_failures_total")
            .type(MetricType.COUNTER)
            .doc("Commits to the consumer group that failed; logged and retried with the next batch, never fatal.")
            .build();
    public static final Metric TUNING_APPLIED = Metric.builder("sfcrime_tuning_changes_applied_total")
            .type(MetricType.COUNTER)
            .doc("Tuning change steps applied while the job ran (live, query restart, executor count, restart).")
            .build();
    public static final Metric TUNING_REJECTED = Metric.builder("sfcrime_tuning_changes_rejected_total")
            .type(MetricType.COUNTER)
            .doc("Tuning keys refused in a new tuning version (invalid, or fixed by the checkpoint).")
            .build();
    public static final Metric QUERY_RESTARTS = Metric.builder("sfcrime_query_restarts_total")
            .type(MetricType.COUNTER)
            .doc("Restarts of queries from their checkpoint by a tuning change (one per change step, whichever "
                    + "queries it restarts).")
            .build();

    public static final List<Metric> ALL = List.of(INPUT_ROWS, VALID_ROWS, INVALID_ROWS, LATE_ROWS,
            DEAD_LETTERED_ROWS, BATCHES, LAST_BATCH_DURATION, STATE_ROWS, INPUT_LAG, OFFSET_COMMITS,
            OFFSET_COMMIT_FAILURES, TUNING_APPLIED, TUNING_REJECTED, QUERY_RESTARTS);

    private JobMetrics() {
    }

    public static Optional<Metric> byName(String name) {
        return ALL.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** One {@code metric_relabel_configs} entry; every rule reads {@code __name__}. */
    public record Relabel(String action, String regex, String targetLabel, String replacement) {
    }

    /**
     * Rules that store the servlet's names as declared: drop the duplicate {@code _Number} of each gauge, copy each
     * label out of its key, then rename. Everything else on the endpoint (Spark's own metrics) is left as it is.
     */
    public static List<Relabel> relabelRules() {
        String any = "(?:" + MetricType.COUNTER.servletSuffix() + "|" + MetricType.GAUGE.servletSuffix() + ")";
        List<Relabel> rules = new java.util.ArrayList<>();
        rules.add(new Relabel("drop", SERVLET_PREFIX + ".+_Number", null, null));
        for (String label : labels()) {
            rules.add(new Relabel("replace", SERVLET_PREFIX + "[a-z0-9_]+?__" + label + "__([A-Za-z0-9_]+)_" + any,
                    label, "$1"));
        }
        rules.add(new Relabel("replace", SERVLET_PREFIX + "([a-z0-9_]+?)(?:__[a-z0-9]+__[A-Za-z0-9_]+)?_" + any,
                "__name__", PREFIX + "$1"));
        return rules;
    }

    private static Set<String> labels() {
        Set<String> labels = new LinkedHashSet<>();
        ALL.stream().filter(m -> m.label() != null).forEach(m -> labels.add(m.label()));
        return labels;
    }

    /** The rules as a Prometheus {@code metric_relabel_configs} list, indented by {@code indent} spaces. */
    public static List<String> prometheusYaml(int indent) {
        return yaml(indent, "source_labels", "target_label");
    }

    /** The rules as a Prometheus operator {@code metricRelabelings} list (PodMonitor, ServiceMonitor). */
    public static List<String> operatorYaml(int indent) {
        return yaml(indent, "sourceLabels", "targetLabel");
    }

    private static List<String> yaml(int indent, String sourceLabels, String targetLabel) {
        String pad = " ".repeat(indent);
        List<String> lines = new java.util.ArrayList<>();
        for (Relabel r : relabelRules()) {
            lines.add(pad + "- " + sourceLabels + ": [__name__]");
            lines.add(pad + "  action: " + r.action());
            lines.add(pad + "  regex: '" + r.regex() + "'");
            if (r.targetLabel() != null) {
                lines.add(pad + "  " + targetLabel + ": " + r.targetLabel());
                lines.add(pad + "  replacement: '" + r.replacement() + "'");
            }
        }
        return lines;
    }
}
