package io.sfcrime.spark;

import io.sfcrime.common.CallFields;
import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.RadioCodes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.when;

/**
 * The job's transforms: static functions of {@code Dataset<Row>} (read → validate → count → describe), called by the
 * streaming job and directly by unit tests on small batch or memory-stream data.
 * <p>
 * Validation follows {@link io.sfcrime.common.RecordValidator} exactly (a test feeds a catalogue of raw values
 * through both). Field checks are column expressions; the one thing {@code from_json} hides, whether a value was a
 * JSON string at all, comes from {@link JsonShape}'s token scan.
 */
public final class CallTransforms {
    /** Grouping levels of the one streaming aggregation; also the {@code aggregation} field of result records. */
    public static final String BY_TYPE = "by_window_crime_type";
    public static final String BY_TYPE_DISPOSITION = "by_window_crime_type_disposition";
    public static final String COUNTER = "counter";
    /** Counter names (in the crime_type column of counter rows). Invalid rows count per reason. */
    public static final String VALID_ROWS = "valid_rows";
    public static final String INVALID_ROWS_PREFIX = "invalid_rows:";

    // Output columns of validate().
    public static final String REASON = "reason";
    public static final String MESSAGE = "message";
    public static final String EVENT_TIME = "event_time";
    public static final String CRIME_TYPE = "crime_type";
    public static final String CRIME_ID = "crime_id";
    public static final String DISPOSITION = "disposition";
    public static final String DISPOSITION_DESCRIPTION = "disposition_description";
    // Output columns of countAll(): level, window_end, crime_type, disposition, count.
    public static final String LEVEL = "level";
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String COUNT = "count";

    /** The explicit schema of a call record: every field of {@link CallFields#ALL}, all strings. */
    public static final StructType CALL_SCHEMA = callSchema();

    // Anchored with \A and \z: Spark's rlike is a find(), and '$' would accept a trailing newline.
    private static final String BLANK = "\\A\\p{javaWhitespace}*\\z";
    private static final String WITH_ZONE = "\\A\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?"
            + "(Z|[+-]\\d{2}(:?\\d{2})?|\\[.*]).*\\z";
    private static final String SHAPE = "\\A\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?\\z";

    private static final UserDefinedFunction JSON_VERDICT =
            org.apache.spark.sql.functions.udf((UDF1<byte[], String>) JsonShape::verdict, DataTypes.StringType);
    private static final UserDefinedFunction JSON_SHAPE =
            org.apache.spark.sql.functions.udf((UDF1<byte[], String>) JsonShape::check, DataTypes.StringType);

    private CallTransforms() {
    }

    private static StructType callSchema() {
        List<StructField> fields = new ArrayList<>();
        for (String name : CallFields.ALL) {
            fields.add(DataTypes.createStructField(name, DataTypes.StringType, true));
        }
        return DataTypes.createStructType(fields);
    }

