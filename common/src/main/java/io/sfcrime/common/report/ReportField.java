package io.sfcrime.common.report;

import java.util.Locale;

/**
 * The report's field names, a contract that users, scripts, the benchmark and the tests read: each is its constant's
 * name in lower case. The fields of a row are also those of a result record's value.
 */
public enum ReportField {
    /** Records read from the topic: valid plus invalid. */
    INPUT_ROWS,
    /** Records the validator accepted. */
    VALID_ROWS,
    /** Records rejected, each with a reason (see {@link #INVALID_BY_REASON}). */
    INVALID_ROWS,
    /** Valid records the watermark dropped: valid rows minus those counted in windows. */
    LATE_ROWS_DROPPED,
    /** Counts by (window, crime type). */
    BY_WINDOW_CRIME_TYPE,
    /** Counts by (window, crime type, disposition), with the disposition's description. */
    BY_WINDOW_CRIME_TYPE_DISPOSITION,
    /** The tuning of the run, every key as text. */
    SETTINGS,
    /** Invalid records per reason code. */
    INVALID_BY_REASON,
    /** Of a row: the window's first instant, San Francisco time, {@code yyyy-MM-dd HH:mm:ss}. */
    WINDOW_START,
    /** Of a row: the window's end (exclusive), as {@link #WINDOW_START}. */
    WINDOW_END,
    /** Of a row: {@code original_crime_type_name}. */
    CRIME_TYPE,
    /** Of a row: the radio code, null when the record had none. */
    DISPOSITION,
    /** Of a row: the radio code's description; a code missing from the table describes itself. */
    DISPOSITION_DESCRIPTION,
    /** Of a row: how many records. */
    COUNT;

    private final String key = name().toLowerCase(Locale.ROOT);

    /** The name in the JSON. */
    public String key() {
        return key;
    }
}
