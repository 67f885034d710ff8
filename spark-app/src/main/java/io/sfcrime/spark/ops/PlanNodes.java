package io.sfcrime.spark.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.collection.JavaConverters;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The nodes of an executed physical plan with Spark's own SQL metrics, each put in one {@link Category} of the job's
 * work. The walk enters what {@code explain} shows: children, inner children (adaptive plans, query stages, the plan
 * behind a cached relation) and subqueries; a node reached twice (a cached plan read by two actions) is listed once.
 * <p>
 * Whole-stage code generation fuses operators into one loop that Spark times as a whole ({@code duration} of the
 * {@code WholeStageCodegen} node): such a node gets the categories of all the operators it fused ({@code fused}),
 * and nobody can split its time among them from these metrics.
 */
public final class PlanNodes {
    /** What part of the job a plan node does; {@link #label} is the report's wording. */
    public enum Category {
        KAFKA_READ("Kafka read and decode"),
        PARSE("parse and validate"),
        FAN_OUT("fan-out to the count levels"),
        AGGREGATION("aggregation and state store"),
        JOIN("radio-code join"),
        ENCODING("results encoding"),
        KAFKA_WRITE("Kafka write"),
        OTHER("other");

        public final String label;

        Category(String label) {
            this.label = label;
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Operators that only pass rows on (or wrap a plan): they take the category of what they wrap. */
    private static final Set<String> TRANSPARENT = Set.of("InputAdapter", "ColumnarToRow", "RowToColumnar",
            "AdaptiveSparkPlan", "ShuffleQueryStage", "BroadcastQueryStage", "TableCacheQueryStage",
            "ReusedExchange", "EventTimeWatermark", "Project", "Filter", "DeserializeToObject",
            "SerializeFromObject", "MapElements", "MapPartitions", "AQEShuffleRead", "CustomShuffleReader");

    private PlanNodes() {
    }

    /**
     * The nodes of {@code plan} not already in {@code seen}, as JSON objects: {@code name}, {@code category},
     * {@code stage} (the code-generated stage it runs in, if any), {@code fused} (for a WholeStageCodegen node, the
     * categories of its operators), {@code metrics} (raw values) and {@code ms} (timing metrics in milliseconds),
     * both by the names the Spark UI shows, {@code id} (its index in the list) and {@code parent} (the plan node
     * above it, absent at the top). Values are sums over the batch's tasks.
     *
     * @param inBatchSink true for a plan run inside the sink ({@code foreachBatch}'s own actions): what is not the
     *                    write itself there is encoding the results
     */
    public static List<ObjectNode> describe(SparkPlan plan, boolean inBatchSink, Map<Object, Boolean> seen) {
        List<ObjectNode> out = new ArrayList<>();
        walk(plan, inBatchSink, seen, out, null, null, -1);
        return out;
    }

    /** @param forced the category of everything under a broadcast (the radio-code table), else null */
    private static void walk(QueryPlan<?> node, boolean inBatchSink, Map<Object, Boolean> seen, List<ObjectNode> out,
                             Integer stage, Category forced, int parent) {
        if (seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        Integer childStage = stage;
        Category childForced = forced;
        int self = parent;
        if (node instanceof SparkPlan p) {
            ObjectNode n = Json.MAPPER.createObjectNode();
            Category category = forced != null ? forced : category(p, inBatchSink);
            if (!inBatchSink && "BroadcastExchange".equals(p.nodeName())) {
                childForced = Category.JOIN;
            }
            self = out.size();
            n.put("id", self);
            if (parent >= 0) {
                n.put("parent", parent);
            }
            n.put("name", p.nodeName());
            n.put("category", category.key());
            if (stage != null) {
                n.put("stage", stage);
            }
            if (p instanceof WholeStageCodegenExec w) {
                ArrayNode fused = n.putArray("fused");
                fused(w, inBatchSink).forEach(c -> fused.add(c.key()));
                childStage = w.codegenStageId();
            } else if (p instanceof InputAdapter) {
                childStage = null;
            }
            ObjectNode metrics = n.putObject("metrics");
            ObjectNode ms = n.putObject("ms");
            Map<String, SQLMetric> m = new TreeMap<>(JavaConverters.mapAsJavaMap(p.metrics()));
            m.forEach((key, metric) -> {
                // The name the Spark UI shows ("time to update", "number of output rows").
                String name = metric.name().isDefined() ? metric.name().get() : key;
                long v = metric.value();
                if (v < 0) {
                    return; // never set (Spark starts size and timing metrics at -1)
                }
                switch (metric.metricType()) {
                    case "timing" -> ms.put(name, (double) v);
                    case "nsTiming" -> ms.put(name, v / 1e6);
                    default -> metrics.put(name, v);
                }
            });
            out.add(n);
            for (SparkPlan sub : JavaConverters.seqAsJavaList(p.subqueries())) {
                walk(sub, inBatchSink, seen, out, null, null, self);
            }
        }
        for (QueryPlan<?> child : JavaConverters.seqAsJavaList(node.children())) {
            walk(child, inBatchSink, seen, out, childStage, childForced, self);
        }
        for (QueryPlan<?> inner : JavaConverters.seqAsJavaList(node.innerChildren())) {
            walk(inner, inBatchSink, seen, out, null, childForced, self);
        }
    }

    /** The categories of the operators a code-generated stage fused: down to, not into, its inputs. */
    static EnumSet<Category> fused(WholeStageCodegenExec stage, boolean inBatchSink) {
        EnumSet<Category> out = EnumSet.noneOf(Category.class);
        List<SparkPlan> todo = new ArrayList<>(List.of(stage.child()));
        Map<SparkPlan, Boolean> done = new IdentityHashMap<>();
        while (!todo.isEmpty()) {
            SparkPlan p = todo.remove(todo.size() - 1);
            if (done.put(p, Boolean.TRUE) != null) {
                continue;
            }
            if (p instanceof InputAdapter a) {
                // The stage's input: a scan is read inside the stage's loop, an exchange or another stage is not.
                Category c = category(a.child(), inBatchSink);
                if (c == Category.KAFKA_READ || isScan(a.child())) {
                    out.add(c);
                }
                continue;
            }
            out.add(category(p, inBatchSink));
            todo.addAll(JavaConverters.seqAsJavaList(p.children()));
        }
        return out;
    }

    /**
     * The category of one operator. Operators that only pass rows on take the category of their (first) child, so a
     * projection after the explode is fan-out and one after the join is the join; the projection that calls the
     * job's scan function is parse and validate.
     */
    public static Category category(SparkPlan p, boolean inBatchSink) {
        String name = p.nodeName();
        if (isWrite(name)) {
            return Category.KAFKA_WRITE;
        }
        if (p instanceof WholeStageCodegenExec w) {
            return category(w.child(), inBatchSink); // its last operator; "fused" lists them all
        }
        if (inBatchSink) {
            return Category.ENCODING;
        }
        if (name.contains("MicroBatchScan") || name.startsWith("BatchScan") || name.contains("kafka")) {
            return Category.KAFKA_READ;
        }
        if (("Project".equals(name) || "Filter".equals(name)) && callsUdf(p)) {
            return Category.PARSE;
        }
        if (name.equals("Generate") || name.equals("Expand")) {
            return Category.FAN_OUT;
        }
        if (name.contains("Aggregate") || name.startsWith("StateStore") || name.equals("Exchange")
                || name.equals("Sort") || name.contains("Deduplicate")) {
            return Category.AGGREGATION;
        }
        if (name.contains("Join") || name.equals("BroadcastExchange")) {
            return Category.JOIN;
        }
        if (TRANSPARENT.contains(name) && !p.children().isEmpty()) {
            return category(p.children().head(), false);
        }
        return Category.OTHER;
    }

    private static boolean isWrite(String name) {
        return name.startsWith("WriteToDataSourceV2") || name.equals("AppendData")
                || name.startsWith("OverwriteByExpression") || name.contains("SaveIntoDataSource")
                || name.startsWith("WriteToMicroBatchDataSource");
    }

    private static boolean isScan(SparkPlan p) {
        return p.children().isEmpty();
    }

    private static boolean callsUdf(SparkPlan p) {
        for (Expression e : JavaConverters.seqAsJavaList(p.expressions())) {
            if (e.toString().contains("UDF")) {
                return true;
            }
        }
        return false;
    }
}
