package io.sfcrime.bench.report;

import io.sfcrime.bench.Profiles;
import io.sfcrime.bench.Results;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The report rendered from a fixture results file: every number in it must come from that file. */
class ReportWriterTest {
    @TempDir
    static Path dir;
    static Results.File fixture;
    static String md;
    /** Surefire runs in the module's directory: the shipped profiles give the fixture's runs their roles. */
    static final Profiles PROFILES = Profiles.read(Path.of("profiles.yaml"));

    @BeforeAll
    static void render() throws IOException, URISyntaxException {
        Path json = Path.of(ReportWriterTest.class.getResource("/results-fixture.json").toURI());
        fixture = Results.read(json);
        new ReportWriter(fixture, PROFILES, "bench/results/fixture.json").write(dir.resolve("docs/tuning-report.md"),
                dir.resolve("docs/img"));
        md = Files.readString(dir.resolve("docs/tuning-report.md"));
    }

    private static double rate(String name) {
        return fixture.runs().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().rowsPerSecond();
    }

    private static String ratio(double v) {
        return String.format(Locale.ROOT, "%.2f×", v);
    }

    @Test
    void goalsUseTheBestValidProfileAtTheComparisonBatchSize() {
        // shuffle-1 is faster but invalid; the unlimited-batch profile is faster but not at 100k per batch.
        double best = rate("shuffle-2");
        assertThat(md).contains("`shuffle-2` 80,000 / ceiling 200,000 = " + ratio(best / rate("ceiling")));
        assertThat(md).contains("**missed** by 0.10× (20% short)");
        assertThat(md).contains("= " + ratio(best / rate("spark-defaults")) + " | met |");
        double prod = rate("producer") / rate("kafka-perf-tool");
        assertThat(md).contains(ratio(prod)).contains(String.format(Locale.ROOT, "**missed** by %.2f×", 0.9 - prod));
    }

    @Test
    void missedGoalsAreExplainedWithBatchPhases() {
        assertThat(md).contains("Why, where a goal is missed")
                .contains("`shuffle-2` median batch 1,250 ms of which addBatch 1,000 ms (80%), walCommit 100 ms (8%)")
                // The goal against the defaults is met, so their phases are not offered as an excuse.
                .doesNotContain("Best vs defaults");
    }

    @Test
    void invalidRunsAreMarkedAndNeverBest() {
        assertThat(md).contains("| `shuffle-1` | shuffle partitions | 100,000 | ~~120,000~~ (invalid) | – | – |")
                .contains("**NO**: counts differ from the ceiling");
        assertThat(md).contains("The fastest valid profile overall is `shuffle-2-batch-unlimited`");
        assertThat(md).contains("`shuffle-1` is INVALID");
    }

    @Test
    void answersRankSingleSettingEffectsFromTheNumbers() {
        int first = md.indexOf("1. `spark.sql.shuffle.partitions 2`");
        int second = md.indexOf("2. `source.maxOffsetsPerTrigger 0`");
        assertThat(first).isPositive();
        assertThat(second).isGreaterThan(first);
        assertThat(md).contains(String.format(Locale.ROOT, "%.2fx faster", rate("shuffle-2") / rate("spark-defaults")));
        // 15,300 vs 15,000 with overlapping spreads: not an effect.
        // The profile's own words (role no-effect), with the verdict that the numbers agree.
        assertThat(md).contains("\n`spark.streaming.kafka.maxRatePerPartition 10` alone: no measurable effect (+2%")
                .contains("sizes batches with maxOffsetsPerTrigger only, and the numbers agree.");
    }

    @Test
    void latencyAndScalingAreSummarised() {
        assertThat(md).contains("`shuffle-2` sustains 5,000 rows/s with p95 800 ms");
        assertThat(md).contains("`spark-defaults` sustains none of the rates (p95 7,300 ms already at 2,000 rows/s)");
        assertThat(md).contains("| `spark-defaults`: p95 < 1 s at a sustained rate | no rate sustained; p95 7,300 ms "
                + "at 2,000 rows/s | **missed** (p95 7.3× the goal at the lowest rate) |");
        // The miss is explained from the profile's own batches, not in general words.
        assertThat(md).contains("Latency of `spark-defaults`: p95 7,300 ms at 2,000 rows/s. A record waits for the "
                + "batch in flight, then for its own, and this profile's steady batch (at 100,000 per batch) is long: "
                + "`spark-defaults` median batch").contains("Every batch runs 200 state-store tasks");
        assertThat(md).contains("spark:shuffle-2: 10× more records changes rows/s by 2.00× (40,000 → 80,000)");
        assertThat(md).contains("spark:shuffle-2: 100× more windows changes rows/s by 0.50×");
        assertThat(md).contains("a note from the run");
    }

