package io.sfcrime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.bench.Profiles.Profile;
import io.sfcrime.bench.ceiling.CountsReport;
import io.sfcrime.bench.run.Broker;
import io.sfcrime.bench.run.Child;
import io.sfcrime.common.Json;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.tuning.TuningKeys;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark: one broker, one generated input, then the producer against Kafka's tool, the ceiling, Spark's
 * defaults and every profile R times (interleaved, so drift in the machine's load spreads over all of them
 * instead of biasing the last ones), latency at fixed rates and scaling. Every Spark run is checked count for
 * count against the ceiling. Writes the results JSON and renders the report from it.
 */
public final class Bench {
    /** The seed's two questions are answered against this goal list (issue 7's acceptance). */
    static final double GOAL_VS_CEILING = 0.5;
    static final double GOAL_VS_DEFAULTS = 5.0;
    static final double GOAL_PRODUCER_VS_TOOL = 0.9;
    static final double LATENCY_P95_GOAL_MS = 1000;

    private static final Pattern PERF_FINAL = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final BenchOptions o;
    private final Log log;
    private final List<String> notes = new ArrayList<>();
    private Broker broker;
    private Path input;
    private CallGenerator.Summary generated;
    private double meanRecordBytes;

    public Bench(BenchOptions options) {
        this.o = options;
        this.log = new Log();
    }

