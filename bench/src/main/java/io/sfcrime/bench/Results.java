package io.sfcrime.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.sfcrime.bench.run.CpuProfile;
import io.sfcrime.bench.run.OperatorBreakdown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The results file {@code bench/results/<timestamp>.json}: what ran, on what, and every measurement. The report
 * is rendered from this file and the profiles file it names, so a committed results file can be re-rendered and
 * checked by anyone. Field names are snake_case; rates are records per second; NaN never appears (missing values
 * are left out).
 */
public final class Results {
    /** Snake-case, nulls omitted, unknown fields tolerated so that files with fields since dropped still render. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public record File(String started, String finished, Machine machine, Config config, List<Run> runs,
                       List<LatencyPoint> latency, List<ScalingPoint> scaling, List<String> notes,
                       List<CpuProfile.Summary> cpuProfiles, List<OperatorBreakdown.Summary> operatorBreakdowns) {
    }

    /** What the machine is, recorded with the numbers. */
    public record Machine(int cores, String java, String os, long memoryMb, String loadAverageAtStart) {
        public static Machine read() {
            var bean = ManagementFactory.getOperatingSystemMXBean();
            String load;
            try {
                load = Files.readString(Path.of("/proc/loadavg")).trim();
            } catch (IOException e) {
                load = String.format(Locale.ROOT, "%.2f", bean.getSystemLoadAverage());
            }
            long mem = bean instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getTotalMemorySize() / (1024 * 1024) : 0;
            return new Machine(Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version"), mem, load);
        }
    }

    /**
     * How the run was set up: record count, repetitions, partitions, the generated input (its options and mean
     * record size), the profiles file it read, and the JVM options of every Spark run.
     */
    public record Config(long n, int r, int p, boolean quick, String generator, double meanRecordBytes,
                         String profilesFile, Map<String, String> baseSettings, String baseline,
                         String sparkJavaOpts) {
    }

    /**
     * One named configuration measured {@code repetitions.size()} times. {@code rowsPerSecond} is the median of
     * the repetitions' rates (each a median of batches after warm-up for Spark, of chunks (1k-50k records) after the
     * first for the ceiling, the whole run for producers); min and max show the spread. A run is {@code valid}
     * only when every repetition finished and its counts equal the ceiling's.
     */
    public record Run(String name, String kind, String group, String description, String compareTo,
                      Long maxOffsetsPerTrigger,
                      Double rowsPerSecond, Double rowsPerSecondMin, Double rowsPerSecondMax,
                      Double mbPerSecond, boolean valid, String invalidReason, Map<String, String> settings,
                      List<Repetition> repetitions) {
        /** Median and spread over the repetitions; valid only if every repetition is. */
        public static Run of(String name, String kind, String group, String description, String compareTo,
                             Long maxOffsetsPerTrigger, Map<String, String> settings, List<Repetition> reps) {
            List<Rate> ok = reps.stream().filter(Repetition::ok).map(Repetition::rate).toList();
            Stats.Spread s = Stats.spread(ok.stream().map(Rate::rowsPerSecond).filter(Objects::nonNull).toList());
            double mb = Stats.median(ok.stream().map(Rate::mbPerSecond).filter(Objects::nonNull).toList());
            String reason = reps.isEmpty() ? "not run" : reps.stream().filter(r -> !r.ok())
                    .map(r -> "r" + r.index() + ": " + r.error()).findFirst().orElse(null);
            return new Run(name, kind, group, description, compareTo, maxOffsetsPerTrigger, num(s.median()),
                    num(s.min()), num(s.max()), num(mb), reason == null, reason, new LinkedHashMap<>(settings), reps);
        }
    }

