package io.sfcrime.bench;

import io.sfcrime.bench.Profiles.Profile;
import io.sfcrime.bench.report.ReportWriter;
import io.sfcrime.bench.run.Broker;
import io.sfcrime.bench.study.CeilingStudy;
import io.sfcrime.bench.study.CpuStudy;
import io.sfcrime.bench.study.KafkaStreamsStudy;
import io.sfcrime.bench.study.Lab.Input;
import io.sfcrime.bench.study.Lab;
import io.sfcrime.bench.study.LatencyStudy;
import io.sfcrime.bench.study.ProducerStudy;
import io.sfcrime.bench.study.ScalingStudy;
import io.sfcrime.bench.study.SparkFloorStudy;
import io.sfcrime.bench.study.SparkSweep;
import io.sfcrime.bench.study.Study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark: one broker, one generated input, then the studies in order, each checked count for count
 * against the ceiling where it runs Spark. Writes the results JSON after every study and renders the report from
 * the last.
 */
public final class Bench {
    /** The studies in the order they run; each may read what the ones before it measured. */
    public static final List<Study> STUDIES = List.of(new ProducerStudy(), new CeilingStudy(), new SparkFloorStudy(),
            new SparkSweep(), new CpuStudy(), new LatencyStudy(), new KafkaStreamsStudy(), new ScalingStudy());
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final BenchOptions o;

    public Bench(BenchOptions options) {
        this.o = options;
    }

    /** Runs every enabled study and returns the path of the results file. */
    public Path run() throws IOException {
        String started = Instant.now().toString();
        Path out = o.resultsDir().resolve(LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + ".json");
        Profiles profiles = Profiles.read(o.profilesFile());
        List<Profile> selected = select(profiles);
        // A fresh work dir: the broker keeps topics across restarts, and old checkpoints or inputs must never
        // leak into a measurement.
        Lab.deleteRecursively(o.workDir());
        Files.createDirectories(o.workDir());
        Results.Machine machine = Results.Machine.read();
        Lab.log("bench: N=%d R=%d P=%d quick=%s profiles=%s; machine %d cores, load %s", o.n(), o.r(), o.p(),
                o.quick(), selected.stream().map(Profile::name).toList(), machine.cores(),
                machine.loadAverageAtStart());
        Input input = Input.generate(o.workDir().resolve("input-" + o.n() + ".ndjson"), o.seed(), o.n(), 0);
        Lab.log("input: %s (%d records, %d invalid, mean %.0f bytes)", input.file(), input.summary().records(),
                input.summary().invalid(), input.meanRecordBytes());
        Results.Config config = new Results.Config(o.n(), o.r(), o.p(), o.quick(), input.describe(),
                input.meanRecordBytes(), o.rel(o.profilesFile()), profiles.base(), profiles.baseline().name(),
                o.sparkJavaOpts());
        Results.File results;
        try (Broker broker = Broker.start(o.root(), o.workDir().resolve("kafka-data"), o.p(),
                o.workDir().resolve("logs/kafka-local.log"))) {
            Lab.log("broker: %s", broker.bootstrap());
            Lab lab = new Lab(o, broker, profiles, selected, input);
            for (Study study : STUDIES) {
                if (study.enabled(o)) {
                    study.run(lab);
                    // After every study, so a failure late in a long run keeps what was measured.
                    Results.write(lab.results(started, null, machine, config), out);
                }
            }
            results = lab.results(started, Instant.now().toString(), machine, config);
        }
        Results.write(results, out);
        Lab.log("results: %s", out);
        new ReportWriter(results, profiles, o.rel(out)).write(o.reportFile(), o.imgDir());
        Lab.log("report: %s (charts in %s)", o.reportFile(), o.imgDir());
        return out;
    }

    /** The quick profiles or all, or those --only names; the baseline always runs: every ratio needs it. */
    private List<Profile> select(Profiles profiles) {
        List<Profile> list = o.quick() ? profiles.quick() : profiles.all();
        if (!o.only().isEmpty()) {
            for (String name : o.only()) {
                if (profiles.find(name).isEmpty()) {
                    throw new IllegalArgumentException("--only: no profile '" + name + "' in " + o.profilesFile());
                }
            }
            list = profiles.all().stream().filter(p -> o.only().contains(p.name())).toList();
        }
        if (!list.contains(profiles.baseline())) {
            list = new ArrayList<>(list);
            list.add(0, profiles.baseline());
        }
        return list;
    }
}
