package io.sfcrime.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.report.CountsReport;
import io.sfcrime.common.scan.ReferenceVerdict;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The expected report computed in plain Java from the raw record values, independently of Spark: common's reference
 * verdict for validity, {@link EventTime} for the time, hour windows in San Francisco time by the instant,
 * {@link RadioCodes#describe} for descriptions; built and compared with common's report model. Assumes no late rows.
 */
public final class ExpectedReport {
    private static final ZoneId SF = ZoneId.of(CallFields.EVENT_TIME_ZONE);
    private static final long HOUR = 3_600_000L;

    private ExpectedReport() {
    }

    record Key(long windowStartMs, String type, String disposition) {
    }

    public static ObjectNode compute(List<byte[]> values, RadioCodes codes) {
        long valid = 0;
        long invalid = 0;
        Map<String, Long> reasons = new TreeMap<>();
        Map<Key, Long> counts = new HashMap<>();
        for (byte[] v : values) {
            String reason = ReferenceVerdict.reason(v);
            if (reason != null) {
                invalid++;
                reasons.merge(reason, 1L, Long::sum);
                continue;
            }
            valid++;
            JsonNode n = ReferenceVerdict.tree(v);
            LocalDateTime local = EventTime.parse(n.get(CallFields.CALL_DATE_TIME).asText()).orElseThrow();
            long ms = ZonedDateTime.of(local, SF).toInstant().toEpochMilli();
            JsonNode d = n.get(CallFields.DISPOSITION);
            counts.merge(new Key(Math.floorDiv(ms, HOUR) * HOUR, n.get(CallFields.ORIGINAL_CRIME_TYPE_NAME).asText(),
                    d == null || d.isNull() ? null : d.asText()), 1L, Long::sum);
        }
        CountsReport.Builder report = CountsReport.builder(valid + invalid, valid, invalid, 0).invalidByReason(reasons);
        counts.forEach((k, count) -> report.add(k.windowStartMs(), k.windowStartMs() + HOUR, k.type(), k.disposition(),
                codes.describe(k.disposition()), count));
        return report.build().toJson();
    }

    /** A readable account of where two reports differ (settings aside), or null when they are equal. */
    public static String differences(JsonNode report, JsonNode expectedReport) {
        List<String> differences = CountsReport.fromJson(expectedReport, "expected")
                .differences(CountsReport.fromJson(report, "report"), 20);
        return differences.isEmpty() ? null : String.join("\n", differences);
    }
}
