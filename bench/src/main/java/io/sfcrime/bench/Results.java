package io.sfcrime.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The results file {@code bench/results/<timestamp>.json}: what ran, on what, and every measurement. The report
 * is generated from this file alone, so a committed results file can be re-rendered and checked by anyone.
 * Field names are snake_case; rates are records per second; NaN never appears (missing values are null).
 */
public final class Results {
    /** Snake-case, nulls omitted, unknown fields tolerated so that older results files still render. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The whole file. */
    public record File(String started, String finished, Machine machine, Config config, List<Run> runs,
                       List<LatencyPoint> latency, List<ScalingPoint> scaling, List<String> notes,
                       List<CpuProfile.Summary> cpuProfiles) {
    }

    public record Machine(int cores, String java, String os, long memoryMb, String loadAverageAtStart) {
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
    }

    /**
     * One process run. Spark: {@code rowsPerSecond} = median processedRowsPerSecond of batches after warm-up
     * (the first batch with data, and a final partial batch, are left out); {@code drainSeconds} = first batch
     * start to last batch end; batch percentiles over batches with data. Memory: {@code peakRssMb} is VmHWM of the
     * process (resident set high-water mark, from /proc), {@code peakHeapMb} the largest heap occupancy seen
     * at a GC (from -Xlog:gc), a lower bound of the true heap peak. {@code otherQueriesSeconds}: summed batch
     * time of spark-app's other query (the dead-letter pass over the same topic), which shares the cores.
     */
    public record Repetition(int index, boolean ok, String error, long records, Double rowsPerSecond,
                             Double rowsPerSecondOverall, Double drainSeconds, Double wallSeconds,
                             Integer batches, Double batchP50Ms, Double batchP95Ms, Double batchMaxMs,
                             Double peakRssMb, Double peakHeapMb, Double mbPerSecond, Long stateRows,
                             Long lateRowsDropped, Boolean countsMatch, List<String> differences,
                             Map<String, Double> phaseMsMedian, String logFile, Double otherQueriesSeconds) {
    }

    /**
     * Latency mode: one profile at one fixed producer rate. Latency is from the record's append to the input
     * topic to the append of the result row its micro-batch wrote to the results topic (both broker
     * LogAppendTime, one clock).
     */
    public record LatencyPoint(String profile, double targetRate, double achievedRate, long records,
                               Double p50Ms, Double p95Ms, Double p99Ms, Double maxMs, Integer batches,
                               boolean sustained, String note) {
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

    public static void write(File file, Path path) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            MAPPER.writeValue(tmp.toFile(), file);
            Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results " + path + ": " + e.getMessage(), e);
        }
    }

    /** Null for NaN or infinite values, so the JSON holds only real numbers. */
    public static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }
}
