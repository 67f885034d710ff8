package io.sfcrime.bench.study;

import io.sfcrime.bench.BenchOptions;
import io.sfcrime.bench.Profiles.Profile;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.ceiling.CeilingMain;
import io.sfcrime.bench.run.Child;
import io.sfcrime.common.report.CountsReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The single-thread ceiling over {@link Lab#TOPIC}, R times: its rate is what the Spark profiles are measured
 * against, and its counts ({@link Lab#reference}) what every Spark run must reproduce, so it also runs when only
 * the Spark sweep does. Its repetitions must agree with each other.
 */
public final class CeilingStudy implements Study {
    static final String NAME = "ceiling";

    /** {@code counts} is null when the run failed. */
    record Outcome(Repetition rep, CountsReport counts, long lateHazard, long distinctKeys, double heapAfterGcMb) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean enabled(BenchOptions o) {
        return o.runs(NAME) || o.runs(SparkSweep.NAME) || o.runs(KafkaStreamsStudy.NAME);
    }

    @Override
    public void run(Lab lab) {
        Profile baseline = lab.profiles.baseline();
        List<Repetition> reps = new ArrayList<>();
        for (int rep = 1; rep <= lab.o.r(); rep++) {
            Outcome out = run(lab, Lab.TOPIC, baseline, NAME, rep);
            if (out.counts() != null && lab.reference == null) {
                lab.reference = new Lab.Reference(out.counts(), out.lateHazard());
                if (out.counts().validRows() != lab.input.summary().valid()) {
                    lab.notes.add("ceiling counted " + out.counts().validRows() + " valid records, the generator "
                            + "wrote " + lab.input.summary().valid());
                }
            }
            List<String> diff = out.counts() == null ? List.of() : lab.reference.counts().differences(out.counts(), 5);
            reps.add(diff.isEmpty() ? out.rep() : out.rep().failed("ceiling repetitions disagree: " + diff));
        }
        lab.runs.add(Run.of(NAME, NAME, NAME, "one thread, one KafkaConsumer, the job's work in plain Java", null,
                null, baseline.settings(), reps));
    }

    /** One ceiling JVM ({@code CeilingMain}) draining {@code topic} with the window and watermark of the profile. */
    static Outcome run(Lab lab, String topic, Profile profile, String name, int rep) {
        Path dir = lab.dir(name + "/r" + rep);
        Path report = dir.resolve("report.json");
        Path timing = dir.resolve("timing.json");
        Path gcLog = dir.resolve("gc.log");
        Child c = Child.start(name, List.of(Lab.javaBin(), "-Xmx2g", "-Xlog:gc:file=" + gcLog, "-cp",
                System.getProperty("java.class.path"), "io.sfcrime.bench.ceiling.CeilingMain", "--bootstrap",
                lab.broker.bootstrap(), "--topic", topic, "--radio-codes", lab.o.radioCodes().toString(), "--tuning",
                Lab.tuningFile(dir, profile.settings()).toString(), "--report", report.toString(), "--timing-json",
                timing.toString()), Map.of(), lab.o.root(), dir.resolve("ceiling.log"));
        String error = c.await(lab.o.runTimeout());
        if (error == null) {
            try {
                CeilingMain.Timing t = Results.MAPPER.readValue(timing.toFile(), CeilingMain.Timing.class);
                CountsReport counts = CountsReport.read(report);
                Child.GcHeap heap = Child.GcHeap.read(gcLog);
                Lab.log("%s r%d: %.0f rows/s (median of chunks), %.0f overall, %d records in %.2f s, %d keys", name,
                        rep, t.rowsPerSecondMedianAfterWarmup(), t.rowsPerSecondOverall(), t.records(), t.seconds(),
                        t.distinctKeys());
                return new Outcome(new Repetition(rep, null, lab.o.rel(c.log()), Results.Rate.of(t.records(),
                        t.rowsPerSecondMedianAfterWarmup(), t.rowsPerSecondOverall(), t.seconds(), c.wallSeconds(),
                        t.bytes() / 1e6 / t.seconds()), Results.Memory.of(c.peakRssMb(), heap.peakMb()),
                        Results.Batches.NONE, new Results.Counts(t.distinctKeys(), 0L, null, null)), counts,
                        t.lateHazard(), t.distinctKeys(), heap.afterGcMb());
            } catch (RuntimeException | IOException e) {
                error = "unreadable output: " + e.getMessage();
            }
        }
        Lab.log("%s r%d: FAILED %s", name, rep, error);
        return new Outcome(lab.failed(rep, error, c), null, 0, 0, Double.NaN);
    }
}