    /**
     * Kafka rows ({@code key, value, topic, partition, offset}) → the same rows plus {@code reason} and {@code message}
     * (both null for a valid record), {@code event_time} (valid rows), {@code crime_type}, {@code disposition} and
     * {@code crime_id}.
     */
    public static Dataset<Row> validate(Dataset<Row> kafkaRows) {
        Dataset<Row> parsed = kafkaRows
                .withColumn("_shape", JSON_SHAPE.apply(col("value")))
                .withColumn("_call", from_json(col("value").cast("string"), CALL_SCHEMA));

        Column shape = col("_shape");
        Column shapeCode = substring_index(shape, JsonShape.SEP, 1);
        Column wrongField = when(shapeCode.equalTo(Invalid.WRONG_TYPE),
                substring_index(substring_index(shape, JsonShape.SEP, 2), JsonShape.SEP, -1));
        Column shapeMessage = expr("substring(_shape, length(substring_index(_shape, '|', "
                + "case when substring_index(_shape, '|', 1) = '" + Invalid.WRONG_TYPE + "' then 2 else 1 end)) + 2)");
        Column recordLevel = shapeCode.isin(Invalid.INVALID_UTF8, Invalid.MALFORMED_JSON, Invalid.NOT_AN_OBJECT);

        Column id = col("_call." + CallFields.CRIME_ID);
        Column type = col("_call." + CallFields.ORIGINAL_CRIME_TYPE_NAME);
        Column time = col("_call." + CallFields.CALL_DATE_TIME);

        // Each branch is [code, message]; the first failing check wins, in RecordValidator's order.
        Column verdict = when(shape.isNotNull().and(recordLevel), pair(shapeCode, shapeMessage))
                .when(wrongField.equalTo(CallFields.CRIME_ID), pair(lit(Invalid.WRONG_TYPE), shapeMessage))
                .when(id.isNull(), pair(Invalid.MISSING_FIELD, CallFields.CRIME_ID + " is missing"))
                .when(id.rlike(BLANK), pair(Invalid.EMPTY_FIELD, CallFields.CRIME_ID + " is empty"))
                .when(wrongField.equalTo(CallFields.ORIGINAL_CRIME_TYPE_NAME), pair(lit(Invalid.WRONG_TYPE), shapeMessage))
                .when(type.isNull(), pair(Invalid.MISSING_FIELD, CallFields.ORIGINAL_CRIME_TYPE_NAME + " is missing"))
                .when(type.rlike(BLANK), pair(Invalid.EMPTY_FIELD, CallFields.ORIGINAL_CRIME_TYPE_NAME + " is empty"))
                .when(wrongField.equalTo(CallFields.CALL_DATE_TIME), pair(lit(Invalid.WRONG_TYPE), shapeMessage))
                .when(time.isNull().or(time.equalTo("")),
                        pair(Invalid.MISSING_FIELD, CallFields.CALL_DATE_TIME + " is missing or empty"))
                .when(time.rlike(WITH_ZONE), pair(lit(Invalid.ZONED_DATE_TIME), concat(lit(CallFields.CALL_DATE_TIME + " '"),
                        abbreviate(time), lit("' carries a zone or offset; expected San Francisco local time without one"))))
                .when(time.rlike(SHAPE).unary_$bang(), pair(lit(Invalid.UNPARSEABLE_DATE_TIME),
                        concat(lit(CallFields.CALL_DATE_TIME + " '"), abbreviate(time), lit("' is not yyyy-MM-ddTHH:mm:ss[.SSS]"))))
                .when(col("_ts").isNull(), pair(lit(Invalid.UNPARSEABLE_DATE_TIME),
                        concat(lit(CallFields.CALL_DATE_TIME + " '"), time, lit("' is not a real date-time"))));

        // The timestamp is parsed once, in its own column, and used by the last check and as the event time.
        return parsed
                .withColumn("_ts", parseLocal(time))
                .withColumn("_verdict", verdict)
                .select(col("*"),
                        col("_verdict").getItem(0).as(REASON),
                        col("_verdict").getItem(1).as(MESSAGE),
                        when(col("_verdict").isNull(), col("_ts")).as(EVENT_TIME),
                        type.as(CRIME_TYPE),
                        col("_call." + CallFields.DISPOSITION).as(DISPOSITION),
                        id.as(CRIME_ID))
                .drop("_shape", "_call", "_verdict", "_ts");
    }

    /**
     * The verdict alone ({@code reason}, {@code message}), computed in Java by a token scan and the shared
     * validator: the dead-letter query needs no parsed fields, so it skips {@code from_json}. Same verdicts as
     * {@link #validate} (a test checks both against {@link io.sfcrime.common.RecordValidator}).
     */
    public static Dataset<Row> verdictOnly(Dataset<Row> kafkaRows) {
        return kafkaRows.withColumn("_verdict", JSON_VERDICT.apply(col("value")))
                .withColumn(REASON, substring_index(col("_verdict"), JsonShape.SEP, 1))
                .withColumn(MESSAGE, expr("substring(_verdict, length(substring_index(_verdict, '|', 1)) + 2)"))
                .drop("_verdict");
    }

    private static Column pair(String code, String message) {
        return array(lit(code), lit(message));
    }

