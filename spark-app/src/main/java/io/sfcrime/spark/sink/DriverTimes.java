package io.sfcrime.spark.sink;

import java.util.LinkedHashMap;
import java.util.Map;

/** The results sink's steps of one batch as wall milliseconds, for {@code --operator-metrics-file}. */
final class DriverTimes {
    private DriverTimes() {
    }

    /**
     * From {@code System.nanoTime()} marks: {@code kafka_write_action} is the write to the results topic (after
     * reading the batch's watermark from the offset log), which also computes the batch's rows: the micro-batch plan
     * runs lazily, on the first action. {@code collect} brings the
     * cached rows to the driver; {@code fold} is the driver's loop over them; {@code snapshot} closes windows and
     * writes the totals snapshot; {@code total} is the whole {@code foreachBatch} body.
     */
    static Map<String, Double> of(long start, long written, long collected, long folded, long end) {
        Map<String, Double> ms = new LinkedHashMap<>();
        ms.put("kafka_write_action", (written - start) / 1e6);
        ms.put("collect", (collected - written) / 1e6);
        ms.put("fold", (folded - collected) / 1e6);
        ms.put("snapshot", (end - folded) / 1e6);
        ms.put("total", (end - start) / 1e6);
        return ms;
    }
}
