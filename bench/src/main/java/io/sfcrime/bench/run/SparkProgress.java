package io.sfcrime.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Stats;
import io.sfcrime.common.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The batches of one Spark run, read from spark-app's progress file (one {@code StreamingQueryProgress} JSON per
 * line), and what the benchmark derives from them.
 */
public final class SparkProgress {
    /**
     * One micro-batch. {@code startOffsets}/{@code endOffsets} are per partition of the (first) source;
     * {@code processedRowsPerSecond} is NaN when Spark left it out (batches without data).
     */
    public record Batch(String query, Instant start, long triggerMs, long numInputRows, double processedRowsPerSecond,
                        long stateRows, Map<Integer, Long> startOffsets, Map<Integer, Long> endOffsets,
                        Map<String, Long> durations) {
        public Instant end() {
            return start.plusMillis(triggerMs);
        }
    }

    /**
     * The query the benchmark rates: {@value #MAIN_QUERY}, the counts. spark-app used to run a second query over the
     * topic for the dead letters (now written by the counts query's scan); progress files of such runs hold both,
     * told apart by their name.
     */
    public static final String MAIN_QUERY = "calls-counts";

    /**
     * What one run's batches say (the fields of {@code Results.Rate} and {@code Results.Batches}). Rates, batch
     * counts and percentiles are the main query's; {@code drainSeconds} spans every query's batches (the job's
     * wall time for the data); {@code otherQueriesBusySeconds} is the summed batch time of the other queries.
     */
    public record Summary(long rows, int dataBatches, double rowsPerSecond, boolean warmupIncluded,
                          double drainSeconds, double batchP50Ms, double batchP95Ms, double batchMaxMs,
                          long stateRows, Map<String, Double> phaseMsMedian, double otherQueriesBusySeconds) {
        public double drainRowsPerSecond() {
            return drainSeconds > 0 ? rows / drainSeconds : Double.NaN;
        }

        public Results.Batches batches() {
            return new Results.Batches(dataBatches, Results.num(batchP50Ms), Results.num(batchP95Ms),
                    Results.num(batchMaxMs), phaseMsMedian, Results.num(otherQueriesBusySeconds));
        }
    }

    private SparkProgress() {
    }

