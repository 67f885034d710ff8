package io.sfcrime.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Stats;
import io.sfcrime.common.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a Spark run's batches spend their time by operator: spark-app's {@code --operator-metrics-file} (Spark's
 * SQL metrics of each micro-batch's executed plan and of the sink's actions, with each plan node's category) and
 * the progress file (batch time, the state store's own metrics), for the counts query.
 * <p>
 * A part is a category and what Spark measures for it. A code-generated stage's {@code duration} covers all the
 * operators it fused, so its part names all their categories: Spark gives no split. It runs from the stage's first
 * row to its last and so holds the stages it pulls rows from in the same task: those are subtracted
 * ({@link #upstream}). SQL timing metrics are summed
 * over the batch's tasks, which run side by side on the cores, so parts can add up to more than the batch's wall
 * time; a metric inside a stage that is itself timed (the aggregation build time) is {@code nested} and not added.
 * The sink's own wall times are the driver's part. The JVM's counters over the micro-batch (JIT compilation, GC
 * pauses, process CPU) are a part of their own: what the process spent besides the job, a fresh JVM most of all.
 */
public final class OperatorBreakdown {
    static final String COUNTS = SparkProgress.MAIN_QUERY;
    private static final Map<String, String> LABELS = Map.of("kafka_read", "Kafka read and decode",
            "parse", "parse and validate", "fan_out", "fan-out to the count levels",
            "aggregation", "aggregation and state store", "join", "radio-code join", "encoding", "results encoding",
            "kafka_write", "Kafka write", "other", "other");
    private static final List<String> ORDER = List.of("kafka_read", "parse", "fan_out", "aggregation", "join",
            "encoding", "kafka_write", "other");
    private static final String DRIVER = "driver work in foreachBatch";
    private static final String STAGE_MEASURE = "WholeStageCodegen duration less the stages it reads in the same "
            + "tasks (one number for all it fused)";
    private static final Map<String, String> DRIVER_STEPS = new LinkedHashMap<>();
    /** The JVM's own work during a micro-batch (spark-app's {@code jvm_ms}): not the job's, beside it. */
    public static final String JVM = "the JVM itself (whole process)";
    /** Keys of spark-app's {@code jvm_ms}: JIT compilation, GC pauses and process CPU over the micro-batch. */
    public static final String JIT_COMPILE = "jit_compile";
    public static final String GC_PAUSE = "gc_pause";
    public static final String PROCESS_CPU = "process_cpu";
    /** On Linux: CPU of HotSpot's compiler threads, its GC threads, and Spark's executor task threads. */
    public static final String JIT_CPU = "jit_cpu";
    public static final String GC_CPU = "gc_cpu";
    public static final String TASK_CPU = "task_cpu";
    private static final Map<String, String> JVM_COUNTERS = new LinkedHashMap<>();

    static {
        JVM_COUNTERS.put(JIT_COMPILE, "JIT compilation, summed over the compiler threads");
        JVM_COUNTERS.put(GC_PAUSE, "GC pauses");
        JVM_COUNTERS.put(PROCESS_CPU, "CPU of all its threads (up to cores × wall time)");
        JVM_COUNTERS.put(JIT_CPU, "CPU of the JIT compiler threads");
        JVM_COUNTERS.put(GC_CPU, "CPU of the GC threads");
        JVM_COUNTERS.put(TASK_CPU, "CPU of the executor task threads");
        DRIVER_STEPS.put("kafka_write_action", "write action, wall (runs the lazy micro-batch plan too)");
        DRIVER_STEPS.put("collect", "collect of the updated rows to the driver, wall");
        DRIVER_STEPS.put("fold", "fold of the rows on the driver, wall");
        DRIVER_STEPS.put("snapshot", "totals snapshot, wall");
    }

    /** The measure label of one {@code jvm_ms} counter in the parts (category {@link #JVM}). */
    public static String jvmMeasure(String counter) {
        return JVM_COUNTERS.get(counter);
    }

    /** One part of a batch's time: {@code category} (" + " joined when fused), what Spark measures, milliseconds. */
    public record Part(String category, String measure, Double msMedian, boolean nested) {
    }

    /** One batch: its id, wall time (triggerExecution), input rows, and milliseconds by "category | measure". */
    public record Batch(long batchId, Long batchMs, long rows, Map<String, Double> ms) {
    }

    /** What the results file keeps of one run: the steady batches' medians, then every batch. */
    public record Summary(String profile, String run, int steadyBatches, Double batchMsMedian, List<Part> parts,
                          Map<String, Double> stateStore, List<Batch> batches) {
    }

    private OperatorBreakdown() {
    }

    /** The breakdown of one run, or null when the run wrote no operator metrics. */
    public static Summary read(String profile, String run, Path operators, Path progress) {
        if (!Files.exists(operators)) {
            return null;
        }
        try {
            return summarize(profile, run, Files.readAllLines(operators), Files.readAllLines(progress));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + operators + ": " + e.getMessage(), e);
        }
    }

    static Summary summarize(String profile, String run, List<String> operatorLines, List<String> progressLines)
            throws IOException {
        Map<Long, JsonNode> progress = new HashMap<>();
        for (String l : progressLines) {
            if (!l.isBlank()) {
                JsonNode p = Json.MAPPER.readTree(l);
                if (COUNTS.equals(p.path("name").asText())) {
                    progress.put(p.path("batchId").asLong(), p);
                }
            }
        }
        List<Batch> batches = new ArrayList<>();
        Map<String, Boolean> nested = new LinkedHashMap<>();
        for (String l : operatorLines) {
            if (l.isBlank()) {
                continue;
            }
            JsonNode line = Json.MAPPER.readTree(l);
            if (!COUNTS.equals(line.path("query").asText())) {
                continue;
            }
            long id = line.path("batch_id").asLong();
            JsonNode p = progress.get(id);
            long rows = p == null ? 0 : p.path("numInputRows").asLong();
            if (rows == 0) {
                continue;
            }
            Map<String, Double> ms = new LinkedHashMap<>();
            List<JsonNode> nodes = new ArrayList<>();
            line.path("nodes").forEach(nodes::add);
            for (JsonNode n : nodes) {
                String name = n.path("name").asText();
                // A state store's times run inside the loop of the stage that reads its rows.
                boolean inStage = n.has("stage") || name.startsWith("StateStore");
                String category = n.has("fused") ? fusedLabel(n.get("fused")) : label(n.path("category").asText());
                n.path("ms").fields().forEachRemaining(m -> {
                    boolean stage = n.has("fused") && m.getKey().equals("duration");
                    String measure = stage ? STAGE_MEASURE : name + ": " + m.getKey()
                            + (inStage ? n.has("stage") ? " (within its stage)" : " (within the stage reading it)" : "");
                    double v = stage ? Math.max(0, m.getValue().asDouble() - upstream(nodes, n, line))
                            : m.getValue().asDouble();
                    String key = category + " | " + measure;
                    ms.merge(key, v, Double::sum);
                    nested.put(key, inStage);
                });
            }
            line.path("driver_ms").fields().forEachRemaining(d -> {
                if (DRIVER_STEPS.containsKey(d.getKey())) {
                    String key = DRIVER + " | " + DRIVER_STEPS.get(d.getKey());
                    ms.put(key, d.getValue().asDouble());
                    nested.put(key, false);
                }
            });
            line.path("jvm_ms").fields().forEachRemaining(d -> {
                if (JVM_COUNTERS.containsKey(d.getKey())) {
                    String key = JVM + " | " + JVM_COUNTERS.get(d.getKey());
                    ms.put(key, d.getValue().asDouble());
                    nested.put(key, false);
                }
            });
            batches.add(new Batch(id, p.path("durationMs").path("triggerExecution").asLong(), rows, ms));
        }
        batches.sort((a, b) -> Long.compare(a.batchId(), b.batchId()));
        List<Batch> steady = SparkProgress.steady(batches, Batch::rows);
        List<Part> parts = new ArrayList<>();
        nested.forEach((key, isNested) -> {
            String[] kv = key.split(" \\| ", 2);
            parts.add(new Part(kv[0], kv[1], Results.num(Stats.median(steady.stream()
                    .map(b -> b.ms().getOrDefault(key, 0.0)).toList())), isNested));
        });
        double batchMs = Stats.median(steady.stream().map(Batch::batchMs).toList());
        return new Summary(profile, run, steady.size(), Results.num(batchMs), parts,
                stateStore(steady.stream().map(b -> progress.get(b.batchId())).toList()), batches);
    }

    /**
     * The durations of the code-generated stages {@code stage} pulls its rows from in the same tasks: Spark times a
     * stage from its first to its last row, so its duration holds theirs. Down the plan to the next stage, not past a
     * shuffle or broadcast (other tasks); a sink's scan of the micro-batch's rows reads the batch plan's top stage.
     */
    static double upstream(List<JsonNode> nodes, JsonNode stage, JsonNode line) {
        double sum = 0;
        List<JsonNode> todo = new ArrayList<>(children(nodes, stage));
        while (!todo.isEmpty()) {
            JsonNode n = todo.remove(todo.size() - 1);
            String name = n.path("name").asText();
            if (n.has("fused")) {
                sum += n.path("ms").path("duration").asDouble();
            } else if (name.equals("Scan ExistingRDD")) {
                JsonNode top = nodes.stream().filter(x -> x.path("execution").asLong() == line.path("execution_id")
                        .asLong() && !x.has("parent")).findFirst().orElse(null);
                if (top != null && top.has("fused")) {
                    sum += top.path("ms").path("duration").asDouble();
                }
            } else if (!name.contains("Exchange") && !name.contains("QueryStage")) {
                todo.addAll(children(nodes, n));
            }
        }
        return sum;
    }

    private static List<JsonNode> children(List<JsonNode> nodes, JsonNode parent) {
        int id = parent.path("id").asInt(-1);
        return nodes.stream().filter(n -> n.has("parent") && n.path("parent").asInt() == id).toList();
    }

    /** The state store's own numbers of the progress (stateOperators, summed over operators): steady medians. */
    static Map<String, Double> stateStore(List<JsonNode> progress) {
        Map<String, List<Double>> values = new TreeMap<>();
        for (JsonNode p : progress) {
            Map<String, Double> batch = new TreeMap<>();
            for (JsonNode op : p.path("stateOperators")) {
                op.fields().forEachRemaining(f -> {
                    if (f.getValue().isNumber()) {
                        batch.merge(f.getKey(), f.getValue().asDouble(), Double::sum);
                    }
                });
                op.path("customMetrics").fields().forEachRemaining(f ->
                        batch.merge(f.getKey(), f.getValue().asDouble(), Double::sum));
            }
            batch.forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        Map<String, Double> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, Results.num(Stats.median(v))));
        return out;
    }

    static String label(String category) {
        return LABELS.getOrDefault(category, category);
    }

    /** The categories of a fused stage in pipeline order, " + " joined. */
    static String fusedLabel(JsonNode fused) {
        List<String> keys = new ArrayList<>();
        fused.forEach(f -> keys.add(f.asText()));
        keys.sort((a, b) -> Integer.compare(ORDER.indexOf(a), ORDER.indexOf(b)));
        return String.join(" + ", keys.stream().map(OperatorBreakdown::label).toList());
    }
}
