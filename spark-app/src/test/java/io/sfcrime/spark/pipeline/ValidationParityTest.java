package io.sfcrime.spark.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.RecordValidator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spark validation and {@link RecordValidator} (with the producer's decoding: UTF-8, one JSON value) must give
 * every raw value the same verdict and reason code.
 */
public class ValidationParityTest {
    static final String GOOD = "{\"crime_id\":\"183653763\",\"original_crime_type_name\":\"Traffic Stop\","
            + "\"call_date_time\":\"2018-12-31T23:57:00.000\",\"disposition\":\"ADV\"}";

    static String with(String field, String rawValue) {
        String base = "{\"crime_id\":\"1\",\"original_crime_type_name\":\"Traffic Stop\","
                + "\"call_date_time\":\"2018-12-31T23:57:00.000\",\"disposition\":\"ADV\"}";
        String replaced = base.replaceFirst("\"" + field + "\":(\"[^\"]*\")", "\"" + field + "\":" + rawValue);
        return rawValue == null ? base.replaceFirst(",?\"" + field + "\":\"[^\"]*\"", "").replace("{,", "{") : replaced;
    }

    static List<byte[]> catalogue() {
        List<String> texts = new ArrayList<>(List.of(
                GOOD,
                "{\"crime_id\":\"1\",\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                "", "   ", "null", "42", "\"text\"", "[1,2]", "[]", "true", "{", "{\"crime_id\":}", "{} {}",
                "{\"a\":1} x", "{\"crime_id\":\"1\" \"original_crime_type_name\":\"T\"}", "{'crime_id':'1'}",
                "{\"crime_id\":NaN}", "{}",
                with("crime_id", null), with("crime_id", "null"), with("crime_id", "\"\""), with("crime_id", "\"  \""),
                with("crime_id", "\"\\t\\n\""), with("crime_id", "\"\\u2003\""), with("crime_id", "\"\\u00a0\""),
                with("crime_id", "183653763"), with("crime_id", "1.5"), with("crime_id", "true"),
                with("crime_id", "{\"x\":1}"), with("crime_id", "[\"1\"]"),
                with("original_crime_type_name", null), with("original_crime_type_name", "\"\""),
                with("original_crime_type_name", "7"), with("original_crime_type_name", "\" \""),
                with("original_crime_type_name", "false"),
                with("call_date_time", null), with("call_date_time", "null"), with("call_date_time", "\"\""),
                with("call_date_time", "\" \""), with("call_date_time", "20181231"),
                with("call_date_time", "{\"t\":\"2018-12-31T23:57:00\"}"),
                with("call_date_time", "\"2018-12-31T23:57:00Z\""), with("call_date_time", "\"2018-12-31T23:57:00.000Z\""),
                with("call_date_time", "\"2018-12-31T23:57:00+02:00\""), with("call_date_time", "\"2018-12-31T23:57:00-0800\""),
                with("call_date_time", "\"2018-12-31T23:57:00.123456789Z\""),
                with("call_date_time", "\"2018-12-31T23:57:00[America/Los_Angeles]\""),
                with("call_date_time", "\"2018-12-31 23:57:00\""), with("call_date_time", "\"12/31/2018 11:57 PM\""),
                with("call_date_time", "\"2018-12-31T23:57\""), with("call_date_time", "\"2018-12-31T23:57:00.1\""),
                with("call_date_time", "\"2018-12-31T23:57:00.1234\""), with("call_date_time", "\"2018-12-31T23:57:00\\n\""),
                with("call_date_time", "\" 2018-12-31T23:57:00\""),
                with("call_date_time", "\"2019-02-30T10:00:00\""), with("call_date_time", "\"2019-02-29T10:00:00\""),
                with("call_date_time", "\"2020-02-29T10:00:00\""), with("call_date_time", "\"2018-13-01T10:00:00\""),
                with("call_date_time", "\"2018-12-31T24:00:00\""), with("call_date_time", "\"2018-12-31T23:60:00\""),
                with("call_date_time", "\"2018-12-31T23:59:60\""), with("call_date_time", "\"0000-01-01T00:00:00\""),
                with("call_date_time", "\"9999-12-31T23:59:59.999\""),
                with("call_date_time", "\"2019-03-10T02:30:00\""), with("call_date_time", "\"2018-11-04T01:30:00\""),
                with("call_date_time", "\"２０１８-12-31T23:57:00\""),
                // Duplicate keys: the last one wins, in Jackson's tree and in from_json alike.
                "{\"crime_id\":\"1\",\"crime_id\":2,\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                "{\"crime_id\":2,\"crime_id\":\"1\",\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                // Nested look-alikes do not count.
                "{\"x\":{\"crime_id\":\"1\"},\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                // Wrong types in fields nobody checks are fine.
                "{\"crime_id\":\"1\",\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:57:00\",\"disposition\":5,\"address\":{}}",
                // Several problems: the first in validation order wins.
                "{\"crime_id\":\"\",\"original_crime_type_name\":5,\"call_date_time\":\"bad\"}",
                "{\"original_crime_type_name\":5,\"call_date_time\":\"bad\"}",
                "{\"crime_id\":\"1\",\"original_crime_type_name\":5,\"call_date_time\":7}",
                "{\"crime_id\":\"1\",\"original_crime_type_name\":\"\",\"call_date_time\":7}",
                "{\"crime_id\":\"1\",\"original_crime_type_name\":\"T\",\"call_date_time\":7}"));
        List<byte[]> values = new ArrayList<>();
        texts.forEach(t -> values.add(t.getBytes(StandardCharsets.UTF_8)));
        values.add(null);
        byte[] bad = GOOD.replace("Traffic Stop", "Traffic XX").getBytes(StandardCharsets.UTF_8);
        int at = new String(bad, StandardCharsets.UTF_8).indexOf("XX");
        bad[at] = (byte) 0xFF;
        bad[at + 1] = (byte) 0xFE;
        values.add(bad);
        values.add("{\"crime_id\":\"é\",\"original_crime_type_name\":\"Café 😀\",\"call_date_time\":\"2018-12-31T23:57:00\"}"
                .getBytes(StandardCharsets.UTF_8));
        return values;
    }

    /** The reference: what the producer does with one record, then the shared validator. */
    public static String referenceReason(byte[] value) {
        if (value == null) {
            return Invalid.NOT_AN_OBJECT;
        }
        if (!StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value), java.nio.CharBuffer.allocate(value.length * 2), true).isUnderflow()) {
            return Invalid.INVALID_UTF8;
        }
        ObjectReader reader = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        JsonNode node;
        try {
            node = reader.readTree(value);
        } catch (IOException e) {
            return Invalid.MALFORMED_JSON;
        }
        if (node == null || node.isMissingNode()) {
            return Invalid.MALFORMED_JSON;
        }
        Invalid invalid = RecordValidator.validate(node);
        return invalid == null ? null : invalid.code();
    }

    static Dataset<Row> kafkaRows(SparkSession spark, List<byte[]> values) {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("key", DataTypes.BinaryType, true),
                DataTypes.createStructField("value", DataTypes.BinaryType, true),
                DataTypes.createStructField("topic", DataTypes.StringType, false),
                DataTypes.createStructField("partition", DataTypes.IntegerType, false),
                DataTypes.createStructField("offset", DataTypes.LongType, false)));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            rows.add(RowFactory.create(null, values.get(i), "calls", 0, (long) i));
        }
        return spark.createDataFrame(rows, schema);
    }

    @Test
    void sparkAndRecordValidatorAgreeOnEveryValue() {
        List<byte[]> values = catalogue();
        List<Row> out = CallValidation.validate(kafkaRows(TestSpark.get(), values))
                .orderBy(col("offset")).select("offset", Columns.REASON, Columns.MESSAGE).collectAsList();
        assertThat(out).hasSize(values.size());
        List<String> mismatches = new ArrayList<>();
        int invalid = 0;
        for (Row r : out) {
            byte[] v = values.get((int) r.getLong(0));
            String expected = referenceReason(v);
            String actual = r.getString(1);
            if (expected != null) {
                invalid++;
                assertThat(r.getString(2)).as("message of %s", show(v)).isNotBlank();
            }
            if (!java.util.Objects.equals(expected, actual)) {
                mismatches.add(show(v) + ": RecordValidator " + expected + ", Spark " + actual + " (" + r.getString(2) + ")");
            }
        }
        assertThat(mismatches).isEmpty();
        // The catalogue is mostly bad on purpose; a transform that accepted everything would fail above.
        assertThat(invalid).isGreaterThan(50);
    }

    @Test
    void theScanRunsOncePerRowForAllSixColumns() {
        // Spark may inline a projection into each of its uses; six struct fields must not mean six JSON parses.
        // The repartition keeps the optimizer from evaluating the whole plan over the local rows up front.
        Dataset<Row> validated = CallValidation.validate(
                kafkaRows(TestSpark.get(), List.of(GOOD.getBytes(StandardCharsets.UTF_8))).repartition(1));
        String plan = validated.queryExecution().optimizedPlan().toString();
        assertThat(plan.split("UDF\\(", -1).length - 1).as(plan).isEqualTo(1);
        assertThat(validated.collectAsList().get(0).<String>getAs(Columns.CRIME_ID)).isEqualTo("183653763");
    }

    @Test
    void messagesNameTheFieldAndValue() {
        List<byte[]> values = List.of(with("call_date_time", "\"2019-02-30T10:00:00\"").getBytes(StandardCharsets.UTF_8),
                with("crime_id", "183653763").getBytes(StandardCharsets.UTF_8));
        List<Row> out = CallValidation.validate(kafkaRows(TestSpark.get(), values)).orderBy(col("offset"))
                .select(Columns.MESSAGE).collectAsList();
        assertThat(out.get(0).getString(0)).isEqualTo("call_date_time '2019-02-30T10:00:00' is not a real date-time");
        assertThat(out.get(1).getString(0)).isEqualTo("crime_id must be a string but is number 183653763");
    }

    static String show(byte[] v) {
        return v == null ? "<null>" : "'" + new String(v, StandardCharsets.UTF_8) + "'";
    }
}
