package io.sfcrime.spark.pipeline;

import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.scan.EventTimeRange;
import io.sfcrime.spark.sink.ResultRecords;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each micro-batch runs a new query execution with its own batch timestamp and batch id. Spark writes a long or
 * timestamp literal into the generated Java code, so a plan holding the batch's clock or id as such a literal is new
 * code every batch: Janino compiles it again and the JVM must JIT the new class from the interpreter up, on the
 * cores the tasks need. These run the job's transforms twice, as two batches would, and count Spark's compilations.
 */
class CodeReuseTest {
    private static final Duration HOUR = Duration.ofHours(1);

    /** Janino compilations of the second of two runs of {@code job} (the first may compile what it needs). */
    private static long compilationsOfTheSecondRun(Supplier<List<Row>> job) throws InterruptedException {
        job.get();
        Thread.sleep(5); // another batch clock
        long before = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
        List<Row> rows = job.get();
        assertThat(rows).isNotEmpty();
        return CodegenMetrics.METRIC_COMPILATION_TIME().getCount() - before;
    }

    private static Dataset<Row> kafkaRows(SparkSession spark) {
        return ValidationParityTest.kafkaRows(spark, List.of(
                CountsTest.call("1", "Theft", "2018-12-31T10:05:00.000", "ADV").getBytes(StandardCharsets.UTF_8),
                CountsTest.call("2", "Theft", "2018-12-31T10:15:00.000", "CAN").getBytes(StandardCharsets.UTF_8),
                "not json".getBytes(StandardCharsets.UTF_8))).repartition(2); // no local shortcut: real stages
    }

    @Test
    void theBatchClockDoesNotMakeTheReadStageNewCodeEachBatch() throws InterruptedException {
        SparkSession spark = TestSpark.get();
        Dataset<Row> kafka = kafkaRows(spark);
        assertThat(compilationsOfTheSecondRun(() -> WindowCounts.sumPartials(
                PartialCounts.count(kafka, EventTimeRange.defaults(), HOUR), null).collectAsList())).isZero();
        assertThat(compilationsOfTheSecondRun(() -> WindowCounts.countAll(
                CallValidation.validate(kafka), HOUR, null).collectAsList())).isZero();
    }

    @Test
    void theBatchIdDoesNotMakeTheResultsEncodingNewCodeEachBatch() throws InterruptedException {
        SparkSession spark = TestSpark.get();
        Dataset<Row> described = RadioCodeJoin.describe(WindowCounts.sumPartials(
                        PartialCounts.count(kafkaRows(spark), EventTimeRange.defaults(), HOUR), null),
                RadioCodeJoin.table(spark, RadioCodes.of(java.util.Map.of("ADV", "Advised"))), HOUR);
        long[] batchId = {7};
        assertThat(compilationsOfTheSecondRun(() -> ResultRecords.toRecords(described, batchId[0]++, "q")
                .select("key", "value").collectAsList())).isZero();
    }
}
