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
                {"query":"calls-counts","batch_id":%d,"execution_id":7,"nodes":[
                 {"id":0,"execution":7,"name":"WholeStageCodegen (2)","category":"aggregation","fused":["aggregation"],
                  "ms":{"duration":50.0},"metrics":{}},
                 {"id":1,"parent":0,"stage":2,"name":"HashAggregate","category":"aggregation",
                  "ms":{"time in aggregation build":5.0},"metrics":{}},
                 {"id":2,"parent":1,"stage":2,"name":"InputAdapter","category":"fan_out","ms":{},"metrics":{}},
                 {"id":3,"parent":2,"name":"StateStoreSave","category":"aggregation","ms":{"time to update":%s},
                  "metrics":{}},
                 {"id":4,"parent":3,"name":"WholeStageCodegen (1)","category":"fan_out",
                  "fused":["fan_out","parse","kafka_read"],"ms":{"duration":%s},"metrics":{}},
                 {"id":5,"parent":4,"stage":1,"name":"InputAdapter","category":"kafka_read","ms":{},"metrics":{}},
                 {"id":6,"parent":5,"name":"Exchange","category":"aggregation","ms":{"shuffle write time":1.0},
                  "metrics":{}},
                 {"id":7,"parent":6,"name":"WholeStageCodegen (9)","category":"parse","fused":["parse"],
                  "ms":{"duration":1000.0},"metrics":{}},
                 {"id":8,"execution":8,"name":"WholeStageCodegen (1)","category":"encoding","fused":["encoding"],
                  "ms":{"duration":80.0},"metrics":{}},
                 {"id":9,"parent":8,"stage":1,"name":"Scan ExistingRDD","category":"encoding","ms":{},"metrics":{}}],
                 "driver_ms":{"kafka_write_action":900.0,"collect":%s,"fold":10.0,"snapshot":2.0,"total":1000.0},
                 "jvm_ms":{"jit_compile":%s,"gc_pause":12,"process_cpu":1500,"unknown_counter":9}}
                """.formatted(id, update, stage1, collect, collect * 10).replace("\n", "");
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
        String stage = " | WholeStageCodegen duration less the stages it reads in the same tasks (one number for all"
                + " it fused)";
        OperatorBreakdown.Part fused = parts.get("Kafka read and decode + parse and validate + fan-out to the count "
                + "levels" + stage);
        // Its own duration: the stage behind the shuffle runs in other tasks and is not subtracted.
        assertThat(fused.msMedian()).isEqualTo(500.0);
        assertThat(fused.nested()).isFalse();
        // The stage reading the state store's rows holds the fused stage below it (50 - 500, never below 0); the
        // sink's encoding stage reads the batch plan's top stage (80 - 50).
        assertThat(parts.get("aggregation and state store" + stage).msMedian()).isEqualTo(0.0);
        assertThat(parts.get("results encoding" + stage).msMedian()).isEqualTo(30.0);
        assertThat(parts.get("parse and validate" + stage).msMedian()).isEqualTo(1000.0);
        assertThat(parts.get("aggregation and state store | HashAggregate: time in aggregation build (within its "
                + "stage)").nested()).isTrue();
        assertThat(parts.get("aggregation and state store | StateStoreSave: time to update (within the stage reading "
                + "it)").msMedian()).isEqualTo(200.0);
        assertThat(parts.get("driver work in foreachBatch | collect of the updated rows to the driver, wall")
                .msMedian()).isEqualTo(40.0);
        // The JVM's own work is a part beside the job's: median of the steady batches' 300, 400 and 500 ms of JIT.
        assertThat(parts.get("the JVM itself (whole process) | JIT compilation, summed over the compiler threads")
                .msMedian()).isEqualTo(400.0);
        assertThat(parts.keySet().stream().filter(k -> k.startsWith("the JVM itself"))).hasSize(3);
        // The sink's total is the sum of its steps: not a part of its own.
        assertThat(parts.keySet().stream().filter(k -> k.startsWith("driver work"))).hasSize(4);
        assertThat(s.stateStore()).containsEntry("numRowsTotal", 30.0).containsEntry("memoryUsedBytes", 2e6)
                .containsEntry("commitTimeMs", 7.0).containsEntry("loadedMapCacheHitCount", 3.0);
    }

    @Test
    void twoFullBatchesAreBrokenDownByTheSecondAsTheirRateIs() throws Exception {
        List<String> ops = List.of(batch(0, 5000, 900, 300), batch(1, 400, 100, 30));
        List<String> progress = List.of(progress(0, 500, 9000, 10), progress(1, 480, 1000, 20));
        OperatorBreakdown.Summary s = OperatorBreakdown.summarize("p", "p/r1", ops, progress);
        assertThat(s.steadyBatches()).isEqualTo(1);
        assertThat(s.batchMsMedian()).isEqualTo(1000.0);
        // A single batch is all there is: it is broken down, warm-up and all.
        OperatorBreakdown.Summary one = OperatorBreakdown.summarize("p", "p/r1", ops.subList(0, 1),
                progress.subList(0, 1));
        assertThat(one.steadyBatches()).isEqualTo(1);
        assertThat(one.batchMsMedian()).isEqualTo(9000.0);
    }
}