    public static List<Batch> read(Path file) {
        try {
            return parse(Files.readAllLines(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read progress file " + file + ": " + e.getMessage(), e);
        }
    }

    public static List<Batch> parse(List<String> lines, String source) {
        List<Batch> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode p;
            try {
                p = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                // A run killed mid-write leaves a torn last line; anything else is a broken file.
                if (lineNo == lines.size()) {
                    break;
                }
                throw new IllegalArgumentException(source + " line " + lineNo + " is not JSON: " + e.getMessage());
            }
            JsonNode ts = p.get("timestamp");
            if (ts == null || !p.has("batchId")) {
                throw new IllegalArgumentException(source + " line " + lineNo
                        + " is not a StreamingQueryProgress (no timestamp or batchId)");
            }
            long stateRows = 0;
            for (JsonNode op : p.path("stateOperators")) {
                stateRows += op.path("numRowsTotal").asLong(0);
            }
            JsonNode prs = p.path("processedRowsPerSecond");
            JsonNode source0 = p.path("sources").path(0);
            Map<String, Long> durations = new TreeMap<>();
            p.path("durationMs").fields().forEachRemaining(e -> durations.put(e.getKey(), e.getValue().asLong()));
            out.add(new Batch(p.path("name").asText(""), Instant.parse(ts.asText()),
                    durations.getOrDefault("triggerExecution", 0L), p.path("numInputRows").asLong(0),
                    prs.isNumber() ? prs.asDouble() : Double.NaN, stateRows, offsets(source0.get("startOffset")),
                    offsets(source0.get("endOffset")), durations));
        }
        out.sort(Comparator.comparing(Batch::start));
        return out;
    }

    /** The main query's batches; all of them when no line names it (a job with one unnamed query). */
    public static List<Batch> mainQuery(List<Batch> batches) {
        List<Batch> main = batches.stream().filter(b -> MAIN_QUERY.equals(b.query())).toList();
        return main.isEmpty() ? batches : main;
    }

    /** Kafka source offsets are {@code {"topic":{"0":123,"1":456}}}, sometimes as a JSON string. */
    static Map<Integer, Long> offsets(JsonNode node) {
        Map<Integer, Long> m = new TreeMap<>();
        if (node == null || node.isNull()) {
            return m;
        }
        JsonNode n = node;
        if (n.isTextual()) {
            try {
                n = Json.MAPPER.readTree(n.asText());
            } catch (IOException e) {
                return m;
            }
        }
        n.fields().forEachRemaining(topic -> topic.getValue().fields().forEachRemaining(
                part -> m.merge(Integer.parseInt(part.getKey()), part.getValue().asLong(), Long::sum)));
        return m;
    }

    /**
     * The steady batches of {@code data} (batches with rows, in order) by the warm-up rule of {@link #summarize}:
     * all but the first and a short last one, or all of them when that leaves none. Shared with
     * {@link OperatorBreakdown}, so that a run's operator table is of the batches its rate is.
     */
    public static <B> List<B> steady(List<B> data, java.util.function.ToLongFunction<B> rows) {
        if (data.isEmpty()) {
            return data;
        }
        long largest = data.stream().mapToLong(rows).max().orElse(0);
        List<B> steady = new ArrayList<>(data.subList(1, data.size()));
        if (!steady.isEmpty() && rows.applyAsLong(steady.get(steady.size() - 1)) * 2 < largest) {
            steady.remove(steady.size() - 1);
        }
        return steady.isEmpty() ? data : steady;
    }

    /**
     * Warm-up: the first batch with data pays for code generation, class loading and JIT, so it is left out. So
     * is a final batch with less than half the largest batch's rows (the tail of the topic, whose fixed cost
     * would be spread over few rows). When that leaves nothing (one or two batches in all), every batch with data
     * counts and {@code warmupIncluded} says so.
     */
    public static Summary summarize(List<Batch> all) {
        List<Batch> batches = mainQuery(all);
        List<Batch> data = batches.stream().filter(b -> b.numInputRows() > 0).toList();
        long rows = data.stream().mapToLong(Batch::numInputRows).sum();
        if (data.isEmpty()) {
            return new Summary(0, 0, Double.NaN, false, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Map.of(), 0);
        }
        List<Batch> allData = all.stream().filter(b -> b.numInputRows() > 0).toList();
        double others = all.stream().filter(b -> !batches.contains(b) && b.numInputRows() > 0)
                .mapToLong(Batch::triggerMs).sum() / 1e3;
        List<Batch> steady = steady(data, Batch::numInputRows);
        boolean warmupIncluded = steady.size() == data.size();
        double rate = Stats.median(steady.stream().map(Batch::processedRowsPerSecond)
                .filter(d -> !Double.isNaN(d)).toList());
        List<Long> durations = data.stream().map(Batch::triggerMs).toList();
        long firstStart = allData.stream().mapToLong(b -> b.start().toEpochMilli()).min().orElseThrow();
        long lastEnd = allData.stream().mapToLong(b -> b.end().toEpochMilli()).max().orElseThrow();
        double drain = (lastEnd - firstStart) / 1e3;
        long stateRows = batches.get(batches.size() - 1).stateRows();
        // Where a steady batch's time goes (Spark's durationMs phases: addBatch, walCommit, queryPlanning, ...).
        Map<String, Double> phases = new TreeMap<>();
        List<Batch> steadyFinal = steady;
        steady.get(0).durations().keySet().forEach(k -> phases.put(k, Stats.median(steadyFinal.stream()
                .map(b -> b.durations().getOrDefault(k, 0L)).toList())));
        return new Summary(rows, data.size(), rate, warmupIncluded, drain,
                Stats.quantile(durations, 0.5), Stats.quantile(durations, 0.95),
                durations.stream().mapToLong(Long::longValue).max().orElse(0), stateRows, phases, others);
    }
}
