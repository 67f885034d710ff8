package io.sfcrime.spark.pipeline;

import io.sfcrime.common.Invalid;
import io.sfcrime.common.scan.CallScanner;
import io.sfcrime.common.scan.EventTimeRange;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.time.Instant;
import java.util.List;

/**
 * The job's parse and validation of a Kafka value, as a Spark row: the verdict ({@code reason}, {@code message},
 * null for a valid record), the event time and the three fields the counts use, all from one pass of common's
 * {@link CallScanner}, the reader the producer and the benchmark ceiling use too. It replaces {@code from_json}
 * plus column checks, which the profile showed costing most of the validation: Spark's JSON reader builds all 14
 * fields through a {@code Reader} allocated per row, and could not tell {@code 123} from {@code "123"}.
 */
public final class CallScan {
    /** Spark type of {@link #scan}'s result, field order as in {@link #scan}. */
    public static final StructType RESULT = DataTypes.createStructType(List.of(
            DataTypes.createStructField(Columns.REASON, DataTypes.StringType, true),
            DataTypes.createStructField(Columns.MESSAGE, DataTypes.StringType, true),
            DataTypes.createStructField(Columns.EVENT_TIME, DataTypes.TimestampType, true),
            DataTypes.createStructField(Columns.CRIME_TYPE, DataTypes.StringType, true),
            DataTypes.createStructField(Columns.DISPOSITION, DataTypes.StringType, true),
            DataTypes.createStructField(Columns.CRIME_ID, DataTypes.StringType, true)));

    /** A scanner keeps buffers and caches between records; Spark runs each task on one thread. */
    private static final ThreadLocal<CallScanner> SCANNER = ThreadLocal.withInitial(CallScanner::new);

    private CallScan() {
    }

    /** The scan as a Spark row of type {@link #RESULT}, event times judged by the default range at the wall clock. */
    public static Row scan(byte[] value) {
        return scan(value, EventTimeRange.defaults(), System.currentTimeMillis());
    }

    /** The scan as a Spark row of type {@link #RESULT}, event times judged by {@code range} at {@code nowMillis}. */
    public static Row scan(byte[] value, EventTimeRange range, long nowMillis) {
        CallScanner s = SCANNER.get();
        Invalid why = value == null ? s.scan(null) : s.scan(value, value.length, range, nowMillis);
        return RowFactory.create(why == null ? null : why.code(), why == null ? null : why.message(),
                why == null ? Instant.ofEpochMilli(s.eventMillis()) : null, s.crimeType(), s.disposition(),
                s.crimeId());
    }
}