    private static Column pair(Column code, Column message) {
        return array(code, message);
    }

    private static Column abbreviate(Column text) {
        return when(length(text).leq(40), text).otherwise(concat(substring(text, 1, 40), lit("…")));
    }

    /**
     * {@code call_date_time} as a timestamp in the session time zone (San Francisco), null when not a real local
     * date-time. Spark's parser resolves strictly, like {@link io.sfcrime.common.EventTime}: 2019-02-30 is null.
     */
    static Column parseLocal(Column time) {
        return when(length(time).equalTo(23), expr_try_to_timestamp(time, "yyyy-MM-dd'T'HH:mm:ss.SSS"))
                .otherwise(expr_try_to_timestamp(time, "yyyy-MM-dd'T'HH:mm:ss"));
    }

    private static Column expr_try_to_timestamp(Column time, String pattern) {
        return org.apache.spark.sql.functions.try_to_timestamp(time, lit(pattern));
    }

    /**
     * The counts with or without {@code query.dedupe}. With it, the watermark sits on {@code event_time} (the
     * de-duplication needs it there and Spark allows one watermark per query), so the aggregation gets none: its
     * window state is not evicted, and rows later than the watermark are dropped by the de-duplication itself, seen in
     * the query progress ({@code numRowsDroppedByWatermark} of that operator) rather than in {@code late_rows_dropped}.
     */
    public static Dataset<Row> countCalls(Dataset<Row> validated, Duration window, Duration watermarkDelay,
                                          boolean dedupe) {
        if (!dedupe) {
            return countAll(validated, window, watermarkDelay);
        }
        return countAll(dropDuplicateCalls(validated, watermarkDelay), window, null);
    }

    /**
     * {@code query.dedupe}: of the valid rows sharing a {@code crime_id}, only the first reaches the counts, as long
     * as the later copies arrive before the watermark passes the first one's event time plus the delay (Spark's
     * {@code dropDuplicatesWithinWatermark}, whose state is freed by the same watermark). Invalid rows pass untouched:
     * they have no trustworthy id or time and are counted per reason. Which copy wins is not defined, so this is meant
     * for re-sent records (same content), as after a producer replay.
     */
    public static Dataset<Row> dropDuplicateCalls(Dataset<Row> validated, Duration watermarkDelay) {
        Column valid = col(REASON).isNull();
        Dataset<Row> firstCopies = validated.where(valid)
                .withWatermark(EVENT_TIME, watermarkDelay.toMillis() + " milliseconds")
                .dropDuplicatesWithinWatermark(CRIME_ID);
        return firstCopies.unionByName(validated.where(valid.unary_$bang()));
    }

    /** Invalid rows only, as dead-letter records for Spark's Kafka sink: original key and value, reason headers. */
    public static Dataset<Row> deadLetters(Dataset<Row> validated) {
        Column index = concat(col("topic"), lit("-"), col("partition").cast("string"), lit("@"),
                col("offset").cast("string"));
        return validated.where(col(REASON).isNotNull())
                .select(col("key"), col("value"), array(
                        header(DeadLetter.REASON, col(REASON)),
                        header(DeadLetter.MESSAGE, col(MESSAGE)),
                        header(DeadLetter.INDEX, index),
                        header(DeadLetter.SOURCE, lit("spark-app")),
                        header(DeadLetter.ORIGIN, col("topic"))).as("headers"));
    }

    private static Column header(String name, Column value) {
        return struct(lit(name).as("key"), value.cast("binary").as("value"));
    }

    /**
     * Start of the tumbling window holding each valid row, aligned to the epoch like Spark's {@code window()}. Spark's
     * {@code window()} cannot be used here: it filters out rows with a null time, and the invalid rows must reach the
     * counters.
     */
    static Column windowEnd(Duration window) {
        long us = window.toNanos() / 1000;
        return expr("timestamp_micros(" + "unix_micros(" + EVENT_TIME + ") - pmod(unix_micros(" + EVENT_TIME + "), "
                + us + "L) + " + us + "L)");
    }

