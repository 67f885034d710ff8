package io.sfcrime.spark.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.sfcrime.common.metrics.JobMetrics;
import io.sfcrime.common.metrics.Metric;
import io.sfcrime.common.metrics.MetricType;
import org.apache.spark.SparkEnv;
import org.apache.spark.metrics.source.Source;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values of the job's declared metrics for the life of the JVM: a local SparkSession restart (new tuning)
 * registers a new Spark source over the same counters, so they keep counting. Labelled metrics get one Codahale
 * metric per label value ({@link Metric#key}); the values a declaration lists exist from the start, others (Kafka
 * partitions) are added to the current source when they first appear.
 */
public final class JobMetricSet {
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Double> gaugeValues = new ConcurrentHashMap<>();
    private final Map<String, Gauge<Double>> gauges = new ConcurrentHashMap<>();
    private MetricRegistry current;

    public JobMetricSet() {
        for (Metric m : JobMetrics.ALL) {
            if (m.label() == null) {
                metric(m, null);
            } else {
                m.labelValues().forEach(v -> metric(m, v));
            }
        }
    }

    public void inc(Metric m, long n) {
        inc(m, null, n);
    }

    public void inc(Metric m, String labelValue, long n) {
        requireType(m, MetricType.COUNTER);
        metric(m, labelValue);
        counters.get(m.key(labelValue)).inc(n);
    }

    public void set(Metric m, String labelValue, double value) {
        requireType(m, MetricType.GAUGE);
        metric(m, labelValue);
        gaugeValues.put(m.key(labelValue), value);
    }

    public void set(Metric m, double value) {
        set(m, null, value);
    }

    /** A counter's count or a gauge's value; NaN for a label value never seen. */
    public double value(Metric m, String labelValue) {
        String key = m.key(labelValue);
        if (m.type() == MetricType.COUNTER) {
            Counter c = counters.get(key);
            return c == null ? Double.NaN : c.getCount();
        }
        return gaugeValues.getOrDefault(key, Double.NaN);
    }

    private static void requireType(Metric m, MetricType type) {
        if (m.type() != type) {
            throw new IllegalArgumentException(m.name() + " is a " + m.type().prometheusName());
        }
    }

    private synchronized void metric(Metric m, String labelValue) {
        String key = m.key(labelValue);
        if (counters.containsKey(key) || gauges.containsKey(key)) {
            return;
        }
        com.codahale.metrics.Metric created;
        if (m.type() == MetricType.COUNTER) {
            Counter c = new Counter();
            counters.put(key, c);
            created = c;
        } else {
            gaugeValues.putIfAbsent(key, 0.0);
            Gauge<Double> g = () -> gaugeValues.getOrDefault(key, 0.0);
            gauges.put(key, g);
            created = g;
        }
        if (current != null) {
            current.register(key, created);
        }
    }

    /** A Spark metrics source over these values, in a registry of its own (one per SparkContext). */
    public synchronized Source newSource() {
        MetricRegistry registry = new MetricRegistry();
        counters.forEach(registry::register);
        gauges.forEach(registry::register);
        current = registry;
        return new Source() {
            @Override
            public String sourceName() {
                return JobMetrics.SOURCE;
            }

            @Override
            public MetricRegistry metricRegistry() {
                return registry;
            }
        };
    }

    /** Registers a new source with the running SparkContext's metrics system (the driver's, in this JVM). */
    public void registerWithSpark() {
        SparkEnv.get().metricsSystem().registerSource(newSource());
    }
}
