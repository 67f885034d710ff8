package io.sfcrime.bench.study;

import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.floor.SparkFloorMain;
import io.sfcrime.bench.run.Child;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The floor of Spark's own machinery ({@link SparkFloorMain}), R times: Spark's Kafka source into the noop sink,
 * without and with the job's record scan, at the comparison batch size and at the fastest profile's. It answers how
 * much of the gap between the best profile and the ceiling Spark's source and micro-batches take before the job does
 * any work of its own. Each floor drains the topic in a JVM of its own and is rated after its first batch, as each
 * spark-app run is: a floor drained after others in the same JVM starts with their JIT-compiled code (measured here:
 * 500k per batch read 168k rows/s in a fresh JVM, 251k after two 100k drains). Each run must read every record.
 */
public final class SparkFloorStudy implements Study {
    static final String NAME = "spark-floor";
    /** The floors, in the order they are drained, with the report's description of each. */
    static final Map<String, String> FLOORS = floors();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Lab lab) {
        Map<String, List<Repetition>> reps = new LinkedHashMap<>();
        FLOORS.keySet().forEach(f -> reps.put(f, new ArrayList<>()));
        for (int rep = 1; rep <= lab.o.r(); rep++) {
            for (String f : FLOORS.keySet()) {
                reps.get(f).add(drain(lab, f, rep));
            }
        }
        FLOORS.forEach((f, description) -> {
            String batch = SPECS.get(f).split(":")[1];
            lab.runs.add(Run.of(runName(f), NAME, NAME, description, null, Long.parseLong(batch),
                    Map.of("source.maxOffsetsPerTrigger", batch), reps.get(f)));
        });
    }

    /** The run name of one floor in the results and the report. */
    public static String runName(String floor) {
        return NAME + "-" + floor;
    }

    /** One child JVM draining one floor: a repetition of it. */
    private static Repetition drain(Lab lab, String floor, int rep) {
        Path dir = lab.dir(NAME + "/" + floor + "/r" + rep);
        Path timing = dir.resolve("timing.json");
        Path gcLog = dir.resolve("gc.log");
        Path root = lab.o.root();
        // spark-app's classpath (Spark, its Kafka source, common) with this module's jar in front, and the JVM
        // flags Spark needs on Java 17, as bin/spark-app runs the job.
        String classpath = root.resolve("bench/target/bench.jar") + java.io.File.pathSeparator
                + root.resolve("spark-app/target/lib/*");
        List<String> cmd = new ArrayList<>(List.of(Lab.javaBin(), "-Xmx2g", "-Xlog:gc:file=" + gcLog,
                "@" + root.resolve("container/jib-root/opt/sfcrime/spark-java17.args"), "-cp", classpath,
                SparkFloorMain.class.getName(), "--bootstrap", lab.broker.bootstrap(), "--topic", Lab.TOPIC,
                "--work-dir", dir.resolve("checkpoints").toString(), "--timing-json", timing.toString(),
                "--floor", floor + ":" + SPECS.get(floor)));
        Child c = Child.start(NAME, cmd, Map.of(), root, dir.resolve("spark-floor.log"));
        String error = c.await(lab.o.runTimeout());
        if (error == null) {
            try {
                SparkFloorMain.Timing t = Results.MAPPER.readValue(timing.toFile(), SparkFloorMain.Timing.class);
                Child.GcHeap heap = Child.GcHeap.read(gcLog);
                long expected = lab.broker.endOffsetSum(Lab.TOPIC);
                for (SparkFloorMain.Floor f : t.floors()) {
                    String wrong = f.records() == expected ? null
                            : "read " + f.records() + " records of the topic's " + expected;
                    Lab.log("%s r%d: %s%.0f rows/s %s, %d records in %d batches, %.2f s", runName(f.name()), rep,
                            wrong == null ? "" : "INVALID ", f.rowsPerSecondAfterWarmup(),
                            f.batches() > 1 ? "after the first batch" : "(one batch: warm-up included)",
                            f.records(), f.batches(), f.seconds());
                    return new Repetition(rep, wrong, lab.o.rel(c.log()), Results.Rate.of(f.records(),
                            f.rowsPerSecondAfterWarmup(), f.records() / f.seconds(), f.seconds(), c.wallSeconds(),
                            f.rowsPerSecondAfterWarmup() * lab.input.meanRecordBytes() / 1e6),
                            Results.Memory.of(c.peakRssMb(), heap.peakMb()), Results.Batches.NONE,
                            Results.Counts.NONE);
                }
                error = "no timing for this floor";
            } catch (RuntimeException | IOException e) {
                error = "unreadable output: " + e.getMessage();
            }
        }
        Lab.log("%s r%d: FAILED %s", runName(floor), rep, error);
        return lab.failed(rep, error, c);
    }

    /** name → work:records per batch, the --floor of SparkFloorMain without its name. */
    static final Map<String, String> SPECS = specs();

    private static Map<String, String> floors() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("read-100k", "Spark's Kafka source alone at 100k records per batch: each record a Spark row, its "
                + "value's length taken, noop sink");
        m.put("read-scan-100k", "the same plus the job's record scan (parse and validate each value)");
        m.put("read-500k", "Spark's Kafka source alone at 500k records per batch");
        m.put("read-scan-500k", "the same plus the job's record scan, at 500k records per batch");
        return m;
    }

    private static Map<String, String> specs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("read-100k", "read:100000");
        m.put("read-scan-100k", "read-scan:100000");
        m.put("read-500k", "read:500000");
        m.put("read-scan-500k", "read-scan:500000");
        return m;
    }
}