    /**
     * The one streaming aggregation behind every output: validated rows → counts per {@code (level, window_end,
     * crime_type, disposition)}. Each valid row is counted at three levels: {@link #BY_TYPE} (disposition null),
     * {@link #BY_TYPE_DISPOSITION}, and the {@link #VALID_ROWS} counter; an invalid row only in the counter of its
     * reason. Counter rows have no window, so the watermark can neither drop nor evict them: the difference between
     * the valid-rows counter and the sum of the {@link #BY_TYPE} counts is exactly what the watermark dropped.
     * Spark allows one aggregation per query in update mode; these levels are how both results (and the counters)
     * come out of one.
     *
     * @param watermarkDelay null for batch data (no watermark)
     */
    public static Dataset<Row> countAll(Dataset<Row> validated, Duration window, Duration watermarkDelay) {
        Column valid = col(REASON).isNull();
        Column end = when(valid, windowEnd(window));
        Column nullTime = lit(null).cast(DataTypes.TimestampType);
        Column nullText = lit(null).cast(DataTypes.StringType);
        Column levels = when(valid, array(
                        level(lit(BY_TYPE), end, col(CRIME_TYPE), nullText),
                        level(lit(BY_TYPE_DISPOSITION), end, col(CRIME_TYPE), col(DISPOSITION)),
                        level(lit(COUNTER), nullTime, lit(VALID_ROWS), nullText)))
                .otherwise(array(level(lit(COUNTER), nullTime, concat(lit(INVALID_ROWS_PREFIX), col(REASON)), nullText)));
        Dataset<Row> exploded = validated.select(explode(levels).as("l"))
                .select(col("l." + LEVEL).as(LEVEL), col("l." + WINDOW_END).as(WINDOW_END),
                        col("l." + CRIME_TYPE).as(CRIME_TYPE), col("l." + DISPOSITION).as(DISPOSITION));
        if (watermarkDelay != null) {
            // On the window end: a row is late when its window ended more than the delay before the newest window
            // end seen; null (counter rows) is never late.
            exploded = exploded.withWatermark(WINDOW_END, watermarkDelay.toMillis() + " milliseconds");
        }
        return exploded.groupBy(col(LEVEL), col(WINDOW_END), col(CRIME_TYPE), col(DISPOSITION))
                .agg(count(lit(1)).as(COUNT));
    }

    private static Column level(Column level, Column end, Column type, Column disposition) {
        return struct(level.as(LEVEL), end.as(WINDOW_END), type.as(CRIME_TYPE), disposition.as(DISPOSITION));
    }

    /** The radio-code table as a small static Dataset {@code (disposition_code, description)}. */
    public static Dataset<Row> radioCodeTable(SparkSession spark, RadioCodes codes) {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, String> e : codes.asMap().entrySet()) {
            rows.add(RowFactory.create(e.getKey(), e.getValue()));
        }
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("disposition_code", DataTypes.StringType, false),
                DataTypes.createStructField("description", DataTypes.StringType, false)));
        return spark.createDataFrame(rows, schema);
    }

    /**
     * Adds {@code window_start} and {@code disposition_description}: a left join with the static radio-code table on
     * the code only (two codes share the description "Cancel"); a code missing from the table describes itself, a
     * missing disposition stays null. Works on the streaming aggregate (stream–static join) and on batches.
     */
    public static Dataset<Row> describe(Dataset<Row> counts, Dataset<Row> radioCodes, Duration window) {
        long us = window.toNanos() / 1000;
        return counts.join(broadcast(radioCodes), counts.col(DISPOSITION).equalTo(radioCodes.col("disposition_code")),
                        "left_outer")
                .select(col(LEVEL),
                        expr("timestamp_micros(unix_micros(" + WINDOW_END + ") - " + us + "L)").as(WINDOW_START),
                        col(WINDOW_END), col(CRIME_TYPE), col(DISPOSITION),
                        coalesce(col("description"), col(DISPOSITION)).as(DISPOSITION_DESCRIPTION),
                        col(COUNT));
    }
}
