package io.sfcrime.bench;

import io.sfcrime.bench.Results.LatencyPoint;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.Results.ScalingPoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders {@code docs/tuning-report.md} and its charts from a results file, and nothing else: every sentence
 * with a number reads it from the results, so the answers change when the measurements do.
 */
public final class ReportWriter {
    /** Changes smaller than this, or inside the repetitions' spread, are reported as no measurable effect. */
    static final double NOISE = 0.05;
    static final long COMPARISON_BATCH = 100_000;

    private final Results.File r;
    private final String resultsPath;
    private final Map<String, Run> byName = new LinkedHashMap<>();

    public ReportWriter(Results.File results, String resultsPath) {
        this.r = results;
        this.resultsPath = resultsPath;
        results.runs().forEach(run -> byName.put(run.name(), run));
    }

    public void write(Path report, Path imgDir) {
        String md = render(imgDir == null ? null : relative(report, imgDir));
        try {
            Files.createDirectories(report.toAbsolutePath().getParent());
            Files.writeString(report, md);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report + ": " + e.getMessage(), e);
        }
        if (imgDir != null) {
            charts(imgDir);
        }
    }

    private static String relative(Path report, Path imgDir) {
        Path from = report.toAbsolutePath().getParent();
        return from.relativize(imgDir.toAbsolutePath()).toString().replace('\\', '/');
    }

    // ------------------------------------------------------------------ derived numbers

    Optional<Run> run(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    Optional<Run> ceiling() {
        return r.runs().stream().filter(x -> "ceiling".equals(x.kind())).findFirst();
    }

    Optional<Run> baseline() {
        return run(r.config().baseline());
    }

    List<Run> spark() {
        return r.runs().stream().filter(x -> "spark".equals(x.kind())).toList();
    }

    /** The fastest valid Spark run, optionally only at a given batch size. */
    Optional<Run> best(Long batch) {
        return spark().stream().filter(Run::valid).filter(x -> x.rowsPerSecond() != null)
                .filter(x -> batch == null || Objects.equals(x.maxOffsetsPerTrigger(), batch))
                .max(Comparator.comparingDouble(Run::rowsPerSecond));
    }

    static double rate(Optional<Run> run) {
        return run.map(Run::rowsPerSecond).filter(Objects::nonNull).orElse(Double.NaN);
    }

    /** Relative change of {@code a} over its reference, and whether it stands out of the noise. */
    record Effect(Run run, Run reference, double ratio, boolean measurable, Map<String, String> changed) {
        String describe() {
            if (!measurable) {
                return String.format(Locale.ROOT, "no measurable effect (%s, within the run-to-run spread or "
                        + "under %.0f%%)", pct(ratio), NOISE * 100);
            }
            return String.format(Locale.ROOT, "%s (%s rows/s instead of %s)", ratio >= 1
                            ? String.format(Locale.ROOT, "%.2fx faster", ratio)
                            : String.format(Locale.ROOT, "%.2fx slower", 1 / ratio),
                    n0(run.rowsPerSecond()), n0(reference.rowsPerSecond()));
        }
    }

    Optional<Effect> effect(Run run) {
        String ref = compareTo(run);
        if (ref == null || !run.valid() || run.rowsPerSecond() == null) {
            return Optional.empty();
        }
        Run reference = byName.get(ref);
        if (reference == null || !reference.valid() || reference.rowsPerSecond() == null) {
            return Optional.empty();
        }
        double ratio = run.rowsPerSecond() / reference.rowsPerSecond();
        boolean overlap = run.rowsPerSecondMax() != null && reference.rowsPerSecondMax() != null
                && run.rowsPerSecondMin() <= reference.rowsPerSecondMax()
                && reference.rowsPerSecondMin() <= run.rowsPerSecondMax();
        boolean measurable = Math.abs(ratio - 1) >= NOISE && !(overlap && r.config().r() > 1);
        Map<String, String> changed = new TreeMap<>();
        run.settings().forEach((k, v) -> {
            if (!Objects.equals(reference.settings().get(k), v)) {
                changed.put(k, v);
            }
        });
        reference.settings().keySet().stream().filter(k -> !run.settings().containsKey(k))
                .forEach(k -> changed.put(k, "(unset)"));
        return Optional.of(new Effect(run, reference, ratio, measurable, changed));
    }

    /** The profile a run is compared with (the profile file's compare_to); the baseline when it names none. */
    private String compareTo(Run run) {
        if (run.compareTo() != null) {
            return run.compareTo();
        }
        return run.name().equals(r.config().baseline()) ? null : r.config().baseline();
    }

    // ------------------------------------------------------------------ markdown

    String render(String img) {
        StringBuilder md = new StringBuilder();
        Results.Config c = r.config();
        md.append("# Tuning report: what Spark settings do to this job, measured\n\n");
        md.append("<!-- Generated by `make bench` (bench/ module) from ").append(resultsPath)
                .append(". Do not edit: re-run the benchmark or `bin/bench --render ").append(resultsPath)
                .append("`. -->\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s on %d cores (%s, %s, %,d MB RAM; load average at start %s)."
                        + " N = %,d records, R = %d repetitions, P = %d partitions%s.%n%n", r.started(),
                r.machine().cores(), r.machine().os(), r.machine().java(), r.machine().memoryMb(),
                r.machine().loadAverageAtStart(), c.n(), c.r(), c.p(),
                c.quick() ? " — **QUICK MODE: a correctness check of the harness, not a measurement**" : ""));
        md.append("Input: generated (`").append(c.generator()).append(String.format(Locale.ROOT,
                "`), mean record %.0f bytes. Raw numbers: `%s`.%n%n", c.meanRecordBytes(), resultsPath));

        answers(md);
        goals(md);
        throughputTable(md, img);
        producer(md);
        cpuProfiles(md);
        latency(md, img);
        scaling(md, img);
        method(md);
        if (!r.notes().isEmpty()) {
            md.append("## Notes from the run\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        return md.toString();
    }

    private void answers(StringBuilder md) {
        md.append("## The seed's questions, answered from these numbers\n\n");
        md.append("### 1. How did changing SparkSession property values affect throughput and latency?\n\n");
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        spark().forEach(x -> groups.computeIfAbsent(x.group(), k -> new ArrayList<>()).add(x));
        for (Map.Entry<String, List<Run>> g : groups.entrySet()) {
            if ("baseline".equals(g.getKey())) {
                continue;
            }
            md.append("- **").append(g.getKey()).append("**: ");
            List<String> parts = new ArrayList<>();
            for (Run x : g.getValue()) {
                Optional<Effect> e = effect(x);
                if (e.isEmpty()) {
                    parts.add("`" + x.name() + "` " + (x.valid() ? "has no valid reference run"
                            : "is INVALID (" + x.invalidReason() + ")"));
                    continue;
                }
                String latencyNote = x.repetitions().stream().map(Repetition::batchP50Ms).filter(Objects::nonNull)
                        .findFirst().map(p -> String.format(Locale.ROOT, "; batch p50 %s ms vs %s ms",
                                n0(medianOf(x, Repetition::batchP50Ms)), n0(medianOf(e.get().reference(),
                                        Repetition::batchP50Ms)))).orElse("");
                parts.add(changes(e.get().changed()) + " vs `" + e.get().reference().name() + "`: "
                        + e.get().describe() + latencyNote);
            }
            md.append(String.join("; ", parts)).append(".\n");
        }
        md.append('\n');
        latencySentence(md);

        md.append("### 2. Which 2–3 key/value pairs were most efficient (by processedRowsPerSecond)?\n\n");
        List<Effect> single = new ArrayList<>();
        for (Run x : spark()) {
            effect(x).filter(e -> e.changed().size() == 1 && e.measurable() && e.ratio() > 1).ifPresent(single::add);
        }
        single.sort(Comparator.comparingDouble(Effect::ratio).reversed());
        if (single.isEmpty()) {
            md.append("No single setting changed throughput measurably in this run.\n\n");
        } else {
            int i = 1;
            for (Effect e : single.subList(0, Math.min(3, single.size()))) {
                md.append(String.format(Locale.ROOT, "%d. %s — %s against `%s`.%n", i++, changes(e.changed()),
                        e.describe(), e.reference().name()));
            }
            md.append('\n');
        }
        best(null).ifPresent(b -> md.append(String.format(Locale.ROOT,
                "The fastest valid profile overall is `%s`%s: %s rows/s, %s the ceiling and %s Spark's defaults."
                        + " Its settings: %s.%n%n", b.name(), b.description() == null || b.description().isBlank() ? ""
                        : " (" + b.description() + ")", n0(b.rowsPerSecond()),
                x(Stats.ratio(b.rowsPerSecond(), rate(ceiling()))), x(Stats.ratio(b.rowsPerSecond(),
                        rate(baseline()))), changes(withoutBase(b.settings())))));
        run("seed-three").ifPresent(s -> effect(s).ifPresent(e -> md.append(String.format(Locale.ROOT,
                "The seed's own answer (`spark.sql.shuffle.partitions 10`, `spark.streaming.kafka.maxRatePerPartition"
                        + " 10`, `spark.default.parallelism 10000`) measured %s rows/s: %s against Spark's defaults.",
                n0(s.rowsPerSecond()), e.describe()))));
        run("shuffle-2-max-rate-10").ifPresent(s -> effect(s).ifPresent(e -> md.append(String.format(Locale.ROOT,
                " `spark.streaming.kafka.maxRatePerPartition 10` alone: %s. It is a DStream setting; Structured "
                        + "Streaming's Kafka source sizes batches with maxOffsetsPerTrigger only%s.",
                e.describe(), e.measurable() ? " — a measured change here would be noise or load, see the spread"
                        : ", and the numbers agree"))));
        md.append("\n\n");
    }

    private void latencySentence(StringBuilder md) {
        if (r.latency() == null || r.latency().isEmpty()) {
            md.append("Latency: not measured in this run.\n\n");
            return;
        }
        Map<String, List<LatencyPoint>> byProfile = latencyByProfile();
        List<String> parts = new ArrayList<>();
        byProfile.forEach((p, points) -> {
            Optional<LatencyPoint> best = points.stream().filter(LatencyPoint::sustained)
                    .max(Comparator.comparingDouble(LatencyPoint::targetRate));
            Optional<LatencyPoint> lowest = lowestMeasured(points);
            parts.add("`" + p + "` " + best.map(l -> String.format(Locale.ROOT,
                    "sustains %s rows/s with p95 %s ms", n0(l.targetRate()), n0(l.p95Ms())))
                    .orElse(lowest.map(l -> String.format(Locale.ROOT,
                            "sustains none of the rates (p95 %s ms already at %s rows/s)", n0(l.p95Ms()),
                            n0(l.targetRate()))).orElse("has no latency result")));
        });
        md.append("Latency (produce → result row in the results topic, p95 goal < 1 s): ")
                .append(String.join("; ", parts)).append(". A batch's duration is the floor of its records' "
                        + "latency, so settings that shorten batches (fewer shuffle partitions, smaller batches) "
                        + "lower latency, and a trigger interval adds up to its length.\n\n");
    }

    private void goals(StringBuilder md) {
        md.append("## Goals\n\n| goal | measured | verdict |\n|---|---|---|\n");
        Optional<Run> best100k = best(COMPARISON_BATCH);
        double ceiling = rate(ceiling());
        double defaults = rate(baseline());
        double b = rate(best100k);
        String bn = best100k.map(Run::name).orElse("none valid");
        goalRow(md, String.format(Locale.ROOT, "best Spark profile ≥ %.1f× the ceiling", Bench.GOAL_VS_CEILING),
                String.format(Locale.ROOT, "`%s` %s / ceiling %s = %s", bn, n0(b), n0(ceiling),
                        x(Stats.ratio(b, ceiling))), Stats.ratio(b, ceiling), Bench.GOAL_VS_CEILING);
        goalRow(md, String.format(Locale.ROOT, "best profile ≥ %.0f× Spark's defaults at %,d per batch",
                        Bench.GOAL_VS_DEFAULTS, COMPARISON_BATCH),
                String.format(Locale.ROOT, "`%s` %s / defaults %s = %s", bn, n0(b), n0(defaults),
                        x(Stats.ratio(b, defaults))), Stats.ratio(b, defaults), Bench.GOAL_VS_DEFAULTS);
        double ours = rate(run("producer"));
        double tool = rate(run("kafka-perf-tool"));
        goalRow(md, String.format(Locale.ROOT, "producer ≥ %.1f× Kafka's perf tool", Bench.GOAL_PRODUCER_VS_TOOL),
                String.format(Locale.ROOT, "%s / %s records/s = %s", n0(ours), n0(tool), x(Stats.ratio(ours, tool))),
                Stats.ratio(ours, tool), Bench.GOAL_PRODUCER_VS_TOOL);
        if (r.latency() != null && !r.latency().isEmpty()) {
            latencyByProfile().forEach((p, points) -> {
                Optional<LatencyPoint> s = points.stream().filter(LatencyPoint::sustained)
                        .max(Comparator.comparingDouble(LatencyPoint::targetRate));
                Optional<LatencyPoint> lowest = lowestMeasured(points);
                md.append(String.format(Locale.ROOT, "| `%s`: p95 < 1 s at a sustained rate | %s | %s |%n", p,
                        s.map(l -> String.format(Locale.ROOT, "%s rows/s: p50 %s, p95 %s, p99 %s ms",
                                n0(l.targetRate()), n0(l.p50Ms()), n0(l.p95Ms()), n0(l.p99Ms())))
                                .orElse("no rate sustained" + lowest.map(l -> String.format(Locale.ROOT,
                                        "; p95 %s ms at %s rows/s", n0(l.p95Ms()), n0(l.targetRate()))).orElse("")),
                        s.isPresent() ? "met" : "**missed**" + lowest.map(l -> String.format(Locale.ROOT,
                                " (p95 %.1f× the goal at the lowest rate)", l.p95Ms() / Bench.LATENCY_P95_GOAL_MS))
                                .orElse("")));
            });
        }
        md.append('\n');
        whyMissed(md, best100k, ceiling, defaults, ours, tool);
    }

    private static void goalRow(StringBuilder md, String goal, String measured, double ratio, double target) {
        String verdict = Double.isNaN(ratio) ? "not measured"
                : ratio >= target ? "met"
                : String.format(Locale.ROOT, "**missed** by %.2f× (%.0f%% short)", target - ratio,
                (1 - ratio / target) * 100);
        md.append("| ").append(goal).append(" | ").append(measured).append(" | ").append(verdict).append(" |\n");
    }

    /** The "why" of a missed goal from the profile data: where a steady batch's time goes. */
    private void whyMissed(StringBuilder md, Optional<Run> best, double ceiling, double defaults, double ours,
                           double tool) {
        List<String> why = new ArrayList<>();
        if (best.isPresent() && Stats.ratio(best.get().rowsPerSecond(), ceiling) < Bench.GOAL_VS_CEILING) {
            Double other = medianOf(best.get(), Repetition::otherQueriesSeconds);
            Double drain = medianOf(best.get(), Repetition::drainSeconds);
            String second = other == null || other == 0 ? "" : String.format(Locale.ROOT, " spark-app also runs its "
                    + "dead-letter query over the same topic on the same cores: %s s of batches during a %s s drain.",
                    n1(other), n1(drain));
            why.add("Spark vs ceiling: " + phases(best.get()) + second + cpuSentence("spark:" + best.get().name())
                    .orElse(" No CPU profile was recorded in this run."));
        }
        if (best.isPresent() && Stats.ratio(best.get().rowsPerSecond(), defaults) < Bench.GOAL_VS_DEFAULTS) {
            baseline().ifPresent(d -> why.add("Best vs defaults: the defaults' steady batch " + phases(d)
                    + " The best profile's: " + phases(best.get())));
        }
        if (r.latency() != null) {
            latencyByProfile().forEach((p, points) -> {
                if (points.stream().anyMatch(LatencyPoint::sustained)) {
                    return;
                }
                String at = lowestMeasured(points).map(l -> String.format(Locale.ROOT, " p95 %s ms at %s rows/s.",
                        n0(l.p95Ms()), n0(l.targetRate()))).orElse("");
                String batches = run(p).map(x -> " A record waits for the batch in flight, then for its own, and "
                        + "this profile's steady batch (at " + batchSize(x) + " per batch) is long: " + phases(x)
                        + Optional.ofNullable(x.settings().get("spark.sql.shuffle.partitions"))
                        .map(n -> " Every batch runs " + n + " state-store tasks (spark.sql.shuffle.partitions).")
                        .orElse("")).orElse(" It has no throughput run to show its batches.");
                why.add("Latency of `" + p + "`:" + at + batches);
            });
        }
        if (Stats.ratio(ours, tool) < Bench.GOAL_PRODUCER_VS_TOOL) {
            why.add("Producer vs tool:" + cpuSentence("producer").orElse(" no CPU profile of our producer was recorded.")
                    + cpuSentence("kafka-perf-tool").orElse(""));
        }
        if (!why.isEmpty()) {
            md.append("Why, where a goal is missed:\n\n");
            why.forEach(w -> md.append("- ").append(w).append('\n'));
            md.append('\n');
        }
    }

    private static Optional<LatencyPoint> lowestMeasured(List<LatencyPoint> points) {
        return points.stream().filter(l -> l.p95Ms() != null).min(Comparator.comparingDouble(LatencyPoint::targetRate));
    }

    private static String batchSize(Run run) {
        Long b = run.maxOffsetsPerTrigger();
        return b == null ? "?" : b == 0 ? "all available" : String.format(Locale.ROOT, "%,d", b);
    }

    private Optional<CpuProfile.Summary> cpuProfile(String name) {
        return r.cpuProfiles() == null ? Optional.empty()
                : r.cpuProfiles().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** " JFR of <name> (N samples): a 30%, b 20%, ... by thread: ...; the process used X% of the machine (Y%)." */
    private Optional<String> cpuSentence(String name) {
        return cpuProfile(name).map(p -> String.format(Locale.ROOT, " JFR of `%s` (%,d samples): %s; by thread: %s;"
                        + " the process used %s%% of the machine's CPU while the machine was %s%% busy.", p.name(),
                p.samples(), shares(p.buckets(), 5), shares(p.threads(), 3), n0(p.processCpuPercent()),
                n0(p.machineCpuPercent())));
    }

    private static String shares(List<CpuProfile.Share> shares, int max) {
        return String.join(", ", shares.stream().limit(max)
                .map(x -> String.format(Locale.ROOT, "%s %.0f%%", x.name(), x.percent())).toList());
    }

    private void cpuProfiles(StringBuilder md) {
        if (r.cpuProfiles() == null || r.cpuProfiles().isEmpty()) {
            return;
        }
        md.append("## Where the CPU goes (Java Flight Recorder)\n\n");
        md.append("One extra run each, recorded with `-XX:StartFlightRecording` (profile settings); its rate is not "
                + "used elsewhere. A sample counts for the first bucket found walking its stack from the leaf, so "
                + "a bucket is time spent inside that library or stage. Process and machine CPU are means of JFR's "
                + "one-second readings, in percent of all cores; the difference is the broker and the harness.\n\n");
        for (CpuProfile.Summary p : r.cpuProfiles()) {
            md.append(String.format(Locale.ROOT, "**`%s`** — %,d samples; process %s%% of the machine, machine %s%%"
                            + " busy; recording `%s`.%n%n| bucket | share of samples |%n|---|---:|%n", p.name(),
                    p.samples(), n0(p.processCpuPercent()), n0(p.machineCpuPercent()), p.file()));
            p.buckets().forEach(b -> md.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n", b.name(), b.percent())));
            md.append("\nBy thread: ").append(shares(p.threads(), 10)).append(".\n\n");
        }
    }

    /** "median batch X ms: addBatch a ms (p%), walCommit ...". */
    private String phases(Run run) {
        Map<String, Double> ph = run.repetitions().stream().map(Repetition::phaseMsMedian)
                .filter(Objects::nonNull).findFirst().orElse(Map.of());
        if (ph.isEmpty()) {
            return "(no batch phase data)";
        }
        double total = ph.getOrDefault("triggerExecution", Double.NaN);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "`%s` median batch %s ms of which ",
                run.name(), n0(total)));
        List<String> parts = new ArrayList<>();
        ph.entrySet().stream().filter(e -> !e.getKey().equals("triggerExecution") && e.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> parts.add(String.format(Locale.ROOT, "%s %s ms (%.0f%%)", e.getKey(),
                        n0(e.getValue()), 100 * e.getValue() / total)));
        return sb.append(String.join(", ", parts)).append('.').toString();
    }

    private void throughputTable(StringBuilder md, String img) {
        md.append("## Throughput\n\n");
        if (img != null) {
            md.append("![rows per second by run](").append(img).append("/bench-throughput.png)\n\n");
            if (spark().stream().anyMatch(x -> "shuffle partitions".equals(x.group()))) {
                md.append("![rows per second by shuffle partitions](").append(img).append("/bench-shuffle.png)\n\n");
            }
        }
        double ceiling = rate(ceiling());
        double defaults = rate(baseline());
        md.append("| run | group | records/batch | rows/s median (min–max) | × ceiling | × defaults | drain s | "
                + "batch p50 / p95 ms | peak RSS / heap MB | valid |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run x : r.runs()) {
            if ("producer".equals(x.kind())) {
                continue;
            }
            // An invalid run's speed is shown struck through and gets no ratios: it is never reported as fast.
            String speed = x.valid() ? String.format(Locale.ROOT, "%s (%s–%s)", n0(x.rowsPerSecond()),
                    n0(x.rowsPerSecondMin()), n0(x.rowsPerSecondMax())) : x.rowsPerSecond() == null ? "–"
                    : "~~" + n0(x.rowsPerSecond()) + "~~ (invalid)";
            double shown = x.valid() ? nz(x.rowsPerSecond()) : Double.NaN;
            md.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s |%n",
                    x.name(), x.group(), x.maxOffsetsPerTrigger() == null ? "–" : x.maxOffsetsPerTrigger() == 0
                            ? "unlimited" : String.format(Locale.ROOT, "%,d", x.maxOffsetsPerTrigger()),
                    speed, x(Stats.ratio(shown, ceiling)), x(Stats.ratio(shown, defaults)),
                    n1(medianOf(x, Repetition::drainSeconds)), n0(medianOf(x, Repetition::batchP50Ms)),
                    n0(medianOf(x, Repetition::batchP95Ms)), n0(medianOf(x, Repetition::peakRssMb)),
                    n0(medianOf(x, Repetition::peakHeapMb)), x.valid() ? "yes" : "**NO**: " + x.invalidReason()));
        }
        md.append('\n');
    }

    private void producer(StringBuilder md) {
        Optional<Run> ours = run("producer");
        Optional<Run> tool = run("kafka-perf-tool");
        if (ours.isEmpty()) {
            return;
        }
        md.append("## Producer vs Kafka's producer performance tool\n\n"
                + "| run | records/s median (min–max) | MB/s | peak RSS MB | valid |\n|---|---|---|---|---|\n");
        for (Optional<Run> o : List.of(ours, tool)) {
            o.ifPresent(x -> md.append(String.format(Locale.ROOT, "| `%s` | %s (%s–%s) | %s | %s | %s |%n", x.name(),
                    n0(x.rowsPerSecond()), n0(x.rowsPerSecondMin()), n0(x.rowsPerSecondMax()), n1(x.mbPerSecond()),
                    n0(medianOf(x, Repetition::peakRssMb)), x.valid() ? "yes" : "**NO**: " + x.invalidReason())));
        }
        md.append(String.format(Locale.ROOT, "%nOurs / tool = %s. Both on the same broker, records and client settings"
                        + " (acks=all, idempotent, lz4, linger 10 ms, 64 KiB batches); the tool sends random picks from"
                        + " the first 100k records of the same input.%n%n",
                x(Stats.ratio(rate(ours), rate(tool)))));
    }

    private Map<String, List<LatencyPoint>> latencyByProfile() {
        Map<String, List<LatencyPoint>> m = new LinkedHashMap<>();
        r.latency().forEach(l -> m.computeIfAbsent(l.profile(), k -> new ArrayList<>()).add(l));
        return m;
    }

    private void latency(StringBuilder md, String img) {
        md.append("## Latency at fixed producer rates\n\n");
        if (r.latency() == null || r.latency().isEmpty()) {
            md.append("Not measured in this run.\n\n");
            return;
        }
        if (img != null) {
            md.append("![p95 latency by rate](").append(img).append("/bench-latency.png)\n\n");
        }
        md.append("| profile | target rows/s | achieved | records | p50 ms | p95 ms | p99 ms | max ms | batches | "
                + "sustained (p95 < 1 s) |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (LatencyPoint l : r.latency()) {
            md.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %,d | %s | %s | %s | %s | %s | %s |%n",
                    l.profile(), n0(l.targetRate()), n0(l.achievedRate()), l.records(), n0(l.p50Ms()), n0(l.p95Ms()),
                    n0(l.p99Ms()), n0(l.maxMs()), l.batches() == null ? "–" : l.batches(),
                    (l.sustained() ? "yes" : "no") + (l.note() == null ? "" : " (" + l.note() + ")")));
        }
        md.append("\nLatency of a record: broker append time of the result row written by the micro-batch that read it"
                + " minus the record's own append time to the input topic (both topics use LogAppendTime: one "
                + "clock). Spark runs continuously (no --available-now) while bin/producer sends at each rate for a"
                + " fixed time, after a warm-up.\n\n");
    }

    private void scaling(StringBuilder md, String img) {
        md.append("## Scaling\n\n");
        if (r.scaling() == null || r.scaling().isEmpty()) {
            md.append("Not measured in this run.\n\n");
            return;
        }
        for (String series : List.of("records", "windows")) {
            List<ScalingPoint> pts = r.scaling().stream().filter(s -> s.series().equals(series)).toList();
            if (pts.isEmpty()) {
                continue;
            }
            if (img != null) {
                md.append("![scaling by ").append(series).append("](").append(img).append("/bench-scaling-")
                        .append(series).append(".png)\n\n");
            }
            md.append("| engine | records | distinct windows | rows/s | drain s | state rows / keys | peak heap MB |"
                    + " heap after GC MB | valid |\n|---|---|---|---|---|---|---|---|---|\n");
            for (ScalingPoint s : pts) {
                md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %s |%n", s.engine(),
                        s.records(), s.windows() == 0 ? "~8 (default span)" : String.format(Locale.ROOT, "%,d",
                                s.windows()), n0(s.rowsPerSecond()), n1(s.drainSeconds()),
                        s.stateRows() == null ? "–" : String.format(Locale.ROOT, "%,d", s.stateRows()),
                        n0(s.peakHeapMb()), n0(s.heapAfterGcMb()),
                        s.valid() ? "yes" : "**NO**" + (s.note() == null ? "" : ": " + s.note())));
            }
            md.append('\n').append(growth(pts, series)).append("\n\n");
        }
    }

    /** "From x to y (k×) the rate changes by z×" per engine. */
    private static String growth(List<ScalingPoint> pts, String series) {
        Map<String, List<ScalingPoint>> byEngine = new LinkedHashMap<>();
        pts.forEach(p -> byEngine.computeIfAbsent(p.engine(), k -> new ArrayList<>()).add(p));
        List<String> parts = new ArrayList<>();
        byEngine.forEach((engine, list) -> {
            List<ScalingPoint> ok = list.stream().filter(p -> p.rowsPerSecond() != null).toList();
            if (ok.size() < 2) {
                return;
            }
            ScalingPoint a = ok.get(0);
            ScalingPoint b = ok.get(ok.size() - 1);
            double xa = series.equals("records") ? a.records() : a.windows();
            double xb = series.equals("records") ? b.records() : b.windows();
            parts.add(String.format(Locale.ROOT, "%s: %s× more %s changes rows/s by %s (%s → %s)", engine,
                    n0(xb / xa), series, x(b.rowsPerSecond() / a.rowsPerSecond()), n0(a.rowsPerSecond()),
                    n0(b.rowsPerSecond())));
        });
        return parts.isEmpty() ? "" : String.join("; ", parts) + ".";
    }

    private void method(StringBuilder md) {
        md.append("## How this was measured\n\n"
                + "- `make bench` starts `bin/kafka-local`, writes the generated input into a topic of P partitions "
                + "with `bin/producer` (repetition 1's topic is what every later stage reads), then runs each "
                + "configuration R times, interleaved (r1 of all, then r2 of all…) so a change in the machine's load"
                + " spreads over all of them.\n"
                + "- **ceiling**: a hand-written single-thread `KafkaConsumer` in its own JVM doing the job's work "
                + "(Jackson streaming parse of every token, `RecordValidator`, hourly SF-time windows × crime type × "
                + "disposition, radio-code join). Its rate is the median over chunks of the drain (a twentieth each, 1k–50k records) after the first.\n"
                + "- **spark**: `bin/spark-app --available-now` with a fresh checkpoint and the profile as `--tuning`;"
                + " rows/s is the median `processedRowsPerSecond` of batches after warm-up (the first batch with "
                + "data and a final partial batch are left out). Drain = first batch start to last batch end. "
                + "Batch p50/p95 over batches with data. spark-app runs two queries over the topic (counts, and the "
                + "dead-letter pass); rates and batch figures are the counts query's, the drain spans both.\n"
                + "- **validity**: every Spark run's report is compared row by row with the ceiling's counts "
                + "(totals, by window × type, by window × type × disposition); any difference marks the run invalid,"
                + " and an invalid run is never the best.\n"
                + "- **memory**: peak RSS = VmHWM of the process from /proc (the JVM's whole footprint); peak heap = "
                + "largest heap occupancy at the start of a GC from `-Xlog:gc` (a lower bound of the heap peak); "
                + "heap after GC (scaling) = largest occupancy right after a GC, which follows what the state needs "
                + "rather than how far -Xmx lets the heap fill.\n"
                + jvmOptions()
                + "- **producer**: `bin/producer` (records/s over every record read, MB/s over the file's bytes) vs "
                + "`org.apache.kafka.tools.ProducerPerformance` with the same client settings.\n"
                + "- Everything shares 2 cores: the broker runs beside every measured process. The ceiling uses one "
                + "thread, Spark local mode uses both cores.\n\n");
    }

    private String jvmOptions() {
        Results.Config c = r.config();
        if (c.sparkJavaOpts() == null) {
            return "";
        }
        return "- **JVM**: every Spark run has `JAVA_OPTS=" + c.sparkJavaOpts() + "` (plus its GC log), scaling "
                + "included; the ceiling runs with `-Xmx2g`.\n";
    }

    // ------------------------------------------------------------------ charts

    void charts(Path dir) {
        Map<String, Double> rates = new LinkedHashMap<>();
        Map<String, Integer> colors = new LinkedHashMap<>();
        for (Run x : r.runs()) {
            if ("producer".equals(x.kind())) {
                continue;
            }
            rates.put(x.name() + (x.valid() ? "" : " (invalid)"), x.valid() ? x.rowsPerSecond() : Double.valueOf(0));
            colors.put(x.name() + (x.valid() ? "" : " (invalid)"),
                    "ceiling".equals(x.kind()) ? 2 : x.name().equals(r.config().baseline()) ? 3 : 0);
        }
        Charts.bars(dir.resolve("bench-throughput.png"), "Rows per second (median of repetitions)", "rows/s",
                rates, colors);
        Map<String, Map<Double, Double>> shuffle = Charts.newSeries();
        for (Run x : spark()) {
            String partitions = x.settings().get("spark.sql.shuffle.partitions");
            boolean inSweep = "shuffle partitions".equals(x.group()) || x.name().equals(r.config().baseline());
            if (inSweep && partitions != null && x.valid() && x.rowsPerSecond() != null) {
                shuffle.computeIfAbsent("rows/s at " + (x.maxOffsetsPerTrigger() == null ? "?"
                        : String.format(Locale.ROOT, "%,d", x.maxOffsetsPerTrigger())) + " per batch",
                        k -> new TreeMap<>()).put(Double.parseDouble(partitions), x.rowsPerSecond());
            }
        }
        if (!shuffle.isEmpty()) {
            Charts.lines(dir.resolve("bench-shuffle.png"), "Rows per second by spark.sql.shuffle.partitions",
                    "spark.sql.shuffle.partitions", "rows/s", shuffle, true, false);
        }
        if (r.latency() != null && !r.latency().isEmpty()) {
            Map<String, Map<Double, Double>> s = Charts.newSeries();
            r.latency().forEach(l -> s.computeIfAbsent(l.profile(), k -> new TreeMap<>()).put(l.targetRate(),
                    l.p95Ms()));
            Charts.lines(dir.resolve("bench-latency.png"), "p95 latency (produce to result row)",
                    "producer rate (rows/s)", "p95 ms (log scale)", s, false, true);
        }
        if (r.scaling() != null) {
            for (String series : List.of("records", "windows")) {
                Map<String, Map<Double, Double>> s = Charts.newSeries();
                r.scaling().stream().filter(p -> p.series().equals(series)).forEach(p -> s.computeIfAbsent(
                        p.engine(), k -> new TreeMap<>()).put((double) (series.equals("records") ? p.records()
                        : p.windows()), p.rowsPerSecond()));
                if (!s.isEmpty()) {
                    Charts.lines(dir.resolve("bench-scaling-" + series + ".png"), "Rows per second by " + series,
                            series.equals("records") ? "records (N)" : "distinct hourly windows", "rows/s (log scale)", s,
                            true, true);
                }
            }
        }
    }

    // ------------------------------------------------------------------ formatting

    private Map<String, String> withoutBase(Map<String, String> settings) {
        Map<String, String> m = new TreeMap<>(settings);
        if (r.config().baseSettings() != null) {
            r.config().baseSettings().forEach((k, v) -> {
                if (Objects.equals(m.get(k), v)) {
                    m.remove(k);
                }
            });
        }
        return m;
    }

    private static String changes(Map<String, String> changed) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(changed).forEach((k, v) -> {
            parts.add("`" + k + " " + v + "`");
        });
        return String.join(" + ", parts);
    }

    static Double medianOf(Run run, java.util.function.Function<Repetition, Double> f) {
        List<Double> v = run.repetitions().stream().filter(Repetition::ok).map(f).filter(Objects::nonNull).toList();
        return v.isEmpty() ? null : Stats.median(v);
    }

    private static double nz(Double d) {
        return d == null ? Double.NaN : d;
    }

    static String n0(Double v) {
        return v == null || v.isNaN() ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String n1(Double v) {
        return v == null || v.isNaN() ? "–" : String.format(Locale.ROOT, "%,.1f", v);
    }

    static String x(double ratio) {
        return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.2f×", ratio);
    }

    static String pct(double ratio) {
        return String.format(Locale.ROOT, "%+.0f%%", (ratio - 1) * 100);
    }

    /** Distinct settings keys across runs, for tests. */
    TreeSet<String> keys() {
        TreeSet<String> k = new TreeSet<>();
        r.runs().forEach(x -> k.addAll(x.settings().keySet()));
        return k;
    }
}
