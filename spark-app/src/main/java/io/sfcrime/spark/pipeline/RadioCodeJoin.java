package io.sfcrime.spark.pipeline;

import io.sfcrime.common.RadioCodes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sfcrime.spark.pipeline.Columns.COUNT;
import static io.sfcrime.spark.pipeline.Columns.CRIME_TYPE;
import static io.sfcrime.spark.pipeline.Columns.DISPOSITION;
import static io.sfcrime.spark.pipeline.Columns.DISPOSITION_DESCRIPTION;
import static io.sfcrime.spark.pipeline.Columns.LEVEL;
import static io.sfcrime.spark.pipeline.Columns.WINDOW_END;
import static io.sfcrime.spark.pipeline.Columns.WINDOW_START;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

/** Join: the counts described with the radio-code table's text for each disposition code. */
public final class RadioCodeJoin {
    private RadioCodeJoin() {
    }

    /** The radio-code table as a small static Dataset {@code (disposition_code, description)}. */
    public static Dataset<Row> table(SparkSession spark, RadioCodes codes) {
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
