package io.sfcrime.bench;

import io.sfcrime.bench.report.ReportWriter;
import io.sfcrime.bench.study.Study;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code bin/bench}: the tuning study. Thin: options in, {@link Bench} runs, exit code out. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the pipeline: a hand-written ceiling, Spark's defaults and every profile of the "
                + "sweep file (checked count for count against the ceiling), our producer against Kafka's tool, "
                + "latency at fixed rates and scaling. Writes bench/results/<timestamp>.json and renders "
                + "docs/tuning-report.md with charts in docs/img/.",
                "Needs every module built (make build). Example: bin/bench --n 1000000 --r 3 --p 2"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all runs valid", "1:a run failed or its counts differ from the ceiling",
                "2:bad command line or profiles file"})
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--root", required = true, description = "Project root (bin/bench passes it).")
    Path root;

    @Option(names = "--n", defaultValue = "1000000",
            description = "Records to generate and drain. Default: ${DEFAULT-VALUE}.")
    long n;

    @Option(names = "--r", defaultValue = "3", description = "Repetitions of each run. Default: ${DEFAULT-VALUE}.")
    int r;

    @Option(names = "--p", defaultValue = "2", description = "Partitions of the topics. Default: ${DEFAULT-VALUE}.")
    int p;

    @Option(names = "--quick", description = "Correctness check for CI: 20k records, one repetition, the quick "
            + "profiles, a short latency probe, no scaling; output under bench/target/quick, never docs/.")
    boolean quick;

    @Option(names = "--profiles", description = "Sweep file. Default: bench/profiles.yaml (--render: the one the "
            + "results file names).")
    Path profiles;

    @Option(names = "--only", split = ",", description = "Run only these profiles (the baseline always runs).")
    List<String> only = new ArrayList<>();

    @Option(names = "--skip", split = ",", description = "Studies to leave out: producer (Kafka's tool and "
            + "repetitions of ours), ceiling, spark-floor, spark, profile, latency, kafka-streams, scaling.")
    Set<String> skip = new HashSet<>();

    @Option(names = "--spark-java-opts", defaultValue = "-Xmx2g",
            description = "JAVA_OPTS for every spark-app run (gc logging is added). Default: ${DEFAULT-VALUE}.")
    String sparkJavaOpts;

    @Option(names = "--run-timeout-minutes", defaultValue = "40",
            description = "A run still going after this is stopped and marked failed. Default: ${DEFAULT-VALUE}.")
    long runTimeoutMinutes;

    @Option(names = "--latency-rates", split = ",", description = "Producer rates of latency mode, rows/s. "
            + "Default: 2000,5000,10000,20000 (quick: 2000).")
    List<Double> latencyRates;

    @Option(names = "--latency-seconds", description = "Seconds of producing per rate. Default: 30 (quick: 10).")
    Integer latencySeconds;

    @Option(names = "--latency-warmup-seconds", description = "Seconds of producing at the lowest rate before "
            + "the measured phases, so that latency is the JIT-compiled steady state. Default: 60 (quick: 0, "
            + "a 2,000-record burst only).")
    Integer latencyWarmupSeconds;

    @Option(names = "--scaling-records", split = ",", description = "N of the records series. Default: "
            + "1000000,5000000 (a 100k run is mostly start-up).")
    List<Long> scalingRecords;

    @Option(names = "--scaling-windows", split = ",", description = "Distinct hourly windows of the windows "
            + "series (at min(N, 1M) records). Default: 100,10000,100000.")
    List<Integer> scalingWindows;

    @Option(names = "--results-dir", description = "Default: bench/results (quick: bench/target/quick).")
    Path resultsDir;

    @Option(names = "--report", description = "Default: docs/tuning-report.md (quick: bench/target/quick/).")
    Path report;

    @Option(names = "--render", paramLabel = "RESULTS.json",
            description = "Only render the report and charts from an existing results file.")
    Path render;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        root = root.toAbsolutePath().normalize();
        Path quickDir = root.resolve("bench/target/quick");
        Path reportFile = report != null ? report : quick ? quickDir.resolve("tuning-report.md")
                : root.resolve("docs/tuning-report.md");
        Path imgDir = quick ? quickDir.resolve("img") : reportFile.toAbsolutePath().getParent().resolve("img");
        if (render != null) {
            Results.File f = Results.read(render);
            Profiles sweep = Profiles.read(profiles != null ? profiles : root.resolve(f.config().profilesFile()));
            new ReportWriter(f, sweep, root.relativize(render.toAbsolutePath()).toString()).write(reportFile, imgDir);
            System.err.println("bench: rendered " + reportFile + " from " + render);
            return 0;
        }
        List<String> studies = Bench.STUDIES.stream().map(Study::name).toList();
        for (String s : skip) {
            if (!studies.contains(s)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--skip: unknown study '" + s
                        + "', expected one of " + studies);
            }
        }
        if (n < 1 || r < 1 || p < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--n, --r and --p must be at least 1");
        }
        if (quick) {
            n = Math.min(n, 20_000);
            r = 1;
            skip.add("scaling");
        }
        for (String launcher : List.of("kafka-local", "producer", "spark-app")) {
            if (launcher.equals("spark-app") && skip.containsAll(List.of("spark", "latency", "scaling"))) {
                continue;
            }
            if (!Files.isExecutable(root.resolve("bin").resolve(launcher))) {
                throw new CommandLine.ParameterException(new CommandLine(this), "bin/" + launcher
                        + " is missing in " + root);
            }
        }
        BenchOptions o = new BenchOptions(root, n, r, p, quick,
                profiles != null ? profiles.toAbsolutePath() : root.resolve("bench/profiles.yaml"),
                quick ? quickDir.resolve("work") : root.resolve("bench/target/work"),
                resultsDir != null ? resultsDir : quick ? quickDir : root.resolve("bench/results"), reportFile, imgDir,
                only, skip, sparkJavaOpts, Duration.ofMinutes(runTimeoutMinutes),
                latencyRates != null ? latencyRates : quick ? List.of(2000.0) : List.of(2000.0, 5000.0, 10000.0,
                        20000.0),
                Duration.ofSeconds(latencySeconds != null ? latencySeconds : quick ? 10 : 30),
                Duration.ofSeconds(latencyWarmupSeconds != null ? latencyWarmupSeconds : quick ? 0 : 60),
                scalingRecords != null ? scalingRecords : List.of(1_000_000L, 5_000_000L),
                scalingWindows != null ? scalingWindows : List.of(100, 10_000, 100_000), seed);
        Path out = new Bench(o).run();
        Results.File f = Results.read(out);
        List<String> bad = new ArrayList<>();
        f.runs().stream().filter(x -> !x.valid()).forEach(x -> bad.add(x.name() + ": " + x.invalidReason()));
        f.scaling().stream().filter(x -> !x.valid()).forEach(x -> bad.add("scaling " + x.engine() + " n="
                + x.records() + " w=" + x.windows() + ": " + x.note()));
        if (!bad.isEmpty()) {
            System.err.println("bench: " + bad.size() + " run(s) invalid or failed:");
            bad.forEach(b -> System.err.println("  " + b));
            return 1;
        }
        System.err.println("bench: all runs valid; counts agree with the ceiling");
        return 0;
    }
}
