package io.sfcrime.common.metrics;

/** The Prometheus type of a metric, and the Codahale kind the job registers it as in Spark's metrics system. */
public enum MetricType {
    /** Only goes up (restarts of the driver reset it): a Codahale {@code Counter}, exported with suffix Count. */
    COUNTER("Count"),
    /** A value of this moment: a Codahale {@code Gauge}, exported with suffixes Number and Value (same value). */
    GAUGE("Value");

    private final String servletSuffix;

    MetricType(String servletSuffix) {
        this.servletSuffix = servletSuffix;
    }

    /** The suffix Spark's PrometheusServlet appends to the key of this kind (the one the scrape config keeps). */
    public String servletSuffix() {
        return servletSuffix;
    }

    public String prometheusName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
