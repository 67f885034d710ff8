package io.sfcrime.spark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.spark.ops.OperatorMetrics;
import io.sfcrime.spark.sink.ResultRecords;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.collection.JavaConverters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.sfcrime.spark.pipeline.CountsTest.call;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's own pipeline (validate → explode into levels → streaming count → radio-code join) as a real streaming
 * query with a foreachBatch sink like the job's: the operator-metrics collector sees each batch's executed plan and
 * the sink's actions, and puts each node in its category with Spark's metrics.
 */
class PlanNodesTest {
    @Test
    void eachBatchOfTheRealPlanIsBrokenDownByCategory(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.get();
        Path file = dir.resolve("operators.jsonl");
        OperatorMetrics collector = OperatorMetrics.register(spark, file);
        MemoryStream<String> input = new MemoryStream<>(1, spark.sqlContext(), Option.empty(), Encoders.STRING());
        Dataset<Row> kafkaLike = input.toDF().select(lit(null).cast(DataTypes.BinaryType).as("key"),
                col("value").cast(DataTypes.BinaryType).as("value"), lit("calls").as("topic"),
                lit(0).as("partition"), lit(0L).as("offset"));
        Duration hour = Duration.ofHours(1);
        Dataset<Row> described = RadioCodeJoin.describe(
                WindowCounts.countAll(CallValidation.validate(kafkaLike), hour, hour),
                RadioCodeJoin.table(spark, CountsTest.CODES), hour);
        // Like the results sink: encode, persist, one write-like action and one collect.
        VoidFunction2<Dataset<Row>, Long> sink = (batch, id) -> {
            Dataset<Row> records = ResultRecords.toRecords(batch, id, "q").persist(StorageLevel.MEMORY_ONLY());
            records.select("key", "value").count();
            records.select("key", "value").collectAsList();
            records.unpersist();
        };
        StreamingQuery q = described.writeStream().queryName("plan-nodes").outputMode(OutputMode.Update())
                .option("checkpointLocation", dir.resolve("checkpoint").toString()).foreachBatch(sink).start();
        try {
            input.addData(JavaConverters.asScalaBuffer(List.of(call("1", "Theft", "2019-01-05T10:15:00", "ADV"),
                    call("2", "Assault", "2019-01-05T10:16:00", "CAN"), "not json")).toSeq());
            q.processAllAvailable();
        } finally {
            q.stop();
        }
        JsonNode line = awaitBatch(file, 0);
        spark.sparkContext().removeSparkListener(collector);
        collector.close();

        assertThat(line.get("query").asText()).isEqualTo("plan-nodes");
        List<JsonNode> nodes = new ArrayList<>();
        line.get("nodes").forEach(nodes::add);
        Set<String> categories = new HashSet<>();
        nodes.forEach(n -> categories.add(n.get("category").asText()));
        assertThat(categories).contains("kafka_read", "parse", "fan_out", "aggregation", "join", "encoding");
        assertThat(node(nodes, "Generate").get("category").asText()).isEqualTo("fan_out");
        assertThat(node(nodes, "BroadcastHashJoin").get("category").asText()).isEqualTo("join");
        JsonNode save = node(nodes, "StateStoreSave");
        assertThat(save.get("category").asText()).isEqualTo("aggregation");
        // 3 levels of 2 valid rows + the invalid reason counter: 2 + 2 + 1 + 1 keys in state.
        assertThat(save.get("metrics").get("number of total state rows").asLong()).isEqualTo(6);
        assertThat(save.get("ms").has("time to commit changes")).isTrue();
        assertThat(node(nodes, "LocalTableScan").get("category").asText()).as("the radio-code table").isEqualTo("join");
        // The first stage fuses reading the source, the scan function and the explode into one timed loop.
        JsonNode fusedStage = nodes.stream().filter(n -> n.has("fused")
                && n.get("fused").toString().contains("parse")).findFirst().orElseThrow();
        assertThat(fusedStage.get("name").asText()).startsWith("WholeStageCodegen");
        assertThat(fusedStage.get("fused").toString()).contains("kafka_read", "fan_out");
        assertThat(fusedStage.get("ms").get("duration").asDouble()).isGreaterThanOrEqualTo(0);
        // Each node knows the one above it: the partial count's stage reads the fused first stage's rows.
        assertThat(nodes.get(fusedStage.get("parent").asInt()).get("name").asText()).isIn("InputAdapter",
                "EventTimeWatermark", "HashAggregate");
        assertThat(nodes).allSatisfy(n -> assertThat(n.get("id").asInt()).isEqualTo(nodes.indexOf(n)));
        // The sink's actions are attributed to the batch, their nodes to encoding.
        List<String> names = new ArrayList<>();
        line.get("executions").forEach(x -> names.add(x.get("name").asText()));
        assertThat(names).contains("micro-batch", "count", "collectAsList");
        assertThat(nodes.stream().filter(n -> n.get("category").asText().equals("encoding")))
                .allSatisfy(n -> assertThat(n.get("execution").asLong())
                        .isNotEqualTo(line.get("execution_id").asLong()));
    }

    private static JsonNode node(List<JsonNode> nodes, String name) {
        return nodes.stream().filter(n -> n.get("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " node in " + nodes));
    }

    /** Listener events arrive on Spark's bus thread: wait for the batch's line. */
    private static JsonNode awaitBatch(Path file, long batchId) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file)) {
                    JsonNode n = Json.MAPPER.readTree(l);
                    if (n.get("batch_id").asLong() == batchId) {
                        return n;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line for batch " + batchId + " in " + file);
    }
}
