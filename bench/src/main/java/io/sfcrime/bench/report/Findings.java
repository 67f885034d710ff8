package io.sfcrime.bench.report;

import io.sfcrime.bench.Goals;
import io.sfcrime.bench.Profiles.Role;
import io.sfcrime.bench.Results.LatencyPoint;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.Stats;
import io.sfcrime.bench.report.Numbers.Effect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static io.sfcrime.bench.report.Numbers.bestSustained;
import static io.sfcrime.bench.report.Numbers.changes;
import static io.sfcrime.bench.report.Numbers.lowestMeasured;
import static io.sfcrime.bench.report.Numbers.medianOf;
import static io.sfcrime.bench.report.Numbers.n0;
import static io.sfcrime.bench.report.Numbers.n1;
import static io.sfcrime.bench.report.Numbers.phases;
import static io.sfcrime.bench.report.Numbers.rate;
import static io.sfcrime.bench.report.Numbers.x;

/** The report's conclusions: the two tuning questions answered, the goals met or missed, and why a goal is missed. */
final class Findings {
    private final Numbers n;

    Findings(Numbers numbers) {
        this.n = numbers;
    }

    /** What each group of settings did against its reference, then the most efficient single settings. */
    void answers(StringBuilder md, String img) {
        md.append("## The two questions, answered from these numbers\n\n");
        md.append("### 1. How did changing SparkSession property values affect throughput and latency?\n\n");
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        n.spark().stream().filter(x -> n.role(x) != Role.BASELINE)
                .forEach(x -> groups.computeIfAbsent(x.group(), k -> new ArrayList<>()).add(x));
        groups.forEach((group, runs) -> {
            List<String> parts = new ArrayList<>();
            for (Run x : runs) {
                parts.add(n.effect(x).map(e -> changes(e.changed()) + " vs `" + e.reference().name() + "`: "
                        + e.describe() + batchP50(x, e.reference())).orElse("`" + x.name() + "` " + (x.valid()
                        ? "has no valid reference run" : "is INVALID (" + x.invalidReason() + ")")));
            }
            md.append("- **").append(group).append("**: ").append(String.join("; ", parts)).append(".\n");
        });
        md.append('\n');
        latency(md);

        md.append("### 2. Which 2–3 key/value pairs were most efficient (by processedRowsPerSecond)?\n\n");
        List<Effect> single = n.spark().stream().map(n::effect).flatMap(Optional::stream)
                .filter(e -> e.changed().size() == 1 && e.measurable() && e.ratio() > 1)
                .sorted(Comparator.comparingDouble(Effect::ratio).reversed()).limit(3).toList();
        if (single.isEmpty()) {
            md.append("No single setting changed throughput measurably in this run.\n\n");
        } else {
            for (int i = 0; i < single.size(); i++) {
                Effect e = single.get(i);
                md.append(String.format(Locale.ROOT, "%d. %s — %s against `%s`.%n", i + 1, changes(e.changed()),
                        e.describe(), e.reference().name()));
            }
            md.append('\n');
        }
        n.best(null).ifPresent(b -> md.append(String.format(Locale.ROOT,
                "The fastest valid profile overall is `%s`%s: %s rows/s, %s the ceiling and %s Spark's defaults."
                        + " Its settings: %s.%n%n", b.name(), b.description() == null || b.description().isBlank() ? ""
                        : " (" + b.description() + ")", n0(b.rowsPerSecond()),
                x(Stats.ratio(b.rowsPerSecond(), rate(n.ceiling()))), x(Stats.ratio(b.rowsPerSecond(),
                        rate(n.baseline()))), changes(n.withoutBase(b.settings())))));
        List<String> claims = new ArrayList<>();
        for (Run x : n.spark()) {
            Role role = n.role(x);
            if (role == Role.ANSWER || role == Role.NO_EFFECT) {
                n.effect(x).ifPresent(e -> n.text(x).ifPresent(t -> claims.add(t.replace("{rate}",
                        n0(x.rowsPerSecond())).replace("{effect}", e.describe()).replace("{agreement}", e.measurable()
                        ? " — a measured change here would be noise or load, see the spread" : ", and the numbers agree"))));
            }
        }
        if (!claims.isEmpty()) {
            md.append(String.join(" ", claims)).append("\n\n");
        }
    }

