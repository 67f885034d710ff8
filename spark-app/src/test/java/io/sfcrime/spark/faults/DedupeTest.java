package io.sfcrime.spark.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.spark.pipeline.CallValidation;
import io.sfcrime.spark.pipeline.RadioCodeJoin;
import io.sfcrime.spark.pipeline.WindowCounts;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.report.Report;
import io.sfcrime.spark.sink.ResultFold;
import io.sfcrime.spark.sink.ResultRecords;
import io.sfcrime.spark.config.Sessions;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Option;
import scala.collection.JavaConverters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * query.dedupe on the streaming transforms, batch by batch. Injected: the same crime_id re-sent within one batch and
 * in a later batch, plus two identical invalid records. Verified: with dedupe every crime_id is counted once and the
 * invalid records are still both counted; without it, every copy is counted.
 */
class DedupeTest {
    private static final Map<String, ObjectNode> FOLDS = new java.util.concurrent.ConcurrentHashMap<>();

    static SparkSession spark() {
        JobConfig config = new JobConfig("127.0.0.1:9", "calls", "results", "calls.dlq", Path.of("x"),
                Path.of("target/unused-checkpoint"), true, null, null, null, 0, "local[2]");
        return SparkSession.builder().config(Sessions.conf(config, Tuning.defaults())
                .set("spark.ui.enabled", "false").set("spark.sql.shuffle.partitions", "2")).getOrCreate();
    }

    static String call(String id, String type, String time) {
        return "{\"crime_id\":\"" + id + "\",\"original_crime_type_name\":\"" + type + "\",\"call_date_time\":\""
                + time + "\",\"disposition\":\"ADV\"}";
    }

    @ParameterizedTest(name = "dedupe={0}")
    @ValueSource(booleans = {true, false})
    void duplicatesAreCountedOnceOnlyWithDedupe(boolean dedupe, @TempDir Path checkpoint) throws Exception {
        SparkSession spark = spark();
        MemoryStream<String> input = new MemoryStream<>(1, spark.sqlContext(), Option.empty(), Encoders.STRING());
        Dataset<Row> kafkaLike = input.toDF().select(lit(null).cast(DataTypes.BinaryType).as("key"),
                col("value").cast(DataTypes.BinaryType).as("value"), lit("calls").as("topic"),
                lit(0).as("partition"), lit(0L).as("offset"));
        Duration hour = Duration.ofHours(1);
        Duration delay = Duration.ofDays(1);
        Dataset<Row> counted = WindowCounts.countCalls(CallValidation.validate(kafkaLike), hour, delay, dedupe);
        Dataset<Row> described = RadioCodeJoin.describe(counted,
                RadioCodeJoin.table(spark, RadioCodes.of(Map.of("ADV", "Advised"))), hour);
        ResultFold fold = new ResultFold();
        VoidFunction2<Dataset<Row>, Long> collect = (batch, id) -> {
            for (Row r : ResultRecords.toRecords(batch, id, "q").select("key", "value").collectAsList()) {
                fold.add(r.getString(0), Json.MAPPER.readTree(r.getString(1)));
            }
        };
        StreamingQuery q = described.writeStream().outputMode(OutputMode.Update())
                .option("checkpointLocation", checkpoint.toString()).foreachBatch(collect).start();
        try {
            add(input, call("1", "Theft", "2019-01-05T10:15:00"), call("1", "Theft", "2019-01-05T10:15:00"),
                    call("2", "Theft", "2019-01-05T10:16:00"), "not json", "not json");
            q.processAllAvailable();
            add(input, call("2", "Theft", "2019-01-05T10:16:00"), call("3", "Theft", "2019-01-05T11:20:00"));
            q.processAllAvailable();
        } finally {
            q.stop();
        }
        ObjectNode r = Report.build(fold, Map.of());
        assertThat(r.get("invalid_rows").asLong()).as("invalid records are never de-duplicated").isEqualTo(2);
        assertThat(r.get("valid_rows").asLong()).isEqualTo(dedupe ? 3 : 5);
        assertThat(r.get("late_rows_dropped").asLong()).isZero();
        assertThat(r.get("by_window_crime_type").get(0).get("count").asLong()).isEqualTo(dedupe ? 2 : 4);
        assertThat(r.get("by_window_crime_type").get(1).get("count").asLong()).isEqualTo(1);
    }

    private static void add(MemoryStream<String> input, String... values) {
        input.addData(JavaConverters.asScalaBuffer(List.of(values)).toSeq());
    }
}