    @Test
    void chartsArePngFilesLinkedFromTheReport() throws IOException {
        for (String name : new String[] {"bench-throughput", "bench-shuffle", "bench-latency", "bench-scaling-records",
                "bench-scaling-windows"}) {
            Path png = dir.resolve("docs/img/" + name + ".png");
            byte[] head = Files.readAllBytes(png);
            assertThat(head.length).isGreaterThan(2_000);
            assertThat(new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
            assertThat(md).contains("](img/" + name + ".png)");
        }
    }

    @Test
    void operatorBreakdownHasATablePerProfileAndFeedsTheWhy() {
        // The fixture has a breakdown of the best profile only: a table for it, none for the defaults.
        assertThat(md).contains("## Where a batch's time goes, by operator")
                .contains("### `shuffle-2`: median batch 1,250 ms (1 repetition, 4 steady batches in the first)")
                .contains("| Kafka read and decode + parse and validate + fan-out to the count levels | WholeStageCodegen"
                        + " duration (one number for the fused stage) | 700 | 56% |")
                .contains("| aggregation and state store | *HashAggregate: time in aggregation build (within its stage)*"
                        + " | 900 | 72% |")
                .contains("12,345 rows in total, 2,000 updated, 3.5 MB of memory; update 240 ms, removal 3 ms, commit"
                        + " 15 ms")
                .doesNotContain("Exchange: fetch wait time")
                .doesNotContain("### `spark-defaults`: median batch");
        // The why of the ceiling goal names the largest parts that are not nested inside another.
        assertThat(md).contains("the largest parts of its 1,250 ms batch: Kafka read and decode + parse and validate"
                + " + fan-out to the count levels (WholeStageCodegen duration (one number for the fused stage)) 700 ms,"
                + " 56% of the batch; aggregation and state store (StateStoreSave: time to update) 250 ms, 20% of the"
                + " batch; driver work in foreachBatch");
        // The JVM's own rows are not among the job's parts but follow them, each found by its counter: the CPU
        // the 2 cores offered in 1,250 ms split into tasks, compilers, GC, the rest of the process, and idle.
        assertThat(md).contains(" Of the 2,500 ms of CPU its 2 cores offered during the batch, the executor tasks used"
                + " 1,200 ms (48%), the JIT compilers 600 ms (24%: a JVM still compiling the job's code takes it from"
                + " the tasks), the GC threads 100 ms (4%; pauses 40 ms), the rest of the process (driver, planning,"
                + " Kafka clients, listeners) 400 ms (16%), and 200 ms (8%) stayed idle");
    }

    @Test
    void quickModeSaysItIsNotAMeasurement() {
        Results.Config c = fixture.config();
        Results.File quick = new Results.File(fixture.started(), fixture.finished(), fixture.machine(),
                new Results.Config(c.n(), 1, c.p(), true, c.generator(), c.meanRecordBytes(), c.profilesFile(),
                        c.baseSettings(), c.baseline(), c.sparkJavaOpts()), fixture.runs(), fixture.latency(), fixture.scaling(),
                fixture.notes(), fixture.cpuProfiles(), fixture.operatorBreakdowns());
        assertThat(new ReportWriter(quick, PROFILES, "x.json").render(null)).contains("QUICK MODE").doesNotContain("](");
    }

    @Test
    void rolesAndWordsComeFromTheProfilesFileNotFromProfileNames() {
        Profiles roles = Profiles.parse("""
                profiles:
                  - name: spark-defaults
                    role: baseline
                  - name: shuffle-2
                    role: answer
                    report: "Two partitions measured {rate} rows/s: {effect}."
                """, "test");
        String out = new ReportWriter(fixture, roles, "x.json").render(null);
        assertThat(out).contains("Two partitions measured 80,000 rows/s: "
                + String.format(Locale.ROOT, "%.2fx faster", rate("shuffle-2") / rate("spark-defaults")))
                // A profile without a role of its own here says nothing beyond its effect.
                .doesNotContain("maxRatePerPartition 10` alone");
    }

    @Test
    void theRunTimeAndTheFastestProfileAtAnyBatchSizeAreReported() {
        // 12:00 to 13:30 in the fixture: over the 90 minutes a full run may take, which the line does not hide.
        assertThat(md).contains("The whole run took 90 min 00 s (goal for a full run: under 90 min, **missed**).");
        assertThat(md).contains("| fastest Spark profile, any batch size, ≥ 0.25× the ceiling | "
                + "`shuffle-2-batch-unlimited` 99,000 / ceiling 200,000 = 0.50× | met |");
        Results.File unfinished = new Results.File(fixture.started(), null, fixture.machine(), fixture.config(),
                fixture.runs(), fixture.latency(), fixture.scaling(), fixture.notes(), fixture.cpuProfiles(),
                fixture.operatorBreakdowns());
        assertThat(new ReportWriter(unfinished, PROFILES, "x.json").render(null)).contains("The run has no end time");
    }

    @Test
    void sparksOwnFloorBoundsTheBestProfileOnlyWhenItWasMeasured() {
        assertThat(md).doesNotContain("Spark's own floor");
        List<Results.Run> runs = new ArrayList<>(fixture.runs());
        runs.add(floor("spark-floor-read-100k", 150_000));
        runs.add(floor("spark-floor-read-scan-100k", 120_000));
        Results.File withFloor = new Results.File(fixture.started(), fixture.finished(), fixture.machine(),
                fixture.config(), runs, fixture.latency(), fixture.scaling(), fixture.notes(), fixture.cpuProfiles(),
                fixture.operatorBreakdowns());
        // The fixture's runs read the topic once (no batches of a second query): the read floor is the bound.
        assertThat(new ReportWriter(withFloor, PROFILES, "x.json").render(null))
                .contains("Spark's own floor at 100,000 records per batch")
                .contains("150,000 rows/s, 0.75× the ceiling; with the job's record scan added, 120,000 rows/s, "
                        + "0.60× the ceiling")
                .contains("spark-app reads the topic once (its scan writes the dead letters), so that is the most it "
                        + "can reach; this run reached 80,000, 53% of the read floor and 67% of the read-and-scan floor: of "
                        + "the 1,250 ms a batch of 100,000 records takes at this run's rate, 833 ms are that floor "
                        + "(Spark's source and micro-batch with the scan) and 417 ms (33%) the job's own work")
                .doesNotContain("half of that");
        // Results of the former two-query job: the second query's batches halve the bound.
        List<Results.Run> twoQueries = runs.stream().map(r -> r.kind().equals("spark") ? withOtherQuery(r) : r)
                .toList();
        Results.File older = new Results.File(fixture.started(), fixture.finished(), fixture.machine(),
                fixture.config(), twoQueries, fixture.latency(), fixture.scaling(), fixture.notes(),
                fixture.cpuProfiles(), fixture.operatorBreakdowns());
        assertThat(new ReportWriter(older, PROFILES, "x.json").render(null))
                .contains("spark-app's two queries each read the topic on the same cores, so half of that, 75,000 "
                        + "rows/s, is about the most it can reach; this run reached 80,000, 53% of the read floor");
    }

    /** The run as the two-query job reported it: 12 s of the dead-letter query's batches in each repetition. */
    private static Results.Run withOtherQuery(Results.Run r) {
        List<Results.Repetition> reps = r.repetitions().stream().map(x -> new Results.Repetition(x.index(), x.error(),
                x.logFile(), x.rate(), x.memory(), new Results.Batches(x.batches().count(), x.batches().batchP50Ms(),
                x.batches().batchP95Ms(), x.batches().batchMaxMs(), x.batches().phaseMsMedian(), 12.0),
                x.counts())).toList();
        return new Results.Run(r.name(), r.kind(), r.group(), r.description(), r.compareTo(), r.maxOffsetsPerTrigger(),
                r.rowsPerSecond(), r.rowsPerSecondMin(), r.rowsPerSecondMax(), r.mbPerSecond(), r.valid(),
                r.invalidReason(), r.settings(), reps);
    }

    private static Results.Run floor(String name, double rowsPerSecond) {
        Results.Repetition rep = new Results.Repetition(1, null, "floor.log", Results.Rate.of(1_000_000,
                rowsPerSecond, rowsPerSecond, 1e6 / rowsPerSecond, 20, 50), Results.Memory.of(600, 300),
                Results.Batches.NONE, Results.Counts.NONE);
        return Results.Run.of(name, "spark-floor", "spark-floor", "floor", null, 100_000L,
                Map.of("source.maxOffsetsPerTrigger", "100000"), List.of(rep));
    }
}
