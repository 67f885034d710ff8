package io.sfcrime.spark.sink;

import io.sfcrime.common.report.ReportField;
import io.sfcrime.spark.pipeline.BatchConstants;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static io.sfcrime.spark.pipeline.Columns.BY_TYPE_DISPOSITION;
import static io.sfcrime.spark.pipeline.Columns.COUNT;
import static io.sfcrime.spark.pipeline.Columns.COUNTER;
import static io.sfcrime.spark.pipeline.Columns.CRIME_TYPE;
import static io.sfcrime.spark.pipeline.Columns.DISPOSITION;
import static io.sfcrime.spark.pipeline.Columns.DISPOSITION_DESCRIPTION;
import static io.sfcrime.spark.pipeline.Columns.LEVEL;
import static io.sfcrime.spark.pipeline.Columns.WINDOW_END;
import static io.sfcrime.spark.pipeline.Columns.WINDOW_START;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

/**
 * The record format of the results topic: one JSON object per updated aggregate row, keyed by
 * {@code [aggregation, window start with its offset, crime type, disposition]} as a JSON array, so the two
 * aggregations, a null and an empty disposition, and the two 01:00 windows of a DST fall-back night stay distinct.
 * <p>
 * Value fields: {@code aggregation} ({@value Columns#BY_TYPE}, {@value Columns#BY_TYPE_DISPOSITION} or
 * {@value Columns#COUNTER}), {@code window_start}, {@code window_end} (San Francisco time,
 * {@code yyyy-MM-dd HH:mm:ss}), {@code window_start_ms}, {@code crime_type}, {@code disposition},
 * {@code disposition_description}, {@code name} (counters), {@code count}, and {@code batch_id} and {@code query_id}
 * so a reader can fold one query's records by key, latest batch wins.
 */
public final class ResultRecords {
    public static final String FIELD_AGGREGATION = "aggregation";
    public static final String FIELD_NAME = "name";
    public static final String FIELD_BATCH_ID = "batch_id";
    public static final String FIELD_QUERY_ID = "query_id";
    public static final String FIELD_WINDOW_START_MS = "window_start_ms";
    /** A column for the driver only (not in the record): the window's end in epoch ms, null for counters. */
    public static final String WINDOW_END_MS = "window_end_ms";
    static final String LOCAL = "yyyy-MM-dd HH:mm:ss";
    static final String WITH_OFFSET = "yyyy-MM-dd'T'HH:mm:ssXXX";

    private ResultRecords() {
    }

    /** Described aggregate rows → {@code key, value} (strings) plus the columns the driver reads back. */
    public static Dataset<Row> toRecords(Dataset<Row> described, long batchId, String queryId) {
        Column isWindow = col(LEVEL).notEqual(COUNTER);
        Column key = to_json(array(col(LEVEL), date_format(col(WINDOW_START), WITH_OFFSET), col(CRIME_TYPE),
                col(DISPOSITION)));
        // The value's row fields are named as in the report (common's ReportField).
        Column value = to_json(struct(
                col(LEVEL).as(FIELD_AGGREGATION),
                when(isWindow, date_format(col(WINDOW_START), LOCAL)).as(ReportField.WINDOW_START.key()),
                when(isWindow, date_format(col(WINDOW_END), LOCAL)).as(ReportField.WINDOW_END.key()),
                when(isWindow, unix_millis(col(WINDOW_START))).as(FIELD_WINDOW_START_MS),
                when(isWindow, col(CRIME_TYPE)).as(ReportField.CRIME_TYPE.key()),
                when(col(LEVEL).equalTo(BY_TYPE_DISPOSITION), col(DISPOSITION)).as(ReportField.DISPOSITION.key()),
                when(col(LEVEL).equalTo(BY_TYPE_DISPOSITION), col(DISPOSITION_DESCRIPTION))
                        .as(ReportField.DISPOSITION_DESCRIPTION.key()),
                when(isWindow.unary_$bang(), col(CRIME_TYPE)).as(FIELD_NAME),
                col(COUNT).as(ReportField.COUNT.key()),
                BatchConstants.batchId(batchId).as(FIELD_BATCH_ID),
                lit(queryId).as(FIELD_QUERY_ID)));
        return described.select(key.as("key"), value.as("value"), col(LEVEL), col(CRIME_TYPE), col(COUNT),
                when(isWindow, date_format(col(WINDOW_START), LOCAL)).as(WINDOW_START),
                when(isWindow, date_format(col(WINDOW_END), LOCAL)).as(WINDOW_END),
                when(isWindow, unix_millis(col(WINDOW_END))).as(WINDOW_END_MS));
    }
}