    private static String batchP50(Run run, Run reference) {
        return run.repetitions().stream().map(r -> r.batches().batchP50Ms()).filter(Objects::nonNull).findFirst()
                .map(p -> String.format(Locale.ROOT, "; batch p50 %s ms vs %s ms", n0(medianOf(run,
                        r -> r.batches().batchP50Ms())), n0(medianOf(reference, r -> r.batches().batchP50Ms()))))
                .orElse("");
    }

    private void latency(StringBuilder md) {
        Map<String, List<LatencyPoint>> byProfile = n.latencyByProfile();
        if (byProfile.isEmpty()) {
            md.append("Latency: not measured in this run.\n\n");
            return;
        }
        List<String> parts = new ArrayList<>();
        byProfile.forEach((p, points) -> parts.add("`" + p + "` " + bestSustained(points).map(l -> String.format(
                Locale.ROOT, "sustains %s rows/s with p95 %s ms", n0(l.targetRate()), n0(l.p95Ms())))
                .orElse(lowestMeasured(points).map(l -> String.format(Locale.ROOT,
                        "sustains none of the rates (p95 %s ms already at %s rows/s)", n0(l.p95Ms()),
                        n0(l.targetRate()))).orElse("has no latency result"))));
        md.append("Latency (produce → result row in the results topic, p95 goal < 1 s): ")
                .append(String.join("; ", parts)).append(". A batch's duration is the floor of its records' "
                        + "latency, so settings that shorten batches (fewer shuffle partitions, smaller batches) "
                        + "lower latency, and a trigger interval adds up to its length.\n\n");
    }

    /** The goals table, then the why of each missed goal from the measurements. */
    void goals(StringBuilder md, String img) {
        md.append("## Goals\n\n| goal | measured | verdict |\n|---|---|---|\n");
        Optional<Run> best = n.best(Goals.COMPARISON_BATCH);
        double ceiling = rate(n.ceiling());
        double defaults = rate(n.baseline());
        double b = rate(best);
        String bn = best.map(Run::name).orElse("none valid");
        row(md, String.format(Locale.ROOT, "best Spark profile ≥ %.1f× the ceiling", Goals.VS_CEILING),
                String.format(Locale.ROOT, "`%s` %s / ceiling %s = %s", bn, n0(b), n0(ceiling),
                        x(Stats.ratio(b, ceiling))), Stats.ratio(b, ceiling), Goals.VS_CEILING);
        row(md, String.format(Locale.ROOT, "best profile ≥ %.0f× Spark's defaults at %,d per batch",
                        Goals.VS_DEFAULTS, Goals.COMPARISON_BATCH),
                String.format(Locale.ROOT, "`%s` %s / defaults %s = %s", bn, n0(b), n0(defaults),
                        x(Stats.ratio(b, defaults))), Stats.ratio(b, defaults), Goals.VS_DEFAULTS);
        double ours = rate(n.run("producer"));
        double tool = rate(n.run("kafka-perf-tool"));
        row(md, String.format(Locale.ROOT, "producer ≥ %.1f× Kafka's perf tool", Goals.PRODUCER_VS_TOOL),
                String.format(Locale.ROOT, "%s / %s records/s = %s", n0(ours), n0(tool), x(Stats.ratio(ours, tool))),
                Stats.ratio(ours, tool), Goals.PRODUCER_VS_TOOL);
        n.latencyByProfile().forEach((p, points) -> {
            Optional<LatencyPoint> s = bestSustained(points);
            Optional<LatencyPoint> lowest = lowestMeasured(points);
            md.append(String.format(Locale.ROOT, "| `%s`: p95 < 1 s at a sustained rate | %s | %s |%n", p,
                    s.map(l -> String.format(Locale.ROOT, "%s rows/s: p50 %s, p95 %s, p99 %s ms",
                            n0(l.targetRate()), n0(l.p50Ms()), n0(l.p95Ms()), n0(l.p99Ms())))
                            .orElse("no rate sustained" + lowest.map(l -> String.format(Locale.ROOT,
                                    "; p95 %s ms at %s rows/s", n0(l.p95Ms()), n0(l.targetRate()))).orElse("")),
                    s.isPresent() ? "met" : "**missed**" + lowest.map(l -> String.format(Locale.ROOT,
                            " (p95 %.1f× the goal at the lowest rate)", l.p95Ms() / Goals.LATENCY_P95_MS)).orElse("")));
        });
        md.append('\n');
        whyMissed(md, best, ceiling, defaults, ours, tool);
    }