    /** Runs everything and returns the path of the results file. */
    public Path run() throws IOException {
        String started = Instant.now().toString();
        String stamp = LocalDateTime.now(ZoneOffset.UTC).format(STAMP);
        Profiles profiles = Profiles.read(o.profilesFile());
        List<Profile> selected = select(profiles);
        // A fresh work dir: the broker keeps topics across restarts, and old checkpoints or inputs must never
        // leak into a measurement.
        deleteRecursively(o.workDir());
        Files.createDirectories(o.workDir());
        Machine machine = Machine.read();
        log.info("bench: N=%d R=%d P=%d quick=%s profiles=%s; machine %d cores, load %s", o.n(), o.r(), o.p(),
                o.quick(), selected.stream().map(Profile::name).toList(), machine.cores, machine.load);

        CallGenerator.Options gen = generatorOptions(o.n(), 0);
        input = o.workDir().resolve("input-" + o.n() + ".ndjson");
        generated = new CallGenerator(gen).write(input);
        meanRecordBytes = (double) generated.bytes() / Math.max(1, generated.records()) - 1; // minus the newline
        log.info("input: %s (%d records, %d invalid, mean %.0f bytes)", input, generated.records(),
                generated.invalid(), meanRecordBytes);

        List<Results.Run> runs = new ArrayList<>();
        List<Results.LatencyPoint> latency = new ArrayList<>();
        List<Results.ScalingPoint> scaling = new ArrayList<>();
        List<CpuProfile.Summary> cpuProfiles = new ArrayList<>();
        Path out = o.resultsDir().resolve(stamp + ".json");
        // Written after every part, so a failure late in a long run (the harness itself, the machine) keeps what was
        // measured; the last write, with "finished" set, is the complete file.
        java.util.function.Function<String, Results.File> snapshot = finished -> new Results.File(started, finished,
                new Results.Machine(machine.cores, machine.java, machine.os, machine.memoryMb, machine.load),
                new Results.Config(o.n(), o.r(), o.p(), o.quick(), describe(gen), meanRecordBytes,
                        o.root().relativize(o.profilesFile().toAbsolutePath()).toString(), profiles.base(),
                        profiles.baseline().name(), o.sparkJavaOpts()),
                List.copyOf(runs), List.copyOf(latency), List.copyOf(scaling), List.copyOf(notes),
                List.copyOf(cpuProfiles));
        Runnable checkpoint = () -> Results.write(snapshot.apply(null), out);
        try (Broker b = Broker.start(o.root(), o.workDir().resolve("kafka-data"), o.p(),
                o.workDir().resolve("logs/kafka-local.log"))) {
            broker = b;
            log.info("broker: %s", b.bootstrap());
            String topic = "calls-bench";
            runs.addAll(producerRuns(topic));
            checkpoint.run();
            CountsReport expected = null;
            if (o.runs("ceiling") || o.runs("spark")) {
                Results.Run ceiling = ceilingRuns(topic, profiles.baseline(), "ceiling", o.r());
                runs.add(ceiling);
                expected = ceilingExpected;
                checkpoint.run();
            }
            if (o.runs("spark")) {
                runs.addAll(sparkRuns(topic, selected, expected, ceilingLateHazard));
                checkpoint.run();
            }
            if (o.runs("profile")) {
                cpuProfiles.addAll(cpuProfiles(topic, profiles, runs, expected));
                checkpoint.run();
            }
            if (o.runs("latency")) {
                List<Profile> lat = selected.stream().filter(Profile::latency).toList();
                if (o.quick()) {
                    // One short probe checks the latency machinery; the baseline's 200-partition batches would
                    // only add minutes.
                    lat = lat.stream().filter(p -> !p.name().equals(profiles.baseline().name())).limit(1).toList();
                }
                latency.addAll(latencyRuns(lat));
                checkpoint.run();
            }
            if (o.runs("scaling")) {
                scaling.addAll(scalingRuns(profiles, runs));
            }
        } finally {
            broker = null;
        }
        Results.File results = snapshot.apply(Instant.now().toString());
        Results.write(results, out);
        log.info("results: %s", out);
        new ReportWriter(results, o.root().relativize(out.toAbsolutePath()).toString())
                .write(o.reportFile(), o.imgDir());
        log.info("report: %s (charts in %s)", o.reportFile(), o.imgDir());
        return out;
    }

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
        // The baseline always runs: every ratio needs it.
        if (list.stream().noneMatch(p -> p.name().equals(profiles.baseline().name()))) {
            List<Profile> l = new ArrayList<>(list);
            l.add(0, profiles.baseline());
            list = l;
        }
        return list;
    }

    /** Input for a run: shuffled event times (the hard case for state), 2% invalid records mixed in. */
    CallGenerator.Options generatorOptions(long count, int windows) {
        CallGenerator.Options g = CallGenerator.Options.defaults().withSeed(o.seed()).withCount(count)
                .withFormat(CallGenerator.Format.NDJSON).withOrder(CallGenerator.Order.SHUFFLED)
                .withInvalidFraction(0.02);
        return windows > 0 ? g.withWindows(windows) : g;
    }

    static String describe(CallGenerator.Options g) {
        return String.format(Locale.ROOT, "seed=%d count=%d format=%s order=%s start=%s span=%s invalid=%.3f",
                g.seed(), g.count(), g.format().name().toLowerCase(Locale.ROOT), g.order().cliName(), g.start(),
                g.span(), g.invalidFraction());
    }

    // ---------------------------------------------------------------- producer vs Kafka's tool

    private List<Results.Run> producerRuns(String topic) throws IOException {
        List<Results.Repetition> ours = new ArrayList<>();
        List<Results.Repetition> tool = new ArrayList<>();
        Path payloads = payloadSample(input, o.workDir().resolve("perf-payloads.txt"), 100_000);
        if (o.runs("producer")) {
            warmBroker(payloads);
        }
        for (int rep = 1; rep <= o.r(); rep++) {
            // Rep 1 writes the topic every later stage reads; other reps write their own topics.
            String t = rep == 1 ? topic : topic + "-p" + rep;
            broker.createTopic(t, o.p(), false);
            // Who goes first alternates (ours, tool | tool, ours | ...): a broker that is still warming up, or
            // a log segment roll, then favours neither side. Rep 1 is ours first because it loads the topic.
            boolean toolFirst = rep % 2 == 0 && o.runs("producer");
            if (toolFirst) {
                tool.add(toolRep(payloads, rep));
            }
            ours.add(producerRep(t, rep, o.workDir().resolve("producer/r" + rep), ""));
            if (rep == 1 && !ours.get(0).ok()) {
                throw new IllegalStateException("bin/producer could not load the benchmark topic: "
                        + ours.get(0).error());
            }
            if (rep > 1) {
                broker.deleteTopics(List.of(t, t + ".dlq"));
            }
            if (!o.runs("producer")) {
                break;
            }
            if (!toolFirst) {
                tool.add(toolRep(payloads, rep));
            }
        }
        List<Results.Run> runs = new ArrayList<>();
        runs.add(summarize("producer", "producer", "producer",
                "bin/producer (file scan, validation, acks=all, idempotent, lz4, linger 10 ms)", null, null, Map.of(),
                ours, null));
        if (!tool.isEmpty()) {
            runs.add(summarize("kafka-perf-tool", "producer", "producer",
                    "org.apache.kafka.tools.ProducerPerformance, same broker, records and client settings",
                    null, null, PERF_TOOL_PROPS, tool, null));
        }
        return runs;
    }

    private Results.Repetition toolRep(Path payloads, int rep) {
        String pt = "perf-tool-" + rep;
        broker.createTopic(pt, o.p(), false);
        Results.Repetition r = perfToolRep(pt, payloads, rep, o.workDir().resolve("perf-tool/r" + rep), List.of());
        broker.deleteTopics(List.of(pt));
        return r;
    }

    /**
     * Kafka's tool gets our producer's client settings (io.sfcrime.producer.ProducerClients), so the comparison
     * isolates what our producer does around the client: reading and validating the file.
     */
    static final Map<String, String> PERF_TOOL_PROPS = Map.of("acks", "all", "enable.idempotence", "true",
            "compression.type", "lz4", "linger.ms", "10", "batch.size", "65536",
            "max.in.flight.requests.per.connection", "5", "buffer.memory", "33554432");

    private Results.Repetition producerRep(String topic, int rep, Path dir, String extraJavaOpts) {
        Path summary = dir.resolve("summary.json");
        Path gcLog = dir.resolve("gc.log");
        List<String> cmd = List.of(o.bin("producer").toString(), "--bootstrap", broker.bootstrap(), "--topic", topic,
                "--dead-letter-topic", topic + ".dlq", "--input", input.toString(), "--partitions",
                Integer.toString(o.p()), "--summary-json", summary.toString());
        Child c = Child.start("producer", cmd, Map.of("JAVA_OPTS", ("-Xlog:gc:file=" + gcLog + " " + extraJavaOpts).trim()),
                o.root(),
                dir.resolve("producer.log"));
        int exit = c.waitFor(o.runTimeout());
        String error = null;
        double seconds = Double.NaN;
        long sent = -1;
        long invalid = -1;
        if (exit != 0) {
            error = "exit " + exit + ": " + c.tail(5);
        } else {
            try {
                JsonNode s = Json.MAPPER.readTree(summary.toFile());
                sent = s.path("sent").asLong(-1);
                invalid = s.path("invalid").asLong(-1);
                seconds = s.path("seconds").asDouble(Double.NaN);
            } catch (IOException e) {
                error = "no summary: " + e.getMessage();
            }
            if (error == null && (sent != generated.valid() || invalid != generated.invalid())) {
                error = "sent " + sent + " valid and " + invalid + " invalid records, the input has "
                        + generated.valid() + " and " + generated.invalid();
            }
            long inTopic = broker.endOffsetSum(topic);
            if (error == null && inTopic != generated.valid()) {
                error = "topic holds " + inTopic + " records, expected " + generated.valid();
            }
        }
        // Rate over every record read from the file (valid to the topic, invalid to the dead-letter topic).
        double rate = Stats.ratio(generated.records(), seconds);
        double mb = Stats.ratio(generated.bytes() / 1e6, seconds);
        log.info("producer r%d: %s", rep, error == null ? String.format(Locale.ROOT, "%.0f records/s, %.1f MB/s, "
                + "%.1f s", rate, mb, seconds) : "FAILED " + error);
        return new Results.Repetition(rep, error == null, error, generated.records(), Results.num(rate),
                Results.num(rate), Results.num(seconds), c.wallSeconds(), null, null, null, null,
                Results.num(c.peakRssMb()), Results.num(Child.GcHeap.read(gcLog).peakMb()), Results.num(mb), null, null, null,
                null, null, rel(c.log()), null);
    }

    /**
     * Kafka's tool, not measured, through a scratch topic before the measured runs, so that both producers meet a
     * broker whose own code is already JIT-compiled. Without it our producer, which runs first because it loads the
     * topic every later stage reads, paid for the freshly started broker's warm-up and the tool then ran against
     * the broker our run had warmed.
     */
    private void warmBroker(Path payloads) {
        String topic = "broker-warmup";
        long records = Math.min(generated.records(), BROKER_WARMUP_RECORDS);
        Path dir = o.workDir().resolve("broker-warmup");
        broker.createTopic(topic, o.p(), false);
        Child c = Child.start("broker-warmup", perfToolCommand(topic, payloads, records, dir.resolve("gc.log"),
                        List.of()),
                Map.of(), o.root(), dir.resolve("perf-tool.log"));
        int exit = c.waitFor(o.runTimeout());
        log.info("broker warm-up: %d records through Kafka's tool, not measured%s", records,
                exit == 0 ? "" : " (exit " + exit + ", ignored: " + c.tail(2) + ")");
        broker.deleteTopics(List.of(topic));
    }

    private static final long BROKER_WARMUP_RECORDS = 300_000;

    private List<String> perfToolCommand(String topic, Path payloads, long records, Path gcLog,
                                         List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xlog:gc:file=" + gcLog));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp",
                o.root().resolve("kafka-local/target/lib").toString() + "/*",
                "org.apache.kafka.tools.ProducerPerformance", "--topic", topic,
                "--num-records", Long.toString(records), "--payload-file", payloads.toString(),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + broker.bootstrap()));
        PERF_TOOL_PROPS.forEach((k, v) -> cmd.add(k + "=" + v));
        return cmd;
    }

    private Results.Repetition perfToolRep(String topic, Path payloads, int rep, Path dir, List<String> jvmOptions) {
        Path gcLog = dir.resolve("gc.log");
        List<String> cmd = perfToolCommand(topic, payloads, generated.records(), gcLog, jvmOptions);
        Child c = Child.start("kafka-perf-tool", cmd, Map.of(), o.root(), dir.resolve("perf-tool.log"));
        int exit = c.waitFor(o.runTimeout());
        String error = null;
        double rate = Double.NaN;
        double mb = Double.NaN;
        long sent = -1;
        if (exit != 0) {
            error = "exit " + exit + ": " + c.tail(5);
        } else {
            try {
                Matcher m = PERF_FINAL.matcher(Files.readString(c.log()));
                String last = null;
                while (m.find()) {
                    last = m.group();
                    sent = Long.parseLong(m.group(1));
                    rate = Double.parseDouble(m.group(2));
                }
                if (last == null) {
                    error = "no final line in " + c.log();
                } else if (sent != generated.records()) {
                    error = "sent " + sent + " of " + generated.records();
                } else {
                    // The tool's MB/s counts its payloads; ours are a sample of the same file, so the size is ours.
                    mb = rate * meanRecordBytes / 1e6;
                }
            } catch (IOException e) {
                error = e.getMessage();
            }
        }
        log.info("kafka-perf-tool r%d: %s", rep, error == null ? String.format(Locale.ROOT,
                "%.0f records/s, %.1f MB/s", rate, mb) : "FAILED " + error);
        return new Results.Repetition(rep, error == null, error, generated.records(), Results.num(rate),
                Results.num(rate), Results.num(generated.records() / rate), c.wallSeconds(), null, null, null,
                null, Results.num(c.peakRssMb()), Results.num(Child.GcHeap.read(gcLog).peakMb()), Results.num(mb), null, null,
                null, null, null, rel(c.log()), null);
    }

    /** The first {@code max} lines of the input: Kafka's tool sends random picks of them as payloads. */
    static Path payloadSample(Path input, Path out, int max) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.ISO_8859_1);
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.ISO_8859_1)) {
            String line;
            int n = 0;
            while (n < max && (line = in.readLine()) != null) {
                w.write(line);
                w.write('\n');
                n++;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- ceiling

    private CountsReport ceilingExpected;
    private long ceilingLateHazard;

    private Results.Run ceilingRuns(String topic, Profile profile, String name, int reps) {
        List<Results.Repetition> list = new ArrayList<>();
        CountsReport first = null;
        for (int rep = 1; rep <= reps; rep++) {
            CeilingOutcome out = ceilingRep(topic, profile, name, rep);
            if (out.counts != null) {
                if (first == null) {
                    first = out.counts;
                    ceilingLateHazard = out.lateHazard;
                }
                List<String> diff = first.differences(out.counts, 5);
                if (!diff.isEmpty()) {
                    out = out.failed("ceiling repetitions disagree: " + diff);
                }
            }
            list.add(out.rep);
        }
        ceilingExpected = first;
        if (first != null && first.validRows() != generated.valid()) {
            notes.add("ceiling counted " + first.validRows() + " valid records, the generator wrote "
                    + generated.valid());
        }
        return summarize(name, "ceiling", "ceiling", "one thread, one KafkaConsumer, the job's work in plain Java",
                null, null, profile.settings(), list, null);
    }

    private record CeilingOutcome(Results.Repetition rep, CountsReport counts, long lateHazard, long distinctKeys,
                                  double heapAfterGcMb) {
        CeilingOutcome failed(String why) {
            Results.Repetition r = rep;
            return new CeilingOutcome(new Results.Repetition(r.index(), false, why, r.records(), r.rowsPerSecond(),
                    r.rowsPerSecondOverall(), r.drainSeconds(), r.wallSeconds(), r.batches(), r.batchP50Ms(),
                    r.batchP95Ms(), r.batchMaxMs(), r.peakRssMb(), r.peakHeapMb(), r.mbPerSecond(), r.stateRows(),
                    r.lateRowsDropped(), false, List.of(why), null, r.logFile(), null), counts, lateHazard, distinctKeys,
                    heapAfterGcMb);
        }
    }

    private CeilingOutcome ceilingRep(String topic, Profile profile, String name, int rep) {
        Path dir = o.workDir().resolve(name + "/r" + rep);
        Path tuning = writeTuning(dir, profile.settings());
        Path report = dir.resolve("report.json");
        Path timing = dir.resolve("timing.json");
        Path gcLog = dir.resolve("gc.log");
        List<String> cmd = List.of(javaBin(), "-Xmx2g", "-Xlog:gc:file=" + gcLog, "-cp",
                System.getProperty("java.class.path"), "io.sfcrime.bench.ceiling.CeilingMain",
                "--bootstrap", broker.bootstrap(), "--topic", topic, "--radio-codes", o.radioCodes().toString(),
                "--tuning", tuning.toString(), "--report", report.toString(), "--timing-json", timing.toString());
        Child c = Child.start(name, cmd, Map.of(), o.root(), dir.resolve("ceiling.log"));
        int exit = c.waitFor(o.runTimeout());
        if (exit != 0) {
            String error = "exit " + exit + ": " + c.tail(5);
            log.info("%s r%d: FAILED %s", name, rep, error);
            return new CeilingOutcome(failedRep(rep, error, c), null, 0, 0, Double.NaN);
        }
        try {
            JsonNode t = Json.MAPPER.readTree(timing.toFile());
            CountsReport counts = CountsReport.read(report);
            double rate = t.path("rows_per_second_median_after_warmup").asDouble(Double.NaN);
            double overall = t.path("rows_per_second_overall").asDouble(Double.NaN);
            double seconds = t.path("seconds").asDouble(Double.NaN);
            long records = t.path("records").asLong();
            long keys = t.path("distinct_keys").asLong();
            long hazard = t.path("late_hazard").asLong();
            Child.GcHeap heap = Child.GcHeap.read(gcLog);
            log.info("%s r%d: %.0f rows/s (median of chunks), %.0f overall, %d records in %.2f s, %d keys", name,
                    rep, rate, overall, records, seconds, keys);
            return new CeilingOutcome(new Results.Repetition(rep, true, null, records, Results.num(rate),
                    Results.num(overall), seconds, c.wallSeconds(), null, null, null, null,
                    Results.num(c.peakRssMb()), Results.num(heap.peakMb()),
                    Results.num(t.path("bytes").asLong() / 1e6 / seconds), keys, 0L, null, null, null, rel(c.log()), null),
                    counts, hazard, keys, heap.afterGcMb());
        } catch (RuntimeException | IOException e) {
            return new CeilingOutcome(failedRep(rep, "unreadable output: " + e.getMessage(), c), null, 0, 0,
                    Double.NaN);
        }
    }

    // ---------------------------------------------------------------- Spark

    private List<Results.Run> sparkRuns(String topic, List<Profile> profiles, CountsReport expected,
                                        long lateHazard) {
        Map<String, List<Results.Repetition>> reps = new LinkedHashMap<>();
        profiles.forEach(p -> reps.put(p.name(), new ArrayList<>()));
        for (int rep = 1; rep <= o.r(); rep++) {
            for (Profile p : profiles) {
                reps.get(p.name()).add(sparkRep(topic, p, rep, expected, lateHazard));
            }
        }
        List<Results.Run> runs = new ArrayList<>();
        for (Profile p : profiles) {
            runs.add(summarize(p.name(), "spark", p.group(), p.description(), p.compareTo(), p.maxOffsetsPerTrigger(),
                    p.settings(), reps.get(p.name()), null));
        }
        return runs;
    }

    /** Output of one spark-app run. */
    record SparkOutcome(Results.Repetition rep, List<SparkProgress.Batch> batches, CountsReport counts,
                        double heapAfterGcMb) {
    }

    Results.Repetition sparkRep(String topic, Profile p, int rep, CountsReport expected, long lateHazard) {
        return sparkRun(topic, p, p.name() + "/r" + rep, rep, expected, lateHazard, "").rep;
    }

    SparkOutcome sparkRun(String topic, Profile p, String id, int rep, CountsReport expected, long lateHazard,
                          String extraJavaOpts) {
        Path dir = o.workDir().resolve("spark/" + id);
        Path tuning = writeTuning(dir, p.settings());
        Path report = dir.resolve("report.json");
        Path progress = dir.resolve("progress.jsonl");
        Path gcLog = dir.resolve("gc.log");
        Path checkpoint = dir.resolve("checkpoint");
        String suffix = id.replace('/', '-');
        String results = "results-" + suffix;
        String dlq = "dlq-" + suffix;
        deleteRecursively(checkpoint);
        List<String> cmd = List.of(o.bin("spark-app").toString(), "--bootstrap", broker.bootstrap(),
                "--topic", topic, "--results-topic", results, "--dead-letter-topic", dlq,
                "--radio-codes", o.radioCodes().toString(), "--checkpoint", checkpoint.toString(),
                "--tuning", tuning.toString(), "--available-now", "--report", report.toString(),
                "--progress-file", progress.toString(), "--ui-port", "0");
        Child c = Child.start("spark-app", cmd, Map.of("JAVA_OPTS", o.sparkJavaOpts() + " -Xlog:gc:file=" + gcLog
                        + " " + extraJavaOpts),
                o.root(), dir.resolve("spark-app.log"));
        int exit = c.waitFor(o.runTimeout());
        deleteRecursively(checkpoint); // state of 200 partitions x batches adds up over a sweep
        broker.deleteTopics(List.of(results, dlq));
        if (exit != 0) {
            String error = exit == -1 ? "timed out after " + o.runTimeout().toMinutes() + " min" : "exit " + exit;
            log.info("spark %s: FAILED %s\n%s", id, error, c.tail(15));
            return new SparkOutcome(failedRep(rep, error + ": " + c.tail(3), c), List.of(), null,
                    Child.GcHeap.read(gcLog).afterGcMb());
        }
        List<SparkProgress.Batch> batches;
        CountsReport counts;
        try {
            batches = SparkProgress.read(progress);
            counts = CountsReport.read(report);
        } catch (RuntimeException e) {
            log.info("spark %s: FAILED unreadable output: %s", id, e.getMessage());
            return new SparkOutcome(failedRep(rep, "unreadable output: " + e.getMessage(), c), List.of(), null,
                    Child.GcHeap.read(gcLog).afterGcMb());
        }
        SparkProgress.Summary s = SparkProgress.summarize(batches);
        Child.GcHeap heap = Child.GcHeap.read(gcLog);
        List<String> diff = expected == null ? List.of("no ceiling counts to compare with")
                : checkCounts(expected, counts, lateHazard);
        boolean match = diff.isEmpty();
        String error = match ? null : "counts differ from the ceiling: " + diff.get(0);
        log.info("spark %s: %s%.0f rows/s (median of %d batches%s), drain %.1f s, batch p50 %.0f ms p95 %.0f ms,"
                        + " wall %.1f s, RSS %.0f MB, heap %.0f MB", id, match ? "" : "INVALID ", s.rowsPerSecond(),
                s.dataBatches(), s.warmupIncluded() ? ", warm-up included" : "", s.drainSeconds(), s.batchP50Ms(),
                s.batchP95Ms(), c.wallSeconds(), c.peakRssMb(), heap.peakMb());
        return new SparkOutcome(new Results.Repetition(rep, match, error, s.rows(), Results.num(s.rowsPerSecond()),
                Results.num(s.drainRowsPerSecond()), Results.num(s.drainSeconds()), c.wallSeconds(), s.dataBatches(),
                Results.num(s.batchP50Ms()), Results.num(s.batchP95Ms()), Results.num(s.batchMaxMs()),
                Results.num(c.peakRssMb()), Results.num(heap.peakMb()),
                Results.num(s.drainRowsPerSecond() * meanRecordBytes / 1e6), s.stateRows(),
                counts.lateRowsDropped(), match, diff, s.phaseMsMedian(), rel(c.log()),
                Results.num(s.otherQueriesBusySeconds())), batches, counts, heap.afterGcMb());
    }

    /**
     * Exact equality when no row could be late under any batching (the ceiling's late hazard is 0); otherwise
     * only what batching cannot change: the totals, and that every valid row is counted or dropped as late.
     */
    static List<String> checkCounts(CountsReport expected, CountsReport actual, long lateHazard) {
        if (lateHazard == 0) {
            return expected.differences(actual, 10);
        }
        List<String> out = new ArrayList<>();
        if (expected.inputRows() != actual.inputRows() || expected.validRows() != actual.validRows()
                || expected.invalidRows() != actual.invalidRows()) {
            out.add("totals differ: expected input/valid/invalid " + expected.inputRows() + "/"
                    + expected.validRows() + "/" + expected.invalidRows() + ", got " + actual.inputRows() + "/"
                    + actual.validRows() + "/" + actual.invalidRows());
        }
        long counted = actual.byType().stream().mapToLong(CountsReport.Row::count).sum();
        if (counted + actual.lateRowsDropped() != actual.validRows()) {
            out.add("valid_rows " + actual.validRows() + " != counted " + counted + " + late "
                    + actual.lateRowsDropped());
        }
        return out;
    }

    // ---------------------------------------------------------------- CPU profiles

    /**
     * One more run each of the best Spark profile at the comparison batch size, our producer and Kafka's tool,
     * recorded with Java Flight Recorder: the report's "why" comes from these, not from guesses. The recorder costs
     * a few percent, so these runs' rates are not used anywhere else.
     */
    private List<CpuProfile.Summary> cpuProfiles(String topic, Profiles profiles, List<Results.Run> runs,
                                                 CountsReport expected) throws IOException {
        List<CpuProfile.Summary> out = new ArrayList<>();
        Path dir = o.workDir().resolve("profile");
        Files.createDirectories(dir);
        Profile best = runs.stream().filter(r -> "spark".equals(r.kind()) && r.valid() && r.rowsPerSecond() != null)
                .filter(r -> Long.valueOf(ReportWriter.COMPARISON_BATCH).equals(r.maxOffsetsPerTrigger()))
                .max(Comparator.comparingDouble(Results.Run::rowsPerSecond))
                .flatMap(r -> profiles.find(r.name())).orElse(profiles.baseline());
        Path sparkJfr = dir.resolve("spark-" + best.name() + ".jfr");
        SparkOutcome s = sparkRun(topic, best, "profile/" + best.name(), 1, expected, ceilingLateHazard,
                CpuProfile.recordingOptions(sparkJfr));
        if (s.rep.ok() && Files.exists(sparkJfr)) {
            out.add(CpuProfile.read("spark:" + best.name(), rel(o.workDir().resolve("spark/profile/" + best.name())),
                    sparkJfr, CpuProfile.SPARK_BUCKETS, CpuProfile.SPARK_THREADS, rel(sparkJfr)));
        } else {
            notes.add("CPU profile of " + best.name() + " failed: " + s.rep.error());
        }
        String pt = "profile-producer";
        broker.createTopic(pt, o.p(), false);
        Path producerJfr = dir.resolve("producer.jfr");
        Results.Repetition pr = producerRep(pt, 1, dir.resolve("producer"), CpuProfile.recordingOptions(producerJfr));
        broker.deleteTopics(List.of(pt, pt + ".dlq"));
        if (pr.ok() && Files.exists(producerJfr)) {
            out.add(CpuProfile.read("producer", rel(dir.resolve("producer")), producerJfr,
                    CpuProfile.PRODUCER_BUCKETS, CpuProfile.PRODUCER_THREADS, rel(producerJfr)));
        } else {
            notes.add("CPU profile of the producer failed: " + pr.error());
        }
        if (o.runs("producer")) {
            String tt = "profile-perf-tool";
            broker.createTopic(tt, o.p(), false);
            Path toolJfr = dir.resolve("perf-tool.jfr");
            Path payloads = o.workDir().resolve("perf-payloads.txt");
            Results.Repetition tr = perfToolRep(tt, payloads, 1, dir.resolve("perf-tool"),
                    List.of(CpuProfile.recordingOptions(toolJfr)));
            broker.deleteTopics(List.of(tt));
            if (tr.ok() && Files.exists(toolJfr)) {
                out.add(CpuProfile.read("kafka-perf-tool", rel(dir.resolve("perf-tool")), toolJfr,
                        CpuProfile.PRODUCER_BUCKETS, CpuProfile.PRODUCER_THREADS, rel(toolJfr)));
            } else {
                notes.add("CPU profile of Kafka's tool failed: " + tr.error());
            }
        }
        out.forEach(p -> log.info("profile %s: %d samples, process %.0f%% of the machine (machine %.0f%%); top: %s",
                p.name(), p.samples(), p.processCpuPercent() == null ? Double.NaN : p.processCpuPercent(),
                p.machineCpuPercent() == null ? Double.NaN : p.machineCpuPercent(),
                p.buckets().stream().limit(4).map(b -> String.format(Locale.ROOT, "%s %.0f%%", b.name(), b.percent()))
                        .toList()));
        return out;
    }

    // ---------------------------------------------------------------- latency

    private List<Results.LatencyPoint> latencyRuns(List<Profile> profiles) throws IOException {
        List<Results.LatencyPoint> out = new ArrayList<>();
        for (Profile p : profiles) {
            out.addAll(new LatencyRun(this, p).run());
        }
        return out;
    }

    // ---------------------------------------------------------------- scaling

    private List<Results.ScalingPoint> scalingRuns(Profiles profiles, List<Results.Run> runs) throws IOException {
        Profile best = bestProfile(profiles, runs);
        log.info("scaling with profile %s", best.name());
        List<Results.ScalingPoint> out = new ArrayList<>();
        for (long n : o.scalingRecords()) {
            out.addAll(scalingPoint("records", List.of(best), n, 0));
        }
        long n = o.scalingRecords().contains(o.n()) ? o.n() : Math.min(o.n(), 1_000_000);
        // State grows with the windows, so the windows series also runs the best profile on the other state store:
        // the HDFS-backed one keeps every key on the heap, RocksDB keeps them off it.
        List<Profile> engines = List.of(best, withOtherStateStore(best));
        for (int w : o.scalingWindows()) {
            out.addAll(scalingPoint("windows", engines, n, w));
        }
        return out;
    }

    static final String STATE_STORE_KEY = "spark.sql.streaming.stateStore.providerClass";
    static final String ROCKSDB_PROVIDER =
            "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";

    /** {@code best} with RocksDB state, or with Spark's HDFS-backed default when {@code best} already uses RocksDB. */
    static Profile withOtherStateStore(Profile best) {
        Map<String, String> settings = new LinkedHashMap<>(best.settings());
        boolean rocks = ROCKSDB_PROVIDER.equals(settings.get(STATE_STORE_KEY));
        if (rocks) {
            settings.remove(STATE_STORE_KEY);
        } else {
            settings.put(STATE_STORE_KEY, ROCKSDB_PROVIDER);
        }
        return new Profile(best.name() + (rocks ? "+hdfs-state" : "+rocksdb"), best.group(), best.description(),
                false, false, best.name(), settings);
    }

    /** The fastest valid Spark profile of the sweep; the baseline when none is valid. */
    static Profile bestProfile(Profiles profiles, List<Results.Run> runs) {
        return runs.stream().filter(r -> "spark".equals(r.kind()) && r.valid() && r.rowsPerSecond() != null)
                .max(Comparator.comparingDouble(Results.Run::rowsPerSecond))
                .flatMap(r -> profiles.find(r.name())).orElse(profiles.baseline());
    }

    private List<Results.ScalingPoint> scalingPoint(String series, List<Profile> engines, long n, int windows)
            throws IOException {
        String id = series + "-n" + n + (windows > 0 ? "-w" + windows : "");
        Path file = o.workDir().resolve("scaling/" + id + ".ndjson");
        Files.createDirectories(file.getParent());
        CallGenerator.Summary g = new CallGenerator(generatorOptions(n, windows)).write(file);
        String topic = "scale-" + id;
        broker.createTopic(topic, o.p(), false);
        String error = produce(topic, file, o.workDir().resolve("scaling/" + id + "-producer"), g.valid());
        List<Results.ScalingPoint> out = new ArrayList<>();
        if (error != null) {
            out.add(new Results.ScalingPoint(series, "producer", n, windows, null, null, null, null, null, false,
                    error));
            return out;
        }
        CeilingOutcome ceiling = ceilingRep(topic, scalingProfile(engines.get(0), windows),
                "scaling/" + id + "-ceiling", 1);
        Results.Repetition cr = ceiling.rep;
        out.add(new Results.ScalingPoint(series, "ceiling", n, windows, cr.rowsPerSecond(), cr.drainSeconds(),
                ceiling.distinctKeys, cr.peakHeapMb(), Results.num(ceiling.heapAfterGcMb), cr.ok(), cr.error()));
        for (int i = 0; i < engines.size(); i++) {
            Profile p = scalingProfile(engines.get(i), windows);
            SparkOutcome s = sparkRun(topic, p, "scaling/" + id + (i == 0 ? "" : "-" + (i + 1)), 1, ceiling.counts,
                    ceiling.lateHazard, "");
            Results.Repetition sr = s.rep;
            out.add(new Results.ScalingPoint(series, "spark:" + p.name(), n, windows, sr.rowsPerSecond(),
                    sr.drainSeconds(), sr.stateRows(), sr.peakHeapMb(), Results.num(s.heapAfterGcMb), sr.ok(),
                    sr.error()));
        }
        broker.deleteTopics(List.of(topic, topic + ".dlq"));
        Files.deleteIfExists(file);
        return out;
    }

    /** A profile as the scaling series runs it: with {@code windows} set, a watermark that keeps every window open. */
    private static Profile scalingProfile(Profile engine, int windows) {
        Map<String, String> settings = new LinkedHashMap<>(engine.settings());
        if (windows > 0) {
            // Shuffled over `windows` hours: keep every window open so nothing is late and state holds them all.
            settings.put(TuningKeys.WATERMARK_DELAY.name(), (windows / 24 + 2) + " days");
        }
        return new Profile(engine.name(), "scaling", engine.description(), false, false, null, settings);
    }

    /** Loads a file into a topic with bin/producer; null when every valid record arrived, else why not. */
    String produce(String topic, Path file, Path dir, long expectedValid) {
        return produce(topic, file, dir, expectedValid, 0);
    }

    String produce(String topic, Path file, Path dir, long expectedValid, double rate) {
        List<String> cmd = new ArrayList<>(List.of(o.bin("producer").toString(), "--bootstrap", broker.bootstrap(),
                "--topic", topic, "--dead-letter-topic", topic + ".dlq", "--input", file.toString(),
                "--partitions", Integer.toString(o.p()), "--summary-json", dir.resolve("summary.json").toString()));
        if (rate > 0) {
            cmd.addAll(List.of("--rate", Double.toString(rate)));
        }
        Child c = Child.start("producer", cmd, Map.of(), o.root(), dir.resolve("producer.log"));
        int exit = c.waitFor(o.runTimeout());
        if (exit != 0) {
            return "producer exit " + exit + ": " + c.tail(3);
        }
        try {
            long sent = Json.MAPPER.readTree(dir.resolve("summary.json").toFile()).path("sent").asLong(-1);
            return sent == expectedValid ? null : "producer sent " + sent + ", expected " + expectedValid;
        } catch (IOException e) {
            return "no producer summary: " + e.getMessage();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Median and spread over repetitions; valid only if every repetition is. */
    static Results.Run summarize(String name, String kind, String group, String description, String compareTo,
                                 Long maxOffsets, Map<String, String> settings, List<Results.Repetition> reps,
                                 String why) {
        List<Double> rates = reps.stream().filter(Results.Repetition::ok).map(Results.Repetition::rowsPerSecond)
                .filter(d -> d != null).toList();
        List<Double> mbs = reps.stream().filter(Results.Repetition::ok).map(Results.Repetition::mbPerSecond)
                .filter(d -> d != null).toList();
        Stats.Spread s = Stats.spread(rates);
        boolean valid = !reps.isEmpty() && reps.stream().allMatch(Results.Repetition::ok) && why == null;
        String reason = why != null ? why : reps.stream().filter(r -> !r.ok()).map(r -> "r" + r.index() + ": "
                + r.error()).findFirst().orElse(reps.isEmpty() ? "not run" : null);
        return new Results.Run(name, kind, group, description, compareTo, maxOffsets, Results.num(s.median()),
                Results.num(s.min()), Results.num(s.max()), Results.num(Stats.median(mbs)), valid, reason,
                new LinkedHashMap<>(settings), reps);
    }

    private Results.Repetition failedRep(int rep, String error, Child c) {
        return new Results.Repetition(rep, false, error, 0, null, null, null, c.wallSeconds(), null, null, null,
                null, Results.num(c.peakRssMb()), null, null, null, null, false, List.of(error), null, rel(c.log()), null);
    }

    Path writeTuning(Path dir, Map<String, String> settings) {
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve("tuning.yaml");
            StringBuilder sb = new StringBuilder("# written by the benchmark\n");
            settings.forEach((k, v) -> sb.append(k).append(": \"").append(v.replace("\"", "\\\"")).append("\"\n"));
            Files.writeString(f, sb.toString());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String rel(Path p) {
        Path abs = p.toAbsolutePath();
        return abs.startsWith(o.root()) ? o.root().relativize(abs).toString() : abs.toString();
    }

    static String javaBin() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers only cost disk
        }
    }

    BenchOptions options() {
        return o;
    }

    Broker broker() {
        return broker;
    }

    Log log() {
        return log;
    }

    List<String> notes() {
        return notes;
    }

    /** Progress lines to stderr with a time stamp; the harness's own output, not the children's. */
    static final class Log {
        private final long start = System.nanoTime();

        void info(String format, Object... args) {
            System.err.printf(Locale.ROOT, "[bench %6.1fs] %s%n", (System.nanoTime() - start) / 1e9,
                    String.format(Locale.ROOT, format, args));
        }
    }

    /** What the machine is, recorded with the numbers. */
    record Machine(int cores, String java, String os, long memoryMb, String load) {
        static Machine read() {
            String load = "";
            try {
                load = Files.readString(Path.of("/proc/loadavg")).trim();
            } catch (IOException e) {
                load = String.format(Locale.ROOT, "%.2f",
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
            long mem = 0;
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                mem = os.getTotalMemorySize() / (1024 * 1024);
            }
            return new Machine(Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version"), mem, load);
        }
    }
}
