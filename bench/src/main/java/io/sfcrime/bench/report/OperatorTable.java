package io.sfcrime.bench.report;

import io.sfcrime.bench.Goals;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.Stats;
import io.sfcrime.bench.run.OperatorBreakdown;
import io.sfcrime.bench.run.OperatorBreakdown.Part;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static io.sfcrime.bench.report.Numbers.n0;

/**
 * "Where a batch's time goes, by operator": the steady batch of the best profile, of the fastest at any batch size
 * and of the defaults, broken down from Spark's own SQL metrics ({@link OperatorBreakdown}), one table per profile,
 * and the sentence the "why" of the ceiling goal quotes.
 */
final class OperatorTable {
    private final Numbers n;

    OperatorTable(Numbers n) {
        this.n = n;
    }

    /** Cores of the machine the run was on (the local-mode executors use them all). */
    private int cores() {
        return n.r.machine() == null ? 0 : n.r.machine().cores();
    }

    /** The profiles shown: the best at the comparison batch size, the fastest at any, then the baseline. */
    private List<String> profiles() {
        List<String> out = new ArrayList<>();
        n.best(Goals.COMPARISON_BATCH).map(Run::name).ifPresent(out::add);
        n.best(null).map(Run::name).filter(f -> !out.contains(f)).ifPresent(out::add);
        n.baseline().map(Run::name).filter(b -> !out.contains(b)).ifPresent(out::add);
        return out;
    }

    private List<OperatorBreakdown.Summary> of(String profile) {
        List<OperatorBreakdown.Summary> all = n.r.operatorBreakdowns();
        return all == null ? List.of() : all.stream().filter(s -> s.profile().equals(profile)).toList();
    }

    /** Median over the repetitions of each part's median batch, in the order of the first repetition. */
    private static Map<String, Part> parts(List<OperatorBreakdown.Summary> reps) {
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        Map<String, Part> first = new LinkedHashMap<>();
        for (OperatorBreakdown.Summary s : reps) {
            for (Part p : s.parts()) {
                String key = p.category() + " | " + p.measure();
                first.putIfAbsent(key, p);
                if (p.msMedian() != null) {
                    ms.computeIfAbsent(key, k -> new ArrayList<>()).add(p.msMedian());
                }
            }
        }
        Map<String, Part> out = new LinkedHashMap<>();
        first.forEach((k, p) -> out.put(k, new Part(p.category(), p.measure(),
                ms.containsKey(k) ? Stats.median(ms.get(k)) : null, p.nested())));
        return out;
    }

    private static double batchMs(List<OperatorBreakdown.Summary> reps) {
        return Stats.median(reps.stream().map(OperatorBreakdown.Summary::batchMsMedian).filter(Objects::nonNull)
                .toList());
    }

