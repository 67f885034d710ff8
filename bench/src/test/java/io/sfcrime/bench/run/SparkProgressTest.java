package io.sfcrime.bench.run;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

public class SparkProgressTest {
    /** A progress line shaped like Spark 3.5's StreamingQueryProgress.json for a Kafka source. */
    static String line(long id, String ts, long rows, Double rate, long triggerMs, String start, String end) {
        return String.format(Locale.ROOT, """
                {"id":"q","runId":"r","name":"calls-counts","timestamp":"%s","batchId":%d,"numInputRows":%d,%s\
                "durationMs":{"addBatch":%d,"getBatch":0,"latestOffset":3,"queryPlanning":20,"triggerExecution":%d,"walCommit":10},\
                "stateOperators":[{"operatorName":"stateStoreSave","numRowsTotal":%d,"numRowsUpdated":5,"numRowsDroppedByWatermark":0}],\
                "sources":[{"description":"KafkaV2[Subscribe[calls]]","startOffset":%s,"endOffset":%s,"latestOffset":%s,\
                "numInputRows":%d}],"sink":{"description":"x","numOutputRows":-1}}""",
                ts, id, rows, rate == null ? "" : "\"processedRowsPerSecond\":" + rate + ",", triggerMs - 33, triggerMs,
                100 * (id + 1), start, end, end, rows).replace("\n", "");
    }

    public static List<String> lines() {
        List<String> l = new ArrayList<>();
        l.add(line(0, "2026-11-25T12:00:00.000Z", 100_000, 20_000.0, 5000, "null",
                "{\"calls\":{\"0\":50000,\"1\":50000}}"));
        l.add(line(1, "2026-11-25T12:00:05.000Z", 100_000, 80_000.0, 1250, "{\"calls\":{\"0\":50000,\"1\":50000}}",
                "{\"calls\":{\"0\":100000,\"1\":100000}}"));
        l.add(line(2, "2026-11-25T12:00:06.250Z", 100_000, 100_000.0, 1000, "{\"calls\":{\"0\":100000,\"1\":100000}}",
                "{\"calls\":{\"0\":150000,\"1\":150000}}"));
        l.add(line(3, "2026-11-25T12:00:07.250Z", 100_000, 90_000.0, 1111, "{\"calls\":{\"0\":150000,\"1\":150000}}",
                "{\"calls\":{\"0\":200000,\"1\":200000}}"));
        l.add(line(4, "2026-11-25T12:00:08.361Z", 10_000, 20_000.0, 500, "{\"calls\":{\"0\":200000,\"1\":200000}}",
                "{\"calls\":{\"0\":205000,\"1\":205000}}"));
        // An idle batch: no rate in the JSON (Spark leaves NaN out).
        l.add(line(5, "2026-11-25T12:00:08.861Z", 0, null, 40, "{\"calls\":{\"0\":205000,\"1\":205000}}",
                "{\"calls\":{\"0\":205000,\"1\":205000}}"));
        return l;
    }

    @Test
    void parsesBatchesOffsetsAndPhases() {
        List<SparkProgress.Batch> b = SparkProgress.parse(lines(), "p.jsonl");
        assertThat(b).hasSize(6);
        assertThat(b.get(0).startOffsets()).isEmpty();
        assertThat(b.get(1).startOffsets()).containsEntry(0, 50_000L).containsEntry(1, 50_000L);
        assertThat(b.get(4).endOffsets()).containsEntry(1, 205_000L);
        assertThat(b.get(5).processedRowsPerSecond()).isNaN();
        assertThat(b.get(2).durations()).containsEntry("triggerExecution", 1000L).containsEntry("walCommit", 10L);
        assertThat(b.get(3).stateRows()).isEqualTo(400);
        assertThat(b.get(1).end().toString()).isEqualTo("2026-11-25T12:00:06.250Z");
    }