    private static void row(StringBuilder md, String goal, String measured, double ratio, double target) {
        String verdict = Double.isNaN(ratio) ? "not measured" : ratio >= target ? "met"
                : String.format(Locale.ROOT, "**missed** by %.2f× (%.0f%% short)", target - ratio,
                (1 - ratio / target) * 100);
        md.append("| ").append(goal).append(" | ").append(measured).append(" | ").append(verdict).append(" |\n");
    }

    /** The "why" of a missed goal from the profile data: where a steady batch's time goes, and the CPU profiles. */
    private void whyMissed(StringBuilder md, Optional<Run> best, double ceiling, double defaults, double ours,
                           double tool) {
        List<String> why = new ArrayList<>();
        if (best.isPresent() && Stats.ratio(best.get().rowsPerSecond(), ceiling) < Goals.VS_CEILING) {
            Double other = medianOf(best.get(), r -> r.batches().otherQueriesSeconds());
            Double drain = medianOf(best.get(), r -> r.rate().drainSeconds());
            String second = other == null || other == 0 ? "" : String.format(Locale.ROOT, " spark-app also runs its "
                    + "dead-letter query over the same topic on the same cores: %s s of batches during a %s s drain.",
                    n1(other), n1(drain));
            why.add("Spark vs ceiling: " + phases(best.get()) + second + n.cpuSentence("spark:" + best.get().name())
                    .orElse(" No CPU profile was recorded in this run."));
        }
        if (best.isPresent() && Stats.ratio(best.get().rowsPerSecond(), defaults) < Goals.VS_DEFAULTS) {
            n.baseline().ifPresent(d -> why.add("Best vs defaults: the defaults' steady batch " + phases(d)
                    + " The best profile's: " + phases(best.get())));
        }
        n.latencyByProfile().forEach((p, points) -> {
            if (bestSustained(points).isEmpty()) {
                String at = lowestMeasured(points).map(l -> String.format(Locale.ROOT, " p95 %s ms at %s rows/s.",
                        n0(l.p95Ms()), n0(l.targetRate()))).orElse("");
                String batches = n.run(p).map(x -> " A record waits for the batch in flight, then for its own, and "
                        + "this profile's steady batch (at " + batchSize(x) + " per batch) is long: " + phases(x)
                        + Optional.ofNullable(x.settings().get("spark.sql.shuffle.partitions"))
                        .map(k -> " Every batch runs " + k + " state-store tasks (spark.sql.shuffle.partitions).")
                        .orElse("")).orElse(" It has no throughput run to show its batches.");
                why.add("Latency of `" + p + "`:" + at + batches);
            }
        });
        if (Stats.ratio(ours, tool) < Goals.PRODUCER_VS_TOOL) {
            why.add("Producer vs tool:" + n.cpuSentence("producer").orElse(" no CPU profile of our producer was "
                    + "recorded.") + n.cpuSentence("kafka-perf-tool").orElse(""));
        }
        if (!why.isEmpty()) {
            md.append("Why, where a goal is missed:\n\n");
            why.forEach(w -> md.append("- ").append(w).append('\n'));
            md.append('\n');
        }
    }

    private static String batchSize(Run run) {
        Long b = run.maxOffsetsPerTrigger();
        return b == null ? "?" : b == 0 ? "all available" : String.format(Locale.ROOT, "%,d", b);
    }
}
