package io.sfcrime.bench.study;

import io.sfcrime.bench.Profiles.Profile;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.run.Child;
import io.sfcrime.bench.run.OperatorBreakdown;
import io.sfcrime.bench.run.SparkProgress;
import io.sfcrime.common.report.CountsReport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every selected profile R times over {@link Lab#TOPIC}, interleaved (repetition 1 of all, then 2 of all...) so
 * that drift in the machine's load spreads over all of them instead of biasing the last ones.
 */
public final class SparkSweep implements Study {
    static final String NAME = "spark";
    /**
     * Each run records its operator metrics for the report's breakdown; {@code -Dbench.operatorMetrics=false} in
     * JAVA_OPTS turns that off, to measure what the collector costs.
     */
    static final boolean OPERATOR_METRICS = Boolean.parseBoolean(System.getProperty("bench.operatorMetrics", "true"));

    /** The repetition, and the heap left after the fullest GC (scaling reports it). */
    record Outcome(Repetition rep, double heapAfterGcMb) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Lab lab) {
        Map<String, List<Repetition>> reps = new LinkedHashMap<>();
        lab.selected.forEach(p -> reps.put(p.name(), new ArrayList<>()));
        // The Kafka Streams peer's drains take their turn in each repetition, like one more profile.
        boolean peer = lab.o.runs(KafkaStreamsStudy.NAME);
        List<Repetition> peerReps = new ArrayList<>();
        for (int rep = 1; rep <= lab.o.r(); rep++) {
            for (Profile p : lab.selected) {
                reps.get(p.name()).add(run(lab, Lab.TOPIC, p, p.name() + "/r" + rep, rep, lab.reference, "").rep());
                breakdown(lab, p, p.name() + "/r" + rep);
            }
            if (peer) {
                peerReps.add(KafkaStreamsStudy.drain(lab, rep));
            }
        }
        for (Profile p : lab.selected) {
            lab.runs.add(Run.of(p.name(), NAME, p.group(), p.description(), p.compareTo(), p.maxOffsetsPerTrigger(),
                    p.settings(), reps.get(p.name())));
        }
        if (peer) {
            lab.runs.add(KafkaStreamsStudy.run(peerReps));
        }
    }

    /** Where the run's batches went by operator, from its --operator-metrics-file (the report's breakdown). */
    private static void breakdown(Lab lab, Profile p, String id) {
        Path dir = lab.dir("spark/" + id);
        try {
            OperatorBreakdown.Summary s = OperatorBreakdown.read(p.name(), id, dir.resolve(Lab.OPERATORS_FILE),
                    dir.resolve("progress.jsonl"));
            if (s != null) {
                lab.breakdowns.add(s);
            }
        } catch (RuntimeException e) {
            Lab.log("spark %s: no operator breakdown: %s", id, e.getMessage());
        }
    }

    /**
     * One {@code bin/spark-app --available-now} run of a profile over a topic with a fresh checkpoint, its report
     * checked against the ceiling's counts of the same topic.
     */
    static Outcome run(Lab lab, String topic, Profile p, String id, int rep, Lab.Reference expected, String javaOpts) {
        Path dir = lab.dir("spark/" + id);
        Path report = dir.resolve("report.json");
        Path gcLog = dir.resolve("gc.log");
        String suffix = id.replace('/', '-');
        Lab.deleteRecursively(dir.resolve("checkpoint"));
        Lab.deleteRecursively(dir.resolve(Lab.OPERATORS_FILE)); // spark-app appends to it
        List<String> more = new ArrayList<>(List.of("--available-now", "--report", report.toString()));
        if (OPERATOR_METRICS) {
            more.addAll(List.of("--operator-metrics-file", dir.resolve(Lab.OPERATORS_FILE).toString()));
        }
        Child c = Child.start("spark-app", lab.sparkApp(topic, "results-" + suffix, "dlq-" + suffix, dir, p,
                        more.toArray(String[]::new)),
                Map.of("JAVA_OPTS", lab.o.sparkJavaOpts() + " -Xlog:gc:file=" + gcLog + " " + javaOpts), lab.o.root(),
                dir.resolve("spark-app.log"));
        String error = c.await(lab.o.runTimeout());
        Lab.deleteRecursively(dir.resolve("checkpoint")); // state of 200 partitions x batches adds up over a sweep
        lab.broker.deleteTopics(List.of("results-" + suffix, "dlq-" + suffix));
        Child.GcHeap heap = Child.GcHeap.read(gcLog);
        SparkProgress.Summary s = null;
        CountsReport counts = null;
        try {
            if (error == null) {
                s = SparkProgress.summarize(SparkProgress.read(dir.resolve("progress.jsonl")));
                counts = CountsReport.read(report);
            }
        } catch (RuntimeException e) {
            error = "unreadable output: " + e.getMessage();
        }
        if (error != null) {
            Lab.log("spark %s: FAILED %s", id, error);
            return new Outcome(lab.failed(rep, error, c), heap.afterGcMb());
        }
        List<String> diff = expected == null ? List.of("no ceiling counts to compare with")
                : expected.differences(counts);
        Lab.log("spark %s: %s%.0f rows/s (median of %d batches%s), drain %.1f s, batch p50 %.0f ms p95 %.0f ms,"
                        + " wall %.1f s, RSS %.0f MB, heap %.0f MB", id, diff.isEmpty() ? "" : "INVALID ",
                s.rowsPerSecond(), s.dataBatches(), s.warmupIncluded() ? ", warm-up included" : "", s.drainSeconds(),
                s.batchP50Ms(), s.batchP95Ms(), c.wallSeconds(), c.peakRssMb(), heap.peakMb());
        return new Outcome(new Repetition(rep, diff.isEmpty() ? null : "counts differ from the ceiling: "
                + diff.get(0), lab.o.rel(c.log()), Results.Rate.of(s.rows(), s.rowsPerSecond(),
                s.drainRowsPerSecond(), s.drainSeconds(), c.wallSeconds(), s.drainRowsPerSecond()
                * lab.input.meanRecordBytes() / 1e6), Results.Memory.of(c.peakRssMb(), heap.peakMb()), s.batches(),
                new Results.Counts(s.stateRows(), counts.lateRowsDropped(), diff.isEmpty(), diff)), heap.afterGcMb());
    }
}
