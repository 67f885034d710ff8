package io.sfcrime.bench.study;

import io.sfcrime.common.CallFields;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.scan.CallScanner;
import io.sfcrime.common.scan.EventTimeRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scaling study's inputs of many windows: the producer sends exactly the records the generator calls valid (the
 * study's expected count), so each must pass the product's own check, common's {@link CallScanner} with the default
 * {@link EventTimeRange} at the wall clock, as the producer's record decoder applies it.
 */
class LabInputTest {
    private static final long SEED = 42; // bin/bench's default --seed
    private static final long HOUR_MILLIS = 3_600_000L;

    /**
     * Fewer records than the study's 1,000,000 keep the test fast: the span, and so which event times occur, does not
     * depend on the count, and with at least two records an hour every hour still has a valid one.
     */
    @ParameterizedTest(name = "w={0}")
    @CsvSource({
            // windows, records, hourly windows of event time (one fewer per spring-forward change in the span)
            "100, 20000, 100",
            "10000, 20000, 9999",      // 2017-11-10 .. 2019-01-01: 2018-03-11
            "100000, 200000, 99989",   // 2007-08-04 .. 2019-01-01: every March 2008..2018
    })
    void everyRecordTheGeneratorCallsValidPassesTheProductsCheckAndTheWindowsAreAsClaimed(int windows, long records,
                                                                                        int hourlyWindows) {
        CallGenerator.Options options = Lab.Input.options(SEED, records, windows);
        CallGenerator generator = new CallGenerator(options);
        CallScanner scanner = new CallScanner(EventTimeRange.defaults());
        long now = System.currentTimeMillis();
        List<String> wrong = new ArrayList<>();
        long valid = 0;
        Set<String> clockHours = new HashSet<>();
        Set<Long> windowStarts = new HashSet<>();
        for (long i = 0; i < records; i++) {
            byte[] b = generator.recordBytes(i);
            Invalid invalid = scanner.scan(b, b.length, EventTimeRange.defaults(), now);
            boolean claimedValid = generator.invalidKindAt(i) == null;
            if ((invalid == null) != claimedValid && wrong.size() < 5) {
                wrong.add("record " + i + ": generator says " + (claimedValid ? "valid" : generator.expectedReasonAt(i))
                        + ", scanner says " + (invalid == null ? "valid" : invalid));
            }
            if (invalid == null) {
                valid++;
                clockHours.add(scanner.callDateTime().substring(0, 13));
                // The ceiling's and Spark's rule: tumbling one-hour windows aligned to the epoch.
                long event = scanner.eventMillis();
                windowStarts.add(event - Math.floorMod(event, HOUR_MILLIS));
            }
        }
        assertThat(wrong).as("records the generator and the product judge differently").isEmpty();
        assertThat(valid).isEqualTo(records - generator.invalidCount());
        assertThat(clockHours).as("distinct San Francisco clock hours").hasSize(windows);
        assertThat(windowStarts).as("distinct hourly windows of event time").hasSize(hourlyWindows);
    }

    @Test
    void theStudysPointsEndWhereTheDefaultInputEndsAndArePlausibleAtTheClock() {
        long now = System.currentTimeMillis();
        for (int windows : List.of(100, 10_000, 100_000)) {
            CallGenerator.Options options = Lab.Input.options(SEED, 1_000_000, windows);
            assertThat(options.start().plus(options.span())).isEqualTo(LocalDateTime.of(2019, 1, 1, 0, 0));
            assertThatCode(() -> Lab.Input.requirePlausible(options, EventTimeRange.defaults(), now))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void anInputReachingPastTheClockOrBeforeTheFloorIsRefusedBeforeItIsWritten() {
        // Spread forward from the default start, 10^5 hours run to 2030: at the clock of the failed run (2026-12-03)
        // the producer dead-lettered the records after it, and the study expected them all.
        long failedRun = LocalDateTime.of(2026, 12, 3, 5, 20).atZone(ZoneId.of(CallFields.EVENT_TIME_ZONE))
                .toInstant().toEpochMilli();
        CallGenerator.Options forward = CallGenerator.Options.defaults().withCount(1_000_000).withWindows(100_000);
        assertThatThrownBy(() -> Lab.Input.requirePlausible(forward, EventTimeRange.defaults(), failedRun))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validation.maxFutureSkew");
        // 5 * 10^5 hours back from 2019 would start in 1961, before validation.minEventTime.
        CallGenerator.Options tooMany = Lab.Input.options(SEED, 1_000_000, 500_000);
        assertThatThrownBy(() -> Lab.Input.requirePlausible(tooMany, EventTimeRange.defaults(),
                System.currentTimeMillis())).hasMessageContaining("validation.minEventTime");
    }
}
