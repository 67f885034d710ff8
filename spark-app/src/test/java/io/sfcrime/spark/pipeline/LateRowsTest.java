package io.sfcrime.spark.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.scan.EventTimeRange;
import io.sfcrime.spark.report.Report;
import io.sfcrime.spark.sink.ResultFold;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.collection.JavaConverters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.sfcrime.spark.pipeline.CountsTest.call;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

/** The streaming aggregation with a watermark, batch by batch: late rows are dropped and counted exactly. */
class LateRowsTest {
    static final Map<Boolean, ResultFold> FOLDS = Map.of(false, new ResultFold(), true, new ResultFold());

    /** Both ways of counting: row per record, and pre-aggregated per partition ({@code query.preAggregate}). */
    @ParameterizedTest(name = "preAggregate {0}")
    @ValueSource(booleans = {false, true})
    void rowsBehindTheWatermarkAreCountedAsLate(boolean preAggregate, @TempDir Path checkpoint) throws Exception {
        SparkSession spark = TestSpark.get();
        MemoryStream<String> input = new MemoryStream<>(1, spark.sqlContext(), Option.empty(), Encoders.STRING());
        Dataset<Row> kafkaLike = input.toDF().select(lit(null).cast(DataTypes.BinaryType).as("key"),
                col("value").cast(DataTypes.BinaryType).as("value"), lit("calls").as("topic"),
                lit(0).as("partition"), lit(0L).as("offset"));
        Duration hour = Duration.ofHours(1);
        Dataset<Row> counted = preAggregate
                ? WindowCounts.sumPartials(PartialCounts.count(kafkaLike, EventTimeRange.defaults(), hour), hour)
                : WindowCounts.countAll(CallValidation.validate(kafkaLike), hour, hour);
        Dataset<Row> described = RadioCodeJoin.describe(counted, RadioCodeJoin.table(spark, CountsTest.CODES), hour);
        ResultFold fold = FOLDS.get(preAggregate);
        VoidFunction2<Dataset<Row>, Long> collect = (batch, id) -> {
            for (Row r : ResultRecords.toRecords(batch, id, "q").select("key", "value").collectAsList()) {
                FOLDS.get(preAggregate).add(r.getString(0), CountsTest.parse(r.getString(1)));
            }
        };
        StreamingQuery q = described.writeStream().outputMode(OutputMode.Update())
                .option("checkpointLocation", checkpoint.toString()).foreachBatch(collect).start();
        try {
            add(input, call("1", "Theft", "2019-01-05T10:15:00", "ADV"), call("2", "Theft", "2019-01-05T10:16:00", "ADV"),
                    call("3", "Theft", "2019-01-05T10:17:00", "ADV"), "not json");
            q.processAllAvailable();
            // The watermark is now 11:00 - 1 hour = 10:00: windows ending at or before 10:00 are closed.
            add(input, call("4", "Theft", "2019-01-05T10:20:00", "CAN"));
            q.processAllAvailable();
            add(input, call("5", "Theft", "2019-01-05T08:30:00", "ADV"), call("6", "Theft", "2019-01-05T08:31:00", "ADV"),
                    call("7", "Theft", "2019-01-05T09:30:00", "ADV"), call("8", "Theft", "2019-01-05T10:45:00", "ADV"));
            q.processAllAvailable();
        } finally {
            q.stop();
        }
        ObjectNode r = Report.build(fold, Map.of());
        assertThat(r.get("valid_rows").asLong()).isEqualTo(8);
        assertThat(r.get("invalid_rows").asLong()).isEqualTo(1);
        assertThat(r.get("late_rows_dropped").asLong()).isEqualTo(3);
        assertThat(CountsTest.rows(r, "by_window_crime_type")).containsExactly(
                "{\"window_start\":\"2019-01-05 10:00:00\",\"window_end\":\"2019-01-05 11:00:00\",\"crime_type\":\"Theft\",\"count\":5}");
    }

    static final ResultFold FUTURE_FOLD = new ResultFold();

    /**
     * Issue 16: one record dated 9999 used to move the watermark to year 9999, so every later record was dropped as
     * late, for good. Now it is invalid (implausible_date_time) and the watermark never sees it.
     */
    @Test
    void aFarFutureRecordIsInvalidAndLeavesTheWatermarkAlone(@TempDir Path checkpoint) throws Exception {
        SparkSession spark = TestSpark.get();
        MemoryStream<String> input = new MemoryStream<>(2, spark.sqlContext(), Option.empty(), Encoders.STRING());
        Dataset<Row> kafkaLike = input.toDF().select(lit(null).cast(DataTypes.BinaryType).as("key"),
                col("value").cast(DataTypes.BinaryType).as("value"), lit("calls").as("topic"),
                lit(0).as("partition"), lit(0L).as("offset"));
        Duration hour = Duration.ofHours(1);
        Dataset<Row> validated = CallValidation.validate(kafkaLike, EventTimeRange.defaults());
        Dataset<Row> described = RadioCodeJoin.describe(WindowCounts.countAll(validated, hour, hour),
                RadioCodeJoin.table(spark, CountsTest.CODES), hour);
        VoidFunction2<Dataset<Row>, Long> collect = (batch, id) -> {
            for (Row r : ResultRecords.toRecords(batch, id, "q").select("key", "value").collectAsList()) {
                FUTURE_FOLD.add(r.getString(0), CountsTest.parse(r.getString(1)));
            }
        };
        StreamingQuery q = described.writeStream().outputMode(OutputMode.Update())
                .option("checkpointLocation", checkpoint.toString()).foreachBatch(collect).start();
        try {
            add(input, call("1", "Theft", "2019-01-05T10:15:00", "ADV"), call("2", "Theft", "9999-12-31T23:00:00", "ADV"),
                    call("3", "Theft", "2108-01-05T10:15:00", "ADV"));
            q.processAllAvailable();
            // Without the range check the watermark would now be in 9999 and these two would be dropped.
            add(input, call("4", "Theft", "2019-01-05T10:20:00", "CAN"), call("5", "Theft", "2019-01-05T10:45:00", "ADV"));
            q.processAllAvailable();
        } finally {
            q.stop();
        }
        ObjectNode r = Report.build(FUTURE_FOLD, Map.of());
        assertThat(r.get("valid_rows").asLong()).isEqualTo(3);
        assertThat(r.get("invalid_rows").asLong()).isEqualTo(2);
        assertThat(r.get("invalid_by_reason").toString()).isEqualTo("{\"implausible_date_time\":2}");
        assertThat(r.get("late_rows_dropped").asLong()).isEqualTo(0);
        assertThat(CountsTest.rows(r, "by_window_crime_type")).containsExactly(
                "{\"window_start\":\"2019-01-05 10:00:00\",\"window_end\":\"2019-01-05 11:00:00\",\"crime_type\":\"Theft\",\"count\":3}");
        // The dead-letter topic is fed from the same verdict: reason and message.
        Row verdict = CallValidation.validate(ValidationParityTest.kafkaRows(spark,
                List.of(call("2", "Theft", "9999-12-31T23:00:00", "ADV").getBytes(StandardCharsets.UTF_8))))
                .select(Columns.REASON, Columns.MESSAGE).collectAsList().get(0);
        assertThat(verdict.getString(0)).isEqualTo("implausible_date_time");
        assertThat(verdict.getString(1)).startsWith("call_date_time '9999-12-31T23:00:00' is more than 1 day after "
                + "the clock (");
    }

    private static void add(MemoryStream<String> input, String... values) {
        input.addData(JavaConverters.asScalaBuffer(List.of(values)).toSeq());
    }
}
