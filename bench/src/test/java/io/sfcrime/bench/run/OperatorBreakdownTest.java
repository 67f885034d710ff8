package io.sfcrime.bench.run;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading spark-app's operator-metrics lines (the format its PlanNodesTest checks on a real plan) with the progress:
 * fused stages keep all their categories, metrics inside a stage are nested, the driver's times are their own part,
 * and medians are over the steady batches only.
 */
class OperatorBreakdownTest {
    private static String batch(long id, double stage1, double update, double collect) {
        return """
                {"query":"calls-counts","batch_id":%d,"nodes":[
                 {"name":"WholeStageCodegen (1)","category":"fan_out","fused":["fan_out","parse","kafka_read"],
                  "ms":{"duration":%s},"metrics":{}},
                 {"name":"HashAggregate","category":"aggregation","stage":2,"ms":{"time in aggregation build":5.0},
                  "metrics":{}},
                 {"name":"StateStoreSave","category":"aggregation","ms":{"time to update":%s},"metrics":{}},
                 {"name":"StateStoreRestore","category":"aggregation","ms":{"time to update":1.0},"metrics":{}}],
                 "driver_ms":{"kafka_write_action":900.0,"collect":%s,"fold":10.0,"snapshot":2.0,"total":1000.0}}
                """.formatted(id, stage1, update, collect).replace("\n", "");
    }

    private static String progress(long id, long rows, long ms, long stateRows) {
        return ("{\"name\":\"calls-counts\",\"batchId\":%d,\"numInputRows\":%d,\"durationMs\":{\"triggerExecution\":%d},"
                + "\"stateOperators\":[{\"numRowsTotal\":%d,\"memoryUsedBytes\":2000000,\"commitTimeMs\":7,"
                + "\"customMetrics\":{\"loadedMapCacheHitCount\":3}}]}").formatted(id, rows, ms, stateRows);
    }

    @Test
    void steadyBatchesAreBrokenDownByCategoryWithoutSplittingFusedStages() throws Exception {
        List<String> ops = List.of(batch(0, 5000, 900, 300), batch(1, 400, 100, 30), batch(2, 600, 300, 50),
                batch(3, 500, 200, 40), batch(4, 10, 10, 10),
                "{\"query\":\"calls-dead-letter\",\"batch_id\":1,\"nodes\":[]}");
        List<String> progress = List.of(progress(0, 100, 9000, 10), progress(1, 100, 1000, 20),
                progress(2, 100, 1200, 30), progress(3, 100, 1100, 40), progress(4, 10, 50, 41),
                "{\"name\":\"calls-dead-letter\",\"batchId\":1,\"numInputRows\":100}");
        OperatorBreakdown.Summary s = OperatorBreakdown.summarize("p", "p/r1", ops, progress);

        // Batch 0 (warm-up) and batch 4 (a short tail) are not steady.
        assertThat(s.steadyBatches()).isEqualTo(3);
        assertThat(s.batches()).hasSize(5);
        assertThat(s.batchMsMedian()).isEqualTo(1100.0);
        Map<String, OperatorBreakdown.Part> parts = new java.util.LinkedHashMap<>();
        s.parts().forEach(p -> parts.put(p.category() + " | " + p.measure(), p));
        OperatorBreakdown.Part fused = parts.get("Kafka read and decode + parse and validate + fan-out to the count "
                + "levels | WholeStageCodegen duration (one number for the fused stage)");
        assertThat(fused.msMedian()).isEqualTo(500.0);
        assertThat(fused.nested()).isFalse();
        assertThat(parts.get("aggregation and state store | HashAggregate: time in aggregation build (within its "
                + "stage)").nested()).isTrue();
        assertThat(parts.get("aggregation and state store | StateStoreSave: time to update").msMedian())
                .isEqualTo(200.0);
        assertThat(parts.get("driver work in foreachBatch | collect of the updated rows to the driver, wall")
                .msMedian()).isEqualTo(40.0);
        // The sink's total is the sum of its steps: not a part of its own.
        assertThat(parts.keySet().stream().filter(k -> k.startsWith("driver work"))).hasSize(4);
        assertThat(s.stateStore()).containsEntry("numRowsTotal", 30.0).containsEntry("memoryUsedBytes", 2e6)
                .containsEntry("commitTimeMs", 7.0).containsEntry("loadedMapCacheHitCount", 3.0);
    }
}
