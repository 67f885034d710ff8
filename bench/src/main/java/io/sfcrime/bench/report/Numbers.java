package io.sfcrime.bench.report;

import io.sfcrime.bench.Profiles;
import io.sfcrime.bench.Profiles.Role;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.LatencyPoint;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.Stats;
import io.sfcrime.bench.run.CpuProfile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the report's sentences are made of, derived from one results file and the roles of its profiles, plus
 * the number formats every section uses. Nothing here is a number of its own.
 */
final class Numbers {
    /** Changes smaller than this, or inside the repetitions' spread, are reported as no measurable effect. */
    static final double NOISE = 0.05;

    final Results.File r;
    private final Profiles profiles;
    private final Map<String, Run> byName = new LinkedHashMap<>();

    Numbers(Results.File results, Profiles profiles) {
        this.r = results;
        this.profiles = profiles;
        results.runs().forEach(run -> byName.put(run.name(), run));
    }

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

    /** The valid Spark floor (bench's spark-floor study) of {@code work} (read, read-scan) at {@code batch}. */
    Optional<Run> floor(String work, Long batch) {
        return r.runs().stream().filter(x -> "spark-floor".equals(x.kind())).filter(Run::valid)
                .filter(x -> x.rowsPerSecond() != null && Objects.equals(x.maxOffsetsPerTrigger(), batch))
                .filter(x -> x.name().matches("spark-floor-" + work + "-\\d+k")).findFirst();
    }

    /** The role the profiles file gives a run's profile; the run of the results' baseline is the baseline. */
    Role role(Run run) {
        return run.name().equals(r.config().baseline()) ? Role.BASELINE : profiles.role(run.name());
    }

    /** The report text the profiles file gives a run's profile, if any. */
    Optional<String> text(Run run) {
        return profiles.find(run.name()).map(Profiles.Profile::report);
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

    /** Relative change of {@code run} over its reference, and whether it stands out of the noise. */
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

    /** The effect against the run's compare_to (the baseline when it names none); empty when either is invalid. */
    Optional<Effect> effect(Run run) {
        String ref = run.compareTo() != null ? run.compareTo()
                : run.name().equals(r.config().baseline()) ? null : r.config().baseline();
        Run reference = ref == null ? null : byName.get(ref);
        if (reference == null || !run.valid() || run.rowsPerSecond() == null || !reference.valid()
                || reference.rowsPerSecond() == null) {
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

    /** The median over the run's successful repetitions, null when none has the value. */
    static Double medianOf(Run run, Function<Repetition, Double> f) {
        List<Double> v = run.repetitions().stream().filter(Repetition::ok).map(f).filter(Objects::nonNull).toList();
        return v.isEmpty() ? null : Stats.median(v);
    }

    Map<String, List<LatencyPoint>> latencyByProfile() {
        Map<String, List<LatencyPoint>> m = new LinkedHashMap<>();
        if (r.latency() != null) {
            r.latency().forEach(l -> m.computeIfAbsent(l.profile(), k -> new ArrayList<>()).add(l));
        }
        return m;
    }

    /** The highest rate at which the profile met the latency goal. */
    static Optional<LatencyPoint> bestSustained(List<LatencyPoint> points) {
        return points.stream().filter(LatencyPoint::sustained)
                .max(Comparator.comparingDouble(LatencyPoint::targetRate));
    }

    /** The lowest rate with a measured p95: where a profile that sustains none comes closest. */
    static Optional<LatencyPoint> lowestMeasured(List<LatencyPoint> points) {
        return points.stream().filter(l -> l.p95Ms() != null).min(Comparator.comparingDouble(LatencyPoint::targetRate));
    }

    /** "`name` median batch X ms of which addBatch a ms (p%), walCommit ...": where a steady batch's time goes. */
    static String phases(Run run) {
        Map<String, Double> ph = run.repetitions().stream().map(x -> x.batches().phaseMsMedian())
                .filter(Objects::nonNull).findFirst().orElse(Map.of());
        if (ph.isEmpty()) {
            return "(no batch phase data)";
        }
        double total = ph.getOrDefault("triggerExecution", Double.NaN);
        List<String> parts = new ArrayList<>();
        ph.entrySet().stream().filter(e -> !e.getKey().equals("triggerExecution") && e.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> parts.add(String.format(Locale.ROOT, "%s %s ms (%.0f%%)", e.getKey(),
                        n0(e.getValue()), 100 * e.getValue() / total)));
        return String.format(Locale.ROOT, "`%s` median batch %s ms of which ", run.name(), n0(total))
                + String.join(", ", parts) + '.';
    }

    /** " JFR of <name> (N samples): a 30%, b 20%, ...; by thread: ...; the process used X% of the machine (Y%)." */
    Optional<String> cpuSentence(String name) {
        return cpuProfiles().stream().filter(p -> p.name().equals(name)).findFirst().map(p -> String.format(
                Locale.ROOT, " JFR of `%s` (%,d samples): %s; by thread: %s; the process used %s%% of the machine's CPU"
                        + " while the machine was %s%% busy.", p.name(), p.samples(), shares(p.buckets(), 5),
                shares(p.threads(), 3), n0(p.processCpuPercent()), n0(p.machineCpuPercent())));
    }

    List<CpuProfile.Summary> cpuProfiles() {
        return r.cpuProfiles() == null ? List.of() : r.cpuProfiles();
    }

    static String shares(List<CpuProfile.Share> shares, int max) {
        return String.join(", ", shares.stream().limit(max)
                .map(x -> String.format(Locale.ROOT, "%s %.0f%%", x.name(), x.percent())).toList());
    }

    /** The settings a run adds to or changes in the file's base. */
    Map<String, String> withoutBase(Map<String, String> settings) {
        Map<String, String> m = new TreeMap<>(settings);
        if (r.config().baseSettings() != null) {
            r.config().baseSettings().forEach((k, v) -> m.remove(k, v));
        }
        return m;
    }

    /** "`key value` + `key value`", sorted by key. */
    static String changes(Map<String, String> changed) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(changed).forEach((k, v) -> parts.add("`" + k + " " + v + "`"));
        return String.join(" + ", parts);
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
}
