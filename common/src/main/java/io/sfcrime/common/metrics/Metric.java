package io.sfcrime.common.metrics;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One metric of the job, declared once: its Prometheus name, type, optional label and doc. The job registers it in
 * Spark's metrics system from this declaration, docs/metrics.md and the scrape configs' relabel rules are generated
 * from it, and the dashboard test checks queries against it. Built with {@link #builder(String)}.
 * <p>
 * Spark's Prometheus servlet cannot emit labels (Codahale metrics have names only), so a labelled metric is one
 * Codahale metric per label value, keyed {@code <name>__<label>__<value>}; the relabel rules ({@link JobMetrics})
 * turn those back into one Prometheus metric with the label.
 */
public final class Metric {
    private static final Pattern NAME = Pattern.compile(JobMetrics.PREFIX + "[a-z][a-z0-9_]*[a-z0-9]");
    private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9]*");

    private final String name;
    private final MetricType type;
    private final String label;
    private final List<String> labelValues;
    private final String doc;

    private Metric(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        if (!NAME.matcher(name).matches() || name.contains("__")) {
            throw new IllegalStateException(name + ": a metric name is " + JobMetrics.PREFIX
                    + "lower_snake_case (no double underscore)");
        }
        this.type = Objects.requireNonNull(b.type, () -> name + ": type");
        if (type == MetricType.COUNTER != name.endsWith("_total")) {
            throw new IllegalStateException(name + ": counters, and only counters, end in _total");
        }
        this.doc = Objects.requireNonNull(b.doc, () -> name + ": doc");
        this.label = b.label;
        if (label != null && !LABEL.matcher(label).matches()) {
            throw new IllegalStateException(name + ": label " + label + " is not lower-case alphanumeric");
        }
        this.labelValues = b.labelValues == null ? List.of() : List.copyOf(b.labelValues);
        if (label == null && !labelValues.isEmpty()) {
            throw new IllegalStateException(name + ": label values without a label");
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public MetricType type() {
        return type;
    }

    /** The label's name, or null for a metric without one. */
    public String label() {
        return label;
    }

    /** The label values known up front (registered at start, so they read 0); others are added as they appear. */
    public List<String> labelValues() {
        return labelValues;
    }

    public String doc() {
        return doc;
    }

    /** The Codahale key inside the job's metrics source: the name without the prefix, and the label if any. */
    public String key(String labelValue) {
        String base = name.substring(JobMetrics.PREFIX.length());
        if (label == null) {
            if (labelValue != null) {
                throw new IllegalArgumentException(name + " has no label");
            }
            return base;
        }
        if (labelValue == null || !labelValue.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException(name + ": label " + label + " needs a value of letters, digits and _, got "
                    + labelValue);
        }
        return base + "__" + label + "__" + labelValue;
    }

    /** The name Spark's PrometheusServlet gives it on the driver, before any relabelling. */
    public String servletName(String labelValue) {
        return JobMetrics.SERVLET_PREFIX + key(labelValue) + "_" + type.servletSuffix();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Name, type and doc are required. */
    public static final class Builder {
        private final String name;
        private MetricType type;
        private String label;
        private List<String> labelValues;
        private String doc;

        private Builder(String name) {
            this.name = name;
        }

        public Builder type(MetricType type) {
            this.type = type;
            return this;
        }

        /** A label whose values appear while the job runs (such as Kafka partitions). */
        public Builder label(String label) {
            this.label = label;
            return this;
        }

        /** A label with a fixed set of values, each registered at start so it reads 0 until it happens. */
        public Builder label(String label, List<String> values) {
            this.label = label;
            this.labelValues = values;
            return this;
        }

        public Builder doc(String doc) {
            this.doc = doc;
            return this;
        }

        public Metric build() {
            return new Metric(this);
        }
    }
}