    /**
     * One process run: {@code error} is null when it finished and, where counts are checked, they matched. The
     * parts are written flat, one JSON object per repetition.
     */
    @JsonDeserialize(using = Repetition.Reader.class)
    public record Repetition(int index, String error, String logFile, @JsonUnwrapped Rate rate,
                             @JsonUnwrapped Memory memory, @JsonUnwrapped Batches batches,
                             @JsonUnwrapped Counts counts) {
        @JsonProperty
        public boolean ok() {
            return error == null;
        }

        public Repetition failed(String why) {
            return new Repetition(index, why, logFile, rate, memory, batches, counts);
        }

        /** Reads the flat object into its parts; a part the run did not have comes back with every field null. */
        static final class Reader extends JsonDeserializer<Repetition> {
            @Override
            public Repetition deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonNode n = p.readValueAsTree();
                return new Repetition(n.path("index").asInt(), n.path("error").textValue(),
                        n.path("log_file").textValue(), MAPPER.convertValue(n, Rate.class),
                        MAPPER.convertValue(n, Memory.class), MAPPER.convertValue(n, Batches.class),
                        MAPPER.convertValue(n, Counts.class));
            }
        }
    }

    /**
     * How fast. For Spark {@code rowsPerSecond} is the median processedRowsPerSecond of batches after warm-up (the
     * first batch with data, and a final partial batch, are left out) and {@code drainSeconds} runs from the first
     * batch's start to the last batch's end.
     */
    public record Rate(long records, Double rowsPerSecond, Double rowsPerSecondOverall, Double drainSeconds,
                       Double wallSeconds, Double mbPerSecond) {
        public static Rate of(long records, double rowsPerSecond, double overall, double drainSeconds,
                              double wallSeconds, double mbPerSecond) {
            return new Rate(records, num(rowsPerSecond), num(overall), num(drainSeconds), num(wallSeconds),
                    num(mbPerSecond));
        }
    }

    /**
     * {@code peakRssMb}: VmHWM of the process (resident set high-water mark, from /proc); {@code peakHeapMb}: the
     * largest heap occupancy seen at a GC (from -Xlog:gc), a lower bound of the true heap peak.
     */
    public record Memory(Double peakRssMb, Double peakHeapMb) {
        public static Memory of(double peakRssMb, double peakHeapMb) {
            return new Memory(num(peakRssMb), num(peakHeapMb));
        }
    }

    /**
     * A Spark run's micro-batches (of the counts query): how many had data, their duration percentiles, the
     * median of each phase of a steady batch, and {@code otherQueriesSeconds}, the summed batch time of spark-app's
     * other query (the dead-letter pass over the same topic), which shares the cores.
     */
    public record Batches(@JsonProperty("batches") Integer count, Double batchP50Ms, Double batchP95Ms,
                          Double batchMaxMs, Map<String, Double> phaseMsMedian, Double otherQueriesSeconds) {
        public static final Batches NONE = new Batches(null, null, null, null, null, null);
    }

    /** Keys held (state rows for Spark, distinct keys for the ceiling) and how the counts compared. */
    public record Counts(Long stateRows, Long lateRowsDropped, Boolean countsMatch, List<String> differences) {
        public static final Counts NONE = new Counts(null, null, null, null);
    }

    /**
     * Latency mode: one profile at one fixed producer rate. Latency is from the record's append to the input
     * topic to the append of the result row its micro-batch wrote to the results topic (both broker
     * LogAppendTime, one clock).
     */
    public record LatencyPoint(String profile, double targetRate, double achievedRate, long records,
                               Double p50Ms, Double p95Ms, Double p99Ms, Double maxMs, Integer batches,
                               boolean sustained, String note) {
        public static LatencyPoint failed(String profile, double targetRate, String note) {
            return new LatencyPoint(profile, targetRate, 0, 0, null, null, null, null, null, false, note);
        }
    }

    /**
     * Scaling: one input shape (records, distinct windows) under one engine. {@code heapAfterGcMb} is the largest
     * occupancy right after a GC, which tracks what the state needs rather than how far -Xmx let the heap fill.
     */
    public record ScalingPoint(String series, String engine, long records, long windows, Double rowsPerSecond,
                               Double drainSeconds, Long stateRows, Double peakHeapMb, Double heapAfterGcMb,
                               boolean valid, String note) {
    }

    private Results() {
    }

    public static File read(Path path) {
        try {
            return MAPPER.readValue(path.toFile(), File.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read results " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes through a temporary file, so a reader never sees half a file. */
    public static void write(File file, Path path) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            MAPPER.writeValue(tmp.toFile(), file);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results " + path + ": " + e.getMessage(), e);
        }
    }

    /** Null for NaN or infinite values, so the JSON holds only real numbers. */
    public static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }
}
