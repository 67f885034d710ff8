package io.sfcrime.spark.pipeline;

import io.sfcrime.common.scan.RecordCorpus;
import io.sfcrime.common.scan.ReferenceVerdict;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's validation as Spark runs it (the scan UDF, once per row, unpacked into columns) must give every raw value
 * of common's record corpus the reference verdict. The same corpus runs through the producer and the benchmark
 * ceiling in bench's {@code ScannerParityTest}.
 */
public class ValidationParityTest {

    /** The columns of Spark's Kafka source that the scan reads. */
    static final StructType KAFKA_ROWS = DataTypes.createStructType(List.of(
            DataTypes.createStructField("key", DataTypes.BinaryType, true),
            DataTypes.createStructField("value", DataTypes.BinaryType, true),
            DataTypes.createStructField("topic", DataTypes.StringType, false),
            DataTypes.createStructField("partition", DataTypes.IntegerType, false),
            DataTypes.createStructField("offset", DataTypes.LongType, false)));

    static Dataset<Row> kafkaRows(SparkSession spark, List<byte[]> values) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            rows.add(RowFactory.create(null, values.get(i), "calls", 0, (long) i));
        }
        return spark.createDataFrame(rows, KAFKA_ROWS);
    }

    @Test
    void sparkGivesEveryCorpusValueTheReferenceVerdict() {
        List<byte[]> values = RecordCorpus.values();
        List<Row> out = CallValidation.validate(kafkaRows(TestSpark.get(), values))
                .orderBy(col("offset")).select("offset", Columns.REASON, Columns.MESSAGE).collectAsList();
        assertThat(out).hasSize(values.size());
        List<String> mismatches = new ArrayList<>();
        int invalid = 0;
        for (Row r : out) {
            byte[] v = values.get((int) r.getLong(0));
            String expected = ReferenceVerdict.reason(v);
            String actual = r.getString(1);
            if (expected != null) {
                invalid++;
                assertThat(r.getString(2)).as("message of %s", show(v)).isNotBlank();
            }
            if (!java.util.Objects.equals(expected, actual)) {
                mismatches.add(show(v) + ": reference " + expected + ", Spark " + actual + " (" + r.getString(2) + ")");
            }
        }
        assertThat(mismatches).isEmpty();
        // The corpus is mostly bad on purpose; a transform that accepted everything would fail above.
        assertThat(invalid).isGreaterThan(50);
    }

    @Test
    void theScanRunsOncePerRowForAllSixColumns() {
        // Spark may inline a projection into each of its uses; six struct fields must not mean six JSON parses.
        // The repartition keeps the optimizer from evaluating the whole plan over the local rows up front.
        Dataset<Row> validated = CallValidation.validate(
                kafkaRows(TestSpark.get(), List.of(RecordCorpus.GOOD.getBytes(StandardCharsets.UTF_8))).repartition(1));
        String plan = validated.queryExecution().optimizedPlan().toString();
        assertThat(plan.split("UDF\\(", -1).length - 1).as(plan).isEqualTo(1);
        assertThat(validated.collectAsList().get(0).<String>getAs(Columns.CRIME_ID)).isEqualTo("183653763");
    }

    @Test
    void messagesNameTheFieldAndValue() {
        List<byte[]> values = List.of(
                RecordCorpus.with("call_date_time", "\"2019-02-30T10:00:00\"").getBytes(StandardCharsets.UTF_8),
                RecordCorpus.with("crime_id", "183653763").getBytes(StandardCharsets.UTF_8));
        List<Row> out = CallValidation.validate(kafkaRows(TestSpark.get(), values)).orderBy(col("offset"))
                .select(Columns.MESSAGE).collectAsList();
        assertThat(out.get(0).getString(0)).isEqualTo("call_date_time '2019-02-30T10:00:00' is not a real date-time");
        assertThat(out.get(1).getString(0)).isEqualTo("crime_id must be a string but is number 183653763");
    }

    static String show(byte[] v) {
        return v == null ? "<null>" : "'" + new String(v, StandardCharsets.UTF_8) + "'";
    }
}
