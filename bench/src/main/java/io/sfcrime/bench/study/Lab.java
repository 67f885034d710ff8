package io.sfcrime.bench.study;

import io.sfcrime.bench.BenchOptions;
import io.sfcrime.bench.Profiles;
import io.sfcrime.bench.Profiles.Profile;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.run.Broker;
import io.sfcrime.bench.run.Child;
import io.sfcrime.bench.run.CpuProfile;
import io.sfcrime.bench.run.OperatorBreakdown;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.report.CountsReport;
import io.sfcrime.common.scan.EventTimeRange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What the studies of one benchmark share: the options, the broker, the generated input loaded into
 * {@link #TOPIC}, the ceiling's counts once measured, and everything measured so far.
 */
public final class Lab {
    /** The topic the generated input is loaded into; every study that drains the whole input reads it. */
    static final String TOPIC = "calls-bench";
    /** spark-app's --operator-metrics-file in each run's directory. */
    static final String OPERATORS_FILE = "operators.jsonl";
    private static final long START = System.nanoTime();

    final BenchOptions o;
    final Broker broker;
    final Profiles profiles;
    /** The profiles of this run: all or the quick ones, or those of --only; the baseline always. */
    final List<Profile> selected;
    final Input input;
    final List<Run> runs = new ArrayList<>();
    final List<Results.LatencyPoint> latency = new ArrayList<>();
    final List<Results.ScalingPoint> scaling = new ArrayList<>();
    final List<CpuProfile.Summary> cpuProfiles = new ArrayList<>();
    final List<OperatorBreakdown.Summary> breakdowns = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    /** The ceiling's counts of the input, once the ceiling ran. */
    Reference reference;

    public Lab(BenchOptions o, Broker broker, Profiles profiles, List<Profile> selected, Input input) {
        this.o = o;
        this.broker = broker;
        this.profiles = profiles;
        this.selected = selected;
        this.input = input;
    }

    /** Everything measured so far; {@code finished} is null until the last study is done. */
    public Results.File results(String started, String finished, Results.Machine machine, Results.Config config) {
        return new Results.File(started, finished, machine, config, List.copyOf(runs), List.copyOf(latency),
                List.copyOf(scaling), List.copyOf(notes), List.copyOf(cpuProfiles), List.copyOf(breakdowns));
    }

    /** Progress lines to stderr with a time stamp: the harness's own output, not the children's. */
    public static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench %6.1fs] %s%n", (System.nanoTime() - START) / 1e9,
                String.format(Locale.ROOT, format, args));
    }

    /**
     * Checks {@code done} every {@code step} until it holds (true), {@code timeout} passes or {@code child} exits
     * (false). The waits for a child's progress file to account for the records sent use it: the file is re-read
     * whole, so the step trades reaction time against the harness's own CPU beside the measured process.
     */
    static boolean pollUntil(BooleanSupplier done, Duration step, Duration timeout, Child child) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && child.isAlive()) {
            if (done.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(step.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    Path dir(String id) {
        return o.workDir().resolve(id);
    }

    /** The fastest valid Spark profile (at {@code batch} records per batch unless null), or the baseline. */
    Profile best(Long batch) {
        return runs.stream().filter(r -> "spark".equals(r.kind()) && r.valid() && r.rowsPerSecond() != null)
                .filter(r -> batch == null || batch.equals(r.maxOffsetsPerTrigger()))
                .max(Comparator.comparingDouble(Run::rowsPerSecond))
                .flatMap(r -> profiles.find(r.name())).orElse(profiles.baseline());
    }

    /** A repetition whose process failed: its error, wall time, memory and log, nothing measured. */
    Repetition failed(int index, String error, Child c) {
        return new Repetition(index, error, o.rel(c.log()), Results.Rate.of(0, Double.NaN, Double.NaN, Double.NaN,
                c.wallSeconds(), Double.NaN), Results.Memory.of(c.peakRssMb(), Double.NaN), Results.Batches.NONE,
                Results.Counts.NONE);
    }

    /**
     * bin/spark-app over {@code topic} with its checkpoint, tuning (the profile's settings) and progress file in
     * {@code dir}, and {@code more} options.
     */
    List<String> sparkApp(String topic, String results, String deadLetters, Path dir, Profile p, String... more) {
        List<String> cmd = new ArrayList<>(List.of(o.bin("spark-app").toString(), "--bootstrap", broker.bootstrap(),
                "--topic", topic, "--results-topic", results, "--dead-letter-topic", deadLetters, "--radio-codes",
                o.radioCodes().toString(), "--checkpoint", dir.resolve("checkpoint").toString(), "--tuning",
                tuningFile(dir, p.settings()).toString(), "--progress-file", dir.resolve("progress.jsonl").toString(),
                "--ui-port", "0"));
        cmd.addAll(List.of(more));
        return cmd;
    }

    /** The settings as a tuning file in {@code dir}, for --tuning of spark-app and the ceiling. */
    static Path tuningFile(Path dir, Map<String, String> settings) {
        try {
            Files.createDirectories(dir);
            StringBuilder sb = new StringBuilder("# written by the benchmark\n");
            settings.forEach((k, v) -> sb.append(k).append(": \"").append(v.replace("\"", "\\\"")).append("\"\n"));
            return Files.writeString(dir.resolve("tuning.yaml"), sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String javaBin() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Deletes a directory tree if it exists; what cannot be deleted only costs disk. */
    public static void deleteRecursively(Path dir) {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // leftovers only cost disk
            }
        }
    }

    /** A generated input file and what the generator says it holds. */
    public record Input(Path file, CallGenerator.Options options, CallGenerator.Summary summary) {
        /**
         * Where an input of {@code windows} > 0 ends: where the default input ends (2019-01-01 00:00 San Francisco
         * time). Its hours reach back from there, so every event time lies in the past of any clock the benchmark
         * runs at, and the producer and the job, which judge event times against their clock plus
         * {@code validation.maxFutureSkew}, accept every record the generator calls valid (spread forward from the
         * default start, 10^5 hours would run to 2030, past the clock). 10^5 hours reach back to 2007, far from
         * {@code validation.minEventTime} (1970).
         */
        static final LocalDateTime WINDOWS_END = CallGenerator.DEFAULT_START.plus(CallGenerator.DEFAULT_SPAN);
        private static final DateTimeFormatter EVENT_TIME_TEXT = DateTimeFormatter.ofPattern(
                "uuuu-MM-dd'T'HH:mm:ss.SSS");

        /**
         * Shuffled event times (the hard case for state) with 2% invalid records mixed in; {@code windows} > 0 spreads
         * the events over that many San Francisco clock hours ending at {@link #WINDOWS_END}. As hourly windows of
         * event time that is one fewer per spring-forward change in the span, whose skipped clock hour does not exist
         * and falls into the next: 10^2 hours are 100 windows, 10^4 are 9,999, 10^5 are 99,989.
         */
        public static Input generate(Path file, long seed, long count, int windows) {
            CallGenerator.Options g = options(seed, count, windows);
            requirePlausible(g, EventTimeRange.defaults(), System.currentTimeMillis());
            return new Input(file, g, new CallGenerator(g).write(file));
        }

        /** The generator's options of {@link #generate}. */
        static CallGenerator.Options options(long seed, long count, int windows) {
            CallGenerator.Options g = CallGenerator.Options.defaults().withSeed(seed).withCount(count)
                    .withFormat(CallGenerator.Format.NDJSON).withOrder(CallGenerator.Order.SHUFFLED)
                    .withInvalidFraction(0.02);
            return windows > 0 ? g.withStart(WINDOWS_END.minusHours(windows)).withWindows(windows) : g;
        }

        /**
         * Fails unless every event time of {@code g}'s span is plausible at {@code nowMillis} under {@code range}
         * (the product's rule, which the producer applies at its wall clock): a record the generator writes as valid
         * and the producer dead-letters would make the run's expected count wrong, and it would only show after the
         * input is written and sent.
         */
        static void requirePlausible(CallGenerator.Options g, EventTimeRange range, long nowMillis) {
            LocalDateTime first = g.start();
            LocalDateTime last = g.start().plus(g.span()).minusNanos(1_000_000);
            for (LocalDateTime t : List.of(first, last)) {
                String text = t.format(EVENT_TIME_TEXT);
                Invalid invalid = range.check(text, t.atZone(ZoneId.of(CallFields.EVENT_TIME_ZONE)).toInstant()
                        .toEpochMilli(), nowMillis);
                if (invalid != null) {
                    throw new IllegalArgumentException("the generated input would span " + first + " to " + last
                            + ", outside the plausible event times " + range + ": " + invalid.message());
                }
            }
        }

        /** Mean bytes of a record, without its newline. */
        public double meanRecordBytes() {
            return (double) summary.bytes() / Math.max(1, summary.records()) - 1;
        }

        /** The generator's options, as the results file records them. */
        public String describe() {
            return String.format(Locale.ROOT, "seed=%d count=%d format=%s order=%s start=%s span=%s invalid=%.3f",
                    options.seed(), options.count(), options.format().name().toLowerCase(Locale.ROOT),
                    options.order().cliName(), options.start(), options.span(), options.invalidFraction());
        }
    }

    /**
     * The ceiling's counts of an input, which every Spark run over it must reproduce. {@code lateHazard} is the
     * number of rows that some batching could drop as late (see {@code CallCounter.lateHazard}).
     */
    record Reference(CountsReport counts, long lateHazard) {
        /**
         * Exact equality when no row could be late under any batching; otherwise only what batching cannot change:
         * the totals, and that every valid row is counted or dropped as late.
         */
        List<String> differences(CountsReport actual) {
            if (lateHazard == 0) {
                return counts.differences(actual, 10);
            }
            List<String> out = new ArrayList<>();
            if (counts.inputRows() != actual.inputRows() || counts.validRows() != actual.validRows()
                    || counts.invalidRows() != actual.invalidRows()) {
                out.add("totals differ: expected input/valid/invalid " + counts.inputRows() + "/" + counts.validRows()
                        + "/" + counts.invalidRows() + ", got " + actual.inputRows() + "/" + actual.validRows() + "/"
                        + actual.invalidRows());
            }
            long counted = actual.byType().stream().mapToLong(CountsReport.Row::count).sum();
            if (counted + actual.lateRowsDropped() != actual.validRows()) {
                out.add("valid_rows " + actual.validRows() + " != counted " + counted + " + late "
                        + actual.lateRowsDropped());
            }
            return out;
        }
    }
}
