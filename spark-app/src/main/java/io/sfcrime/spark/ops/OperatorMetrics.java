package io.sfcrime.spark.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.streaming.IncrementalExecution;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --operator-metrics-file}: one JSON line per micro-batch of every streaming query, with Spark's own SQL
 * metrics of the batch's executed plan and of the actions the sink ran inside it, per plan node and
 * {@link PlanNodes.Category}, plus the driver's own timings of the results sink and what the JVM spent on JIT
 * compilation, GC pauses and CPU meanwhile ({@link JvmWork}). Off unless the option is given;
 * it only reads what Spark measures anyway, after each execution has ended.
 * <p>
 * A micro-batch is one SQL execution (an {@link IncrementalExecution}, which knows its query and batch); the actions
 * a {@code foreachBatch} function runs (the Kafka write, the collect) are executions nested in it, whose start
 * events name it as their root. They end before it, so at its end everything of the batch is here.
 */
public final class OperatorMetrics extends SparkListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorMetrics.class);

    private record Ended(long id, String name, long durationMs, QueryExecution qe) {
    }

    private final SparkSession spark;
    private final Path file;
    private final BufferedWriter out;
    private final Map<Long, Long> rootOf = new HashMap<>();
    private final Map<Long, List<Ended>> nested = new HashMap<>();
    private final Map<String, Map<String, Double>> driver = new HashMap<>();
    /** The JVM's counters at the start of each root execution still running (a micro-batch or another action). */
    private final Map<Long, JvmWork> jvmAtStart = new HashMap<>();

    private OperatorMetrics(SparkSession spark, Path file) throws IOException {
        this.spark = spark;
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** A collector writing to {@code file}, registered with the session's Spark context; null when file is null. */
    public static OperatorMetrics register(SparkSession spark, Path file) throws IOException {
        if (file == null) {
            return null;
        }
        OperatorMetrics m = new OperatorMetrics(spark, file);
        spark.sparkContext().addSparkListener(m);
        return m;
    }

    /**
     * The results sink's own wall times of one batch (milliseconds by step), called before the batch ends: they go
     * into that batch's line under {@code driver_ms}.
     */
    public synchronized void driverTimes(String queryId, long batchId, Map<String, Double> ms) {
        driver.put(queryId + "/" + batchId, ms);
    }

    @Override
    public void onOtherEvent(SparkListenerEvent event) {
        try {
            if (event instanceof SparkListenerSQLExecutionStart s) {
                started(s);
            } else if (event instanceof SparkListenerSQLExecutionEnd e) {
                ended(e);
            }
        } catch (RuntimeException e) {
            // A measurement must never touch the job: log and go on.
            LOG.warn("operator metrics: cannot record an execution: {}", e.toString());
        }
    }

    private synchronized void started(SparkListenerSQLExecutionStart s) {
        long root = s.rootExecutionId().isDefined() ? (Long) s.rootExecutionId().get() : s.executionId();
        if (root != s.executionId()) {
            rootOf.put(s.executionId(), root);
        } else {
            // Read on the listener bus, a few ms after the execution started: the counters move in seconds.
            jvmAtStart.put(root, JvmWork.now());
        }
    }

    private synchronized void ended(SparkListenerSQLExecutionEnd e) {
        Long root = rootOf.remove(e.executionId());
        String name = e.executionName().isDefined() ? e.executionName().get() : null;
        if (root != null) {
            nested.computeIfAbsent(root, k -> new ArrayList<>())
                    .add(new Ended(e.executionId(), name, e.duration() / 1_000_000, e.qe()));
            return;
        }
        List<Ended> inner = nested.remove(e.executionId());
        JvmWork atStart = jvmAtStart.remove(e.executionId());
        if (e.qe() instanceof IncrementalExecution batch) {
            ObjectNode line = line(e, name, batch, inner == null ? List.of() : inner);
            if (atStart != null) {
                ObjectNode jvm = line.putObject("jvm_ms");
                JvmWork.now().since(atStart).forEach(jvm::put);
            }
            write(line);
        }
    }

    private ObjectNode line(SparkListenerSQLExecutionEnd e, String name, IncrementalExecution batch,
                            List<Ended> inner) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        String queryId = batch.queryId().toString();
        line.put("query", queryName(batch));
        line.put("query_id", queryId);
        line.put("batch_id", batch.currentBatchId());
        line.put("execution_id", e.executionId());
        line.put("duration_ms", e.duration() / 1_000_000);
        if (e.executionFailure().isDefined()) {
            line.put("failed", e.executionFailure().get().toString());
        }
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        ArrayNode executions = line.putArray("executions");
        ArrayNode nodes = line.putArray("nodes");
        addExecution(executions, nodes, e.executionId(), name == null ? "micro-batch" : name,
                e.duration() / 1_000_000, batch, false, seen);
        for (Ended x : inner) {
            // An action on the batch's own Dataset (a Kafka sink's collect) runs the batch plan itself: listed once.
            addExecution(executions, nodes, x.id(), x.name(), x.durationMs(), x.qe(), x.qe() != batch, seen);
        }
        Map<String, Double> d;
        synchronized (this) {
            d = driver.remove(queryId + "/" + batch.currentBatchId());
        }
        if (d != null) {
            ObjectNode dm = line.putObject("driver_ms");
            d.forEach(dm::put);
        }
        return line;
    }

    private static void addExecution(ArrayNode executions, ArrayNode nodes, long id, String name, long durationMs,
                                     QueryExecution qe, boolean inSink, Map<Object, Boolean> seen) {
        ObjectNode x = executions.addObject();
        x.put("id", id);
        x.put("name", name);
        x.put("duration_ms", durationMs);
        x.put("in_sink", inSink);
        if (qe == null) {
            return;
        }
        int base = nodes.size(); // ids and parents index the line's node list
        for (ObjectNode n : PlanNodes.describe(qe.executedPlan(), inSink, seen)) {
            n.put("id", base + n.get("id").asInt());
            if (n.has("parent")) {
                n.put("parent", base + n.get("parent").asInt());
            }
            n.put("execution", id);
            nodes.add(n);
        }
    }

    private String queryName(IncrementalExecution batch) {
        StreamingQuery q = spark.streams().get(batch.queryId());
        return q == null ? null : q.name();
    }

    private synchronized void write(ObjectNode line) {
        try {
            out.write(Json.MAPPER.writeValueAsString(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            LOG.warn("operator metrics: cannot write {}: {}", file, e.toString());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
