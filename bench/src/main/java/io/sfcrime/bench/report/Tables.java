package io.sfcrime.bench.report;

import io.sfcrime.bench.Profiles.Role;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.LatencyPoint;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.Results.ScalingPoint;
import io.sfcrime.bench.Stats;
import io.sfcrime.bench.run.CpuProfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static io.sfcrime.bench.report.Numbers.medianOf;
import static io.sfcrime.bench.report.Numbers.n0;
import static io.sfcrime.bench.report.Numbers.n1;
import static io.sfcrime.bench.report.Numbers.rate;
import static io.sfcrime.bench.report.Numbers.shares;
import static io.sfcrime.bench.report.Numbers.x;

/** The report's measurements, one section per study, and how they were taken. */
final class Tables {
    private final Numbers n;
    private final Results.File r;

    Tables(Numbers numbers) {
        this.n = numbers;
        this.r = numbers.r;
    }

    void throughput(StringBuilder md, String img) {
        md.append("## Throughput\n\n");
        if (img != null) {
            md.append("![rows per second by run](").append(img).append("/bench-throughput.png)\n\n");
            if (n.spark().stream().anyMatch(x -> n.role(x) == Role.SHUFFLE_SWEEP)) {
                md.append("![rows per second by shuffle partitions](").append(img).append("/bench-shuffle.png)\n\n");
            }
        }
        double ceiling = rate(n.ceiling());
        double defaults = rate(n.baseline());
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
            double shown = x.valid() && x.rowsPerSecond() != null ? x.rowsPerSecond() : Double.NaN;
            md.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s |%n",
                    x.name(), x.group(), x.maxOffsetsPerTrigger() == null ? "–" : x.maxOffsetsPerTrigger() == 0
                            ? "unlimited" : String.format(Locale.ROOT, "%,d", x.maxOffsetsPerTrigger()),
                    speed, x(Stats.ratio(shown, ceiling)), x(Stats.ratio(shown, defaults)),
                    n1(medianOf(x, p -> p.rate().drainSeconds())), n0(medianOf(x, p -> p.batches().batchP50Ms())),
                    n0(medianOf(x, p -> p.batches().batchP95Ms())), n0(medianOf(x, p -> p.memory().peakRssMb())),
                    n0(medianOf(x, p -> p.memory().peakHeapMb())), x.valid() ? "yes" : "**NO**: " + x.invalidReason()));
        }
        md.append('\n');
    }

    void producer(StringBuilder md, String img) {
        Optional<Run> ours = n.run("producer");
        Optional<Run> tool = n.run("kafka-perf-tool");
        if (ours.isEmpty()) {
            return;
        }
        md.append("## Producer vs Kafka's producer performance tool\n\n"
                + "| run | records/s median (min–max) | MB/s | peak RSS MB | valid |\n|---|---|---|---|---|\n");
        for (Optional<Run> o : List.of(ours, tool)) {
            o.ifPresent(x -> md.append(String.format(Locale.ROOT, "| `%s` | %s (%s–%s) | %s | %s | %s |%n", x.name(),
                    n0(x.rowsPerSecond()), n0(x.rowsPerSecondMin()), n0(x.rowsPerSecondMax()), n1(x.mbPerSecond()),
                    n0(medianOf(x, p -> p.memory().peakRssMb())), x.valid() ? "yes" : "**NO**: " + x.invalidReason())));
        }
        md.append(String.format(Locale.ROOT, "%nOurs / tool = %s. Both on the same broker, records and client settings"
                        + " (acks=all, idempotent, lz4, linger 10 ms, 64 KiB batches); the tool sends random picks from"
                        + " the first 100k records of the same input.%n%n", x(Stats.ratio(rate(ours), rate(tool)))));
    }

    void cpuProfiles(StringBuilder md, String img) {
        if (n.cpuProfiles().isEmpty()) {
            return;
        }
        md.append("## Where the CPU goes (Java Flight Recorder)\n\n");
        md.append("One extra run each, recorded with `-XX:StartFlightRecording` (profile settings); its rate is not "
                + "used elsewhere. A sample counts for the first bucket found walking its stack from the leaf, so "
                + "a bucket is time spent inside that library or stage. Process and machine CPU are means of JFR's "
                + "one-second readings, in percent of all cores; the difference is the broker and the harness.\n\n");
        for (CpuProfile.Summary p : n.cpuProfiles()) {
            md.append(String.format(Locale.ROOT, "**`%s`** — %,d samples; process %s%% of the machine, machine %s%%"
                            + " busy; recording `%s`.%n%n| bucket | share of samples |%n|---|---:|%n", p.name(),
                    p.samples(), n0(p.processCpuPercent()), n0(p.machineCpuPercent()), p.file()));
            p.buckets().forEach(b -> md.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n", b.name(), b.percent())));
            md.append("\nBy thread: ").append(shares(p.threads(), 10)).append(".\n\n");
        }
    }

    void latency(StringBuilder md, String img) {
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

    void scaling(StringBuilder md, String img) {
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
        byEngine.forEach((engine, all) -> {
            List<ScalingPoint> ok = all.stream().filter(p -> p.rowsPerSecond() != null).toList();
            if (ok.size() >= 2) {
                ScalingPoint a = ok.get(0);
                ScalingPoint b = ok.get(ok.size() - 1);
                double grew = series.equals("records") ? (double) b.records() / a.records()
                        : (double) b.windows() / a.windows();
                parts.add(String.format(Locale.ROOT, "%s: %s× more %s changes rows/s by %s (%s → %s)", engine,
                        n0(grew), series, x(b.rowsPerSecond() / a.rowsPerSecond()), n0(a.rowsPerSecond()),
                        n0(b.rowsPerSecond())));
            }
        });
        return parts.isEmpty() ? "" : String.join("; ", parts) + ".";
    }

    void method(StringBuilder md, String img) {
        Results.Config c = r.config();
        md.append("## How this was measured\n\n"
                + "- `make bench` starts `bin/kafka-local`, writes the generated input into a topic of P partitions "
                + "with `bin/producer` (repetition 1's topic is what every later stage reads), then runs each "
                + "configuration R times, interleaved (r1 of all, then r2 of all…) so a change in the machine's load"
                + " spreads over all of them.\n"
                + "- **ceiling**: a hand-written single-thread `KafkaConsumer` in its own JVM doing the job's work "
                + "(the job's own record reader, common's `CallScanner`: one byte-level pass, Jackson for what it "
                + "declines, `RecordValidator`; hourly SF-time windows × crime type × disposition, radio-code join). "
                + "Its rate is the median over chunks of the drain (a twentieth each,"
                + " 1k–50k records) after the first.\n"
                + "- **spark**: `bin/spark-app --available-now` with a fresh checkpoint and the profile as `--tuning`;"
                + " rows/s is the median `processedRowsPerSecond` of batches after warm-up (the first batch with "
                + "data and a final partial batch are left out). Drain = first batch start to last batch end. "
                + "Batch p50/p95 over batches with data. Rates and batch figures are the counts query's; in runs "
                + "of spark-app before its scan wrote the dead letters, a second query read the topic for them, and "
                + "the drain spans both.\n"
                + "- **validity**: every Spark run's report is compared row by row with the ceiling's counts "
                + "(totals, by window × type, by window × type × disposition); any difference marks the run invalid,"
                + " and an invalid run is never the best.\n"
                + "- **memory**: peak RSS = VmHWM of the process from /proc (the JVM's whole footprint); peak heap = "
                + "largest heap occupancy at the start of a GC from `-Xlog:gc` (a lower bound of the heap peak); "
                + "heap after GC (scaling) = largest occupancy right after a GC, which follows what the state needs "
                + "rather than how far -Xmx lets the heap fill.\n"
                + (c.sparkJavaOpts() == null ? "" : "- **JVM**: every Spark run has `JAVA_OPTS=" + c.sparkJavaOpts()
                + "` (plus its GC log), scaling included; the ceiling runs with `-Xmx2g`.\n")
                + "- **producer**: `bin/producer` (records/s over every record read, MB/s over the file's bytes) vs "
                + "`org.apache.kafka.tools.ProducerPerformance` with the same client settings.\n"
                + "- Everything shares 2 cores: the broker runs beside every measured process. The ceiling uses one "
                + "thread, Spark local mode uses both cores.\n\n");
    }

    void notes(StringBuilder md, String img) {
        if (!r.notes().isEmpty()) {
            md.append("## Notes from the run\n\n");
            r.notes().forEach(note -> md.append("- ").append(note).append('\n'));
            md.append('\n');
        }
    }
}