    @Test
    void medianLeavesOutTheFirstBatchAndThePartialTail() {
        SparkProgress.Summary s = SparkProgress.summarize(SparkProgress.parse(lines(), "p"));
        // Steady batches: 1, 2, 3 (rates 80k, 100k, 90k); batch 0 is warm-up, batch 4 a 10% tail.
        assertThat(s.rowsPerSecond()).isEqualTo(90_000.0);
        assertThat(s.warmupIncluded()).isFalse();
        assertThat(s.rows()).isEqualTo(410_000);
        assertThat(s.dataBatches()).isEqualTo(5);
        // First data batch start 12:00:00.000 to last data batch end 12:00:08.861.
        assertThat(s.drainSeconds()).isCloseTo(8.861, within(1e-9));
        assertThat(s.batchP50Ms()).isEqualTo(1111.0);
        assertThat(s.batchP95Ms()).isCloseTo(1250 + 0.8 * (5000 - 1250), within(1e-9));
        assertThat(s.batchMaxMs()).isEqualTo(5000.0);
        assertThat(s.phaseMsMedian()).containsEntry("triggerExecution", 1111.0).containsEntry("addBatch", 1078.0);
        assertThat(s.stateRows()).isEqualTo(600);
    }

    @Test
    void theDeadLetterQueryCountsForTheDrainButNotForTheRate() {
        List<String> l = new ArrayList<>(lines());
        // The dead-letter pass over the same topic, ending after the counts query.
        l.add(line(0, "2026-11-25T12:00:01.000Z", 410_000, 500_000.0, 9_000, "null",
                "{\"calls\":{\"0\":205000,\"1\":205000}}").replace("calls-counts", "calls-dead-letter"));
        List<SparkProgress.Batch> all = SparkProgress.parse(l, "p");
        assertThat(SparkProgress.mainQuery(all)).hasSize(6).allMatch(b -> b.query().equals("calls-counts"));
        SparkProgress.Summary s = SparkProgress.summarize(all);
        assertThat(s.rowsPerSecond()).isEqualTo(90_000.0);
        assertThat(s.rows()).isEqualTo(410_000);
        assertThat(s.drainSeconds()).isCloseTo(10.0, within(1e-9)); // 12:00:00 to 12:00:01 + 9 s
        assertThat(s.otherQueriesBusySeconds()).isEqualTo(9.0);
        // Without names (an older job with one query) every batch is the main query's.
        assertThat(SparkProgress.mainQuery(SparkProgress.parse(List.of(lines().get(0).replace(
                "\"name\":\"calls-counts\"", "\"name\":null")), "p"))).hasSize(1);
    }

    @Test
    void aSingleBatchRunCountsItsOnlyBatchAndSaysSo() {
        SparkProgress.Summary s = SparkProgress.summarize(SparkProgress.parse(lines().subList(0, 1), "p"));
        assertThat(s.warmupIncluded()).isTrue();
        assertThat(s.rowsPerSecond()).isEqualTo(20_000.0);
    }

    @Test
    void toleratesATornLastLineButNotABrokenMiddle() {
        List<String> l = new ArrayList<>(lines());
        l.add("{\"id\":\"q\",\"timest");
        assertThat(SparkProgress.parse(l, "p")).hasSize(6);
        List<String> broken = new ArrayList<>(lines());
        broken.add(2, "not json");
        assertThatThrownBy(() -> SparkProgress.parse(broken, "p.jsonl")).hasMessageContaining("p.jsonl line 3");
        assertThatThrownBy(() -> SparkProgress.parse(List.of("{\"a\":1}", ""), "p.jsonl"))
                .hasMessageContaining("not a StreamingQueryProgress");
    }

    @Test
    void noDataMeansNoRateRatherThanZero() {
        SparkProgress.Summary s = SparkProgress.summarize(SparkProgress.parse(lines().subList(5, 6), "p"));
        assertThat(s.rows()).isZero();
        assertThat(s.rowsPerSecond()).isNaN();
    }
}
