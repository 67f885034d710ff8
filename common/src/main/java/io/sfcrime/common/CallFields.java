package io.sfcrime.common;

import java.util.List;

/**
 * Field names of a call-for-service record, exactly as the public dataset spells them.
 * Every field is a string in the source data; {@link #ALL} is the order of the explicit schema.
 */
public final class CallFields {
    public static final String CRIME_ID = "crime_id";
    public static final String ORIGINAL_CRIME_TYPE_NAME = "original_crime_type_name";
    public static final String REPORT_DATE = "report_date";
    public static final String CALL_DATE = "call_date";
    public static final String OFFENSE_DATE = "offense_date";
    public static final String CALL_TIME = "call_time";
    public static final String CALL_DATE_TIME = "call_date_time";
    public static final String DISPOSITION = "disposition";
    public static final String ADDRESS = "address";
    public static final String CITY = "city";
    public static final String STATE = "state";
    public static final String AGENCY_ID = "agency_id";
    public static final String ADDRESS_TYPE = "address_type";
    public static final String COMMON_LOCATION = "common_location";

    public static final List<String> ALL = List.of(
            CRIME_ID, ORIGINAL_CRIME_TYPE_NAME, REPORT_DATE, CALL_DATE, OFFENSE_DATE, CALL_TIME,
            CALL_DATE_TIME, DISPOSITION, ADDRESS, CITY, STATE, AGENCY_ID, ADDRESS_TYPE, COMMON_LOCATION);

    /** The time zone of {@code call_date_time}: San Francisco wall-clock time, no offset in the data. */
    public static final String EVENT_TIME_ZONE = "America/Los_Angeles";

    private CallFields() {
    }
}
