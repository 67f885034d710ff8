package io.sfcrime.common.scan;

import io.sfcrime.common.CallFields;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.tuning.SettingType;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The event times a record may plausibly carry: from {@code validation.minEventTime} (a date, San Francisco time) to
 * a clock plus {@code validation.maxFutureSkew}. Outside it a record is invalid ({@link Invalid#IMPLAUSIBLE_DATE_TIME}):
 * a single year-9999 record would otherwise move the watermark to year 9999 and every later record would be dropped
 * as late, for good, since the checkpoint keeps the watermark. The clock is the caller's: the producer's wall clock,
 * the Spark batch's timestamp (kept in the checkpoint, so a replayed batch judges its records the same way).
 * Serializable: the Spark job ships it to the executors inside its UDF.
 */
public final class EventTimeRange implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ZoneId SF = ZoneId.of(CallFields.EVENT_TIME_ZONE);
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private final LocalDate floor;
    private final long floorMillis;
    private final long maxFutureSkewMillis;

    public EventTimeRange(LocalDate floor, Duration maxFutureSkew) {
        this.floor = floor;
        this.floorMillis = floor.atStartOfDay(SF).toInstant().toEpochMilli();
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    }

    /** The range the tuning sets. */
    public static EventTimeRange of(Tuning tuning) {
        return new EventTimeRange(LocalDate.parse(tuning.getString(TuningKeys.MIN_EVENT_TIME)),
                tuning.getDuration(TuningKeys.MAX_FUTURE_SKEW));
    }

    /** The declared defaults. */
    public static EventTimeRange defaults() {
        return of(Tuning.defaults());
    }

    public LocalDate floor() {
        return floor;
    }

    public Duration maxFutureSkew() {
        return Duration.ofMillis(maxFutureSkewMillis);
    }

    /** Null when {@code eventMillis} (of the valid text {@code callDateTime}) lies in range at {@code nowMillis}. */
    public Invalid check(String callDateTime, long eventMillis, long nowMillis) {
        if (eventMillis < floorMillis) {
            return Invalid.of(Invalid.IMPLAUSIBLE_DATE_TIME, CallFields.CALL_DATE_TIME + " '" + callDateTime
                    + "' is before " + floor + ", the earliest plausible date (" + TuningKeys.MIN_EVENT_TIME.name()
                    + ")");
        }
        if (eventMillis - maxFutureSkewMillis > nowMillis) {
            return Invalid.of(Invalid.IMPLAUSIBLE_DATE_TIME, CallFields.CALL_DATE_TIME + " '" + callDateTime
                    + "' is more than " + SettingType.DURATION.render(maxFutureSkew()) + " after the clock ("
                    + LOCAL.format(Instant.ofEpochMilli(nowMillis).atZone(SF)) + " San Francisco time; "
                    + TuningKeys.MAX_FUTURE_SKEW.name() + ")");
        }
        return null;
    }

    @Override
    public String toString() {
        return "from " + floor + " to the clock + " + SettingType.DURATION.render(maxFutureSkew());
    }
}