    void write(StringBuilder md, String img) {
        List<String> shown = profiles().stream().filter(p -> !of(p).isEmpty()).toList();
        if (shown.isEmpty()) {
            return;
        }
        md.append("## Where a batch's time goes, by operator\n\n");
        md.append("From Spark's own SQL metrics of each micro-batch's executed plan and of the actions the results "
                + "sink runs inside it (spark-app `--operator-metrics-file`), median over the steady batches of each "
                + "repetition, then over the repetitions. SQL timings are task time summed over the batch's tasks, "
                + "which run side by side on the cores: parts can add up to more than the batch's wall time. Spark "
                + "fuses operators into code-generated stages and times each stage as one loop, from its first row to "
                + "its last, so a stage's time holds the stages it reads from in the same task: the table subtracts "
                + "those, and the rest is the stage's own, which Spark does not split among the operators it fused "
                + "(the row names every category it fused; the JFR profile above shows the CPU inside). Rows in "
                + "*italics* run inside a stage's loop and are already part of its row. The driver's rows are the "
                + "results sink's own wall times; the write action's also runs the micro-batch plan, which is "
                + "lazy. The JVM's rows are the process's own counters over the micro-batch (its management beans): "
                + "the JIT compilers' time summed over their threads, GC pauses, and the CPU of all its threads, "
                + "work the job's rows do not show, beside them on the same cores; and, read from Linux's per-thread "
                + "counters, the CPU of the JIT compiler threads, of the GC threads and of the executor task "
                + "threads (the compilers' CPU is the truer measure of what compiling costs the tasks: the bean "
                + "counts only part of it).\n\n");
        for (String profile : shown) {
            List<OperatorBreakdown.Summary> reps = of(profile);
            double batch = batchMs(reps);
            md.append(String.format(Locale.ROOT, "### `%s`: median batch %s ms (%d repetition%s, %d steady batches"
                            + " in the first)%n%n", profile, n0(batch), reps.size(), reps.size() == 1 ? "" : "s",
                    reps.get(0).steadyBatches()));
            md.append("| part of the job | what Spark measures | ms per median batch | % of batch time |\n");
            md.append("|---|---|---:|---:|\n");
            List<Part> rows = new ArrayList<>(parts(reps).values());
            rows.sort(Comparator.comparingInt(OperatorTable::pipelineOrder)); // stable: plan order within a part
            for (Part p : rows) {
                if (p.msMedian() == null || p.msMedian() < 0.5) {
                    continue; // metrics that stayed at zero would only lengthen the table
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", p.category(),
                        p.nested() ? "*" + p.measure() + "*" : p.measure(), n0(p.msMedian()),
                        batch > 0 ? String.format(Locale.ROOT, "%.0f%%", 100 * p.msMedian() / batch) : "–"));
            }
            md.append('\n').append(stateStore(reps.get(0).stateStore())).append("\n\n");
        }
    }

    /** Rows in the order the job does the work: by the first category a row names. */
    private static int pipelineOrder(Part p) {
        List<String> order = List.of("Kafka read", "parse", "fan-out", "aggregation", "radio-code", "results encoding",
                "Kafka write", "other", "driver");
        for (int i = 0; i < order.size(); i++) {
            if (p.category().startsWith(order.get(i))) {
                return i;
            }
        }
        return order.size();
    }

    private static String stateStore(Map<String, Double> s) {
        if (s == null || s.isEmpty()) {
            return "State store: no state operator in the progress.";
        }
        return String.format(Locale.ROOT, "State store (the progress's stateOperators, median steady batch): "
                        + "%s rows in total, %s updated, %s MB of memory; update %s ms, removal %s ms, commit %s ms "
                        + "(per batch, summed over its %s state store instances).", n0(s.get("numRowsTotal")),
                n0(s.get("numRowsUpdated")), s.get("memoryUsedBytes") == null ? "–"
                        : String.format(Locale.ROOT, "%.1f", s.get("memoryUsedBytes") / 1e6),
                n0(s.get("allUpdatesTimeMs")), n0(s.get("allRemovalsTimeMs")), n0(s.get("commitTimeMs")),
                n0(s.get("numStateStoreInstances")));
    }

    /**
     * For the "why" of the ceiling goal: the three largest parts of a profile's batch that are not nested, the
     * sink's write action (which runs the whole plan) aside.
     */
    Optional<String> whySentence(String profile) {
        List<OperatorBreakdown.Summary> reps = of(profile);
        if (reps.isEmpty()) {
            return Optional.empty();
        }
        double batch = batchMs(reps);
        // The sink's write action holds the whole lazy plan: it would only repeat the parts it contains.
        Map<String, Part> parts = parts(reps);
        List<Part> top = parts.values().stream().filter(p -> !p.nested() && p.msMedian() != null)
                .filter(p -> !p.measure().contains("lazy micro-batch plan"))
                .filter(p -> !p.category().equals(OperatorBreakdown.JVM))
                .sorted(Comparator.comparingDouble(Part::msMedian).reversed()).limit(3).toList();
        if (top.isEmpty()) {
            return Optional.empty();
        }
        List<String> words = top.stream().map(p -> String.format(Locale.ROOT, "%s (%s) %s ms, %.0f%% of the batch",
                p.category(), p.measure(), n0(p.msMedian()), 100 * p.msMedian() / batch)).toList();
        return Optional.of(" By operator (Spark's SQL metrics, task time), the largest parts of its " + n0(batch)
                + " ms batch: " + String.join("; ", words) + "." + jvmSentence(parts, batch, cores()));
    }

    /**
     * What the JVM itself did during the median batch, when the run recorded it: with the threads' CPU (Linux), how
     * the process's CPU splits between the tasks, the JIT compilers and the GC, and what of the cores stayed idle.
     */
    static String jvmSentence(Map<String, Part> parts, double batch, int cores) {
        Double jit = jvm(parts, OperatorBreakdown.JIT_COMPILE);
        Double gc = jvm(parts, OperatorBreakdown.GC_PAUSE);
        Double cpu = jvm(parts, OperatorBreakdown.PROCESS_CPU);
        if (jit == null || cpu == null || batch <= 0) {
            return "";
        }
        Double jitCpu = jvm(parts, OperatorBreakdown.JIT_CPU);
        Double gcCpu = jvm(parts, OperatorBreakdown.GC_CPU);
        Double taskCpu = jvm(parts, OperatorBreakdown.TASK_CPU);
        if (jitCpu == null || gcCpu == null || taskCpu == null || cores <= 0) {
            return String.format(Locale.ROOT, " Meanwhile the JVM itself: its JIT compilers worked %s ms (%.0f%% of "
                            + "the batch's wall time, summed over their threads, on the cores the tasks use), GC paused "
                            + "it %s ms, and the process used %s ms of CPU in all.", n0(jit), 100 * jit / batch,
                    n0(gc), n0(cpu));
        }
        double available = cores * batch;
        double rest = Math.max(0, cpu - jitCpu - gcCpu - taskCpu);
        double idle = Math.max(0, available - cpu);
        return String.format(Locale.ROOT, " Of the %s ms of CPU its %d cores offered during the batch, the executor "
                        + "tasks used %s ms (%.0f%%), the JIT compilers %s ms (%.0f%%: a JVM still compiling the job's "
                        + "code takes it from the tasks), the GC threads %s ms (%.0f%%; pauses %s ms), the rest of the "
                        + "process (driver, planning, Kafka clients, listeners) %s ms (%.0f%%), and %s ms (%.0f%%) "
                        + "stayed idle (stages with fewer tasks than cores, and the driver's steps between them).",
                n0(available), cores, n0(taskCpu), pct(taskCpu, available), n0(jitCpu), pct(jitCpu, available),
                n0(gcCpu), pct(gcCpu, available), n0(gc), n0(rest), pct(rest, available),
                n0(idle), pct(idle, available));
    }

    private static double pct(double part, double whole) {
        return whole > 0 ? 100 * part / whole : 0;
    }

    private static Double jvm(Map<String, Part> parts, String counter) {
        String measure = OperatorBreakdown.jvmMeasure(counter);
        return parts.values().stream().filter(p -> p.category().equals(OperatorBreakdown.JVM)
                && p.measure().equals(measure)).map(Part::msMedian).filter(Objects::nonNull).findFirst()
                .orElse(null);
    }
}
