package io.sfcrime.spark.pipeline;

/**
 * The names every step of the job agrees on: the columns the pipeline adds to Kafka's rows, the columns of the one
 * aggregation, and the values of its {@code level} column (which the results topic carries as {@code aggregation}).
 */
public final class Columns {
    // Added to each Kafka row by CallValidation (CallScan's result).
    /** Why the record is invalid ({@link io.sfcrime.common.Invalid} code); null for a valid record. */
    public static final String REASON = "reason";
    /** What exactly is wrong, for the dead-letter header; null for a valid record. */
    public static final String MESSAGE = "message";
    /** {@code call_date_time} as a timestamp (San Francisco local time); null for an invalid record. */
    public static final String EVENT_TIME = "event_time";
    public static final String CRIME_TYPE = "crime_type";
    public static final String CRIME_ID = "crime_id";
    public static final String DISPOSITION = "disposition";

    // The aggregation's columns (WindowCounts), and what RadioCodeJoin adds to them.
    public static final String LEVEL = "level";
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String COUNT = "count";
    public static final String DISPOSITION_DESCRIPTION = "disposition_description";

    // Values of LEVEL: the grouping levels of the one aggregation, also the aggregation field of result records.
    public static final String BY_TYPE = "by_window_crime_type";
    public static final String BY_TYPE_DISPOSITION = "by_window_crime_type_disposition";
    public static final String COUNTER = "counter";
    /** Counter names (in the crime_type column of counter rows). Invalid rows count per reason. */
    public static final String VALID_ROWS = "valid_rows";
    public static final String INVALID_ROWS_PREFIX = "invalid_rows:";

    private Columns() {
    }
}
