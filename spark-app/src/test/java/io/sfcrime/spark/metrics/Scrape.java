package io.sfcrime.spark.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus text endpoint: sample name → value. Spark's servlet writes no {@code # TYPE} lines and
 * the one Java parser of the format on Maven Central that was tried (hawkular prometheus-scraper 0.23) refuses such
 * samples ("Need to set type"), so this reads the format's sample lines strictly (any other line fails the scrape);
 * MetricsIT checks that the real Prometheus reads the same values from the same endpoint.
 */
record Scrape(String text, Map<String, Double> values) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** name, optional {labels}, value (a float, NaN or ±Inf), optional timestamp. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:\\s*[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\"\\s*,?)*})?"
                    + " ([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|Inf))(?: -?[0-9]+)?");

    static Scrape of(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body());
    }

    static Scrape parse(String text) {
        Map<String, Double> values = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a Prometheus text-format sample: " + line);
            }
            String v = m.group(3);
            values.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)),
                    v.endsWith("Inf") ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                            : Double.parseDouble(v));
        }
        return new Scrape(text, values);
    }

    /** The sample of a metric of the driver's job source (label type="counters" or "gauges" as Spark writes it). */
    double get(String name) {
        for (String type : new String[]{"counters", "gauges"}) {
            Double v = values.get(name + "{type=\"" + type + "\"}");
            if (v != null) {
                return v;
            }
        }
        throw new AssertionError("no sample " + name + " in the scrape:\n" + text);
    }
}
