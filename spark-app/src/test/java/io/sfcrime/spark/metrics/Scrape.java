package io.sfcrime.spark.metrics;

import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** One scrape of a Prometheus text endpoint, parsed by a real text-format parser: sample name → value. */
record Scrape(String text, Map<String, Double> values) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static Scrape of(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body());
    }

    static Scrape parse(String text) throws IOException {
        Map<String, Double> values = new HashMap<>();
        TextPrometheusMetricDataParser parser = new TextPrometheusMetricDataParser(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        for (MetricFamily f = parser.parse(); f != null; f = parser.parse()) {
            for (Metric m : f.getMetrics()) {
                values.put(m.getName(), value(m));
            }
        }
        return new Scrape(text, values);
    }

    /** Samples without a {@code # TYPE} line (all of Spark's servlet output) come out as gauges. */
    private static double value(Metric m) {
        if (m instanceof Gauge g) {
            return g.getValue();
        }
        if (m instanceof Counter c) {
            return c.getValue();
        }
        throw new IllegalStateException("unexpected metric kind " + m.getClass().getSimpleName() + " for " + m.getName());
    }

    /** A sample by name; fails when the endpoint did not have it. */
    double get(String name) {
        Double v = values.get(name);
        if (v == null) {
            throw new AssertionError("no sample " + name + " in the scrape:\n" + text);
        }
        return v;
    }
}
