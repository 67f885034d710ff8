package io.sfcrime.bench.run;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one process spent its CPU, from a Java Flight Recorder file ({@code -XX:StartFlightRecording}, profile
 * settings): execution samples put in buckets, and the process's share of the machine's CPU. This is the profile
 * data the report's "why" rests on.
 * <p>
 * A sample goes to the bucket of the first pattern found walking its stack from the leaf up, so a bucket holds the
 * time spent inside that library or stage (Jackson called by our scan counts as Jackson). Thread groups split the
 * same samples by who ran them (Spark's executor tasks vs its driver's micro-batch planning, the producer's own
 * thread vs the Kafka client's sender).
 */
public final class CpuProfile {
    /** Leaf-first patterns (substrings of {@code package/Class.method}) and their bucket. Order matters. */
    public record Bucket(String name, List<String> patterns) {
        static Bucket of(String name, String... patterns) {
            return new Bucket(name, List.of(patterns));
        }
    }

    /** Thread groups by name prefix; threads matching none count as "other". */
    public record ThreadGroup(String name, String prefix) {
    }

    /** What a profile of the Spark job is split into. */
    public static final List<Bucket> SPARK_BUCKETS = List.of(
            Bucket.of("lz4 decompression", "lz4", "LZ4", "ChunkedBytesStream"),
            Bucket.of("Jackson (records the scanner's fast path declines, JSON of results)", "com/fasterxml/jackson"),
            Bucket.of("record scan (CallScanner: UTF-8, JSON, validation, event time)", "io/sfcrime/common",
                    "io/sfcrime/spark/pipeline/CallScan"),
            Bucket.of("result records (JSON values)", "io/sfcrime/spark/sink/ResultRecords"),
            Bucket.of("Kafka consumer (fetch, record decoding)", "org/apache/kafka/clients/consumer",
                    "org/apache/kafka/common"),
            Bucket.of("Kafka source / sink (Spark side)", "sql/kafka010/"),
            Bucket.of("Kafka producer (results, dead letters)", "org/apache/kafka/clients/producer"),
            Bucket.of("state store", "execution/streaming/state/"),
            Bucket.of("shuffle", "org/apache/spark/shuffle", "ShuffleBlockFetcherIterator", "ShuffleExternalSorter"),
            Bucket.of("code generation (compiling)", "CodeGenerator", "org/codehaus/janino", "org/codehaus/commons"),
            Bucket.of("class loading", "java/lang/ClassLoader", "java/util/zip", "jdk/internal/loader"),
            Bucket.of("task/closure serialization", "JavaSerializer", "java/io/ObjectInputStream",
                    "java/io/ObjectOutputStream", "ClosureCleaner"),
            Bucket.of("checkpoint files", "org/apache/hadoop/fs", "CheckpointFileManager", "HDFSMetadataLog"),
            Bucket.of("query planning", "org/apache/spark/sql/catalyst/optimizer",
                    "org/apache/spark/sql/catalyst/analysis", "org/apache/spark/sql/catalyst/rules",
                    "QueryExecution", "SparkPlanner"),
            Bucket.of("row format (UnsafeRow, UTF8String)", "UnsafeRow", "UnsafeWriter", "unsafe/types",
                    "unsafe/Platform", "ByteArrayMethods"),
            Bucket.of("generated operators (explode, aggregate, join)", "GeneratedClass",
                    "execution/aggregate/", "BufferedRowIterator"),
            Bucket.of("scheduler, RPC, metrics", "org/apache/spark/scheduler", "org/apache/spark/rpc",
                    "org/apache/spark/executor", "org/apache/spark/util/", "org/apache/spark/status"));

    public static final List<ThreadGroup> SPARK_THREADS = List.of(
            new ThreadGroup("executor tasks", "Executor task launch worker"),
            new ThreadGroup("micro-batch driver (per query)", "stream execution thread"),
            new ThreadGroup("main (start-up)", "main"));

    /** What a profile of a producer (ours or Kafka's tool) is split into. */
    public static final List<Bucket> PRODUCER_BUCKETS = List.of(
            Bucket.of("lz4 compression", "lz4", "LZ4"),
            Bucket.of("file scan (ElementScanner)", "io/sfcrime/producer/ElementScanner"),
            Bucket.of("Jackson parsing", "com/fasterxml/jackson"),
            Bucket.of("decode and validate (our code)", "io/sfcrime/"),
            Bucket.of("Kafka client: network (sender thread)", "clients/producer/internals/Sender",
                    "clients/NetworkClient", "common/network", "common/requests", "common/protocol", "sun/nio/ch"),
            Bucket.of("Kafka client: send path (serialize, partition, batch)", "clients/producer/",
                    "common/record/", "common/serialization", "common/header", "common/utils/"),
            Bucket.of("Kafka client: other", "org/apache/kafka"),
            Bucket.of("file read", "java/io/", "java/nio/"),
            Bucket.of("class loading", "java/lang/ClassLoader", "java/util/zip", "jdk/internal/loader"));

    public static final List<ThreadGroup> PRODUCER_THREADS = List.of(
            new ThreadGroup("caller thread (read, validate, send)", "main"),
            new ThreadGroup("Kafka sender thread", "kafka-producer-network-thread"));

    /** One bucket's or thread group's share of the samples, in percent. */
    public record Share(String name, double percent) {
    }

    /**
     * The summary that goes into the results file. {@code processCpuPercent} and {@code machineCpuPercent} are
     * means of JFR's one-second CPU load samples, in percent of all cores: what this process used, and what the
     * whole machine used (this process, the broker, the harness).
     */
    public record Summary(String name, String run, long samples, List<Share> buckets, List<Share> threads,
                          Double processCpuPercent, Double machineCpuPercent, String file) {
    }

    private CpuProfile() {
    }

    public static Summary read(String name, String run, Path jfr, List<Bucket> buckets, List<ThreadGroup> groups,
                               String fileLabel) {
        Map<String, Long> byBucket = new LinkedHashMap<>();
        buckets.forEach(b -> byBucket.putIfAbsent(b.name(), 0L));
        byBucket.put("other", 0L);
        Map<String, Long> byThread = new LinkedHashMap<>();
        groups.forEach(g -> byThread.put(g.name(), 0L));
        byThread.put("other threads", 0L);
        long samples = 0;
        double processCpu = 0;
        double machineCpu = 0;
        int cpuReadings = 0;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                if (type.equals("jdk.CPULoad")) {
                    processCpu += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
                    machineCpu += e.getFloat("machineTotal");
                    cpuReadings++;
                } else if (type.equals("jdk.ExecutionSample")) {
                    RecordedStackTrace stack = e.getStackTrace();
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    byBucket.merge(bucketOf(stack.getFrames(), buckets), 1L, Long::sum);
                    RecordedThread t = e.getThread("sampledThread");
                    byThread.merge(groupOf(t == null ? null : t.getJavaName(), groups), 1L, Long::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read flight recording " + jfr + ": " + e.getMessage(), e);
        }
        return new Summary(name, run, samples, shares(byBucket, samples), shares(byThread, samples),
                cpuReadings == 0 ? null : 100 * processCpu / cpuReadings,
                cpuReadings == 0 ? null : 100 * machineCpu / cpuReadings, fileLabel);
    }

    static String bucketOf(List<RecordedFrame> frames, List<Bucket> buckets) {
        List<String> names = new ArrayList<>(frames.size());
        for (RecordedFrame f : frames) {
            names.add(f.getMethod().getType().getName().replace('.', '/') + "." + f.getMethod().getName());
        }
        return bucketOfNames(names, buckets);
    }

    /** Leaf first: the first frame that matches any bucket decides. */
    static String bucketOfNames(List<String> leafFirst, List<Bucket> buckets) {
        for (String frame : leafFirst) {
            for (Bucket b : buckets) {
                for (String p : b.patterns()) {
                    if (frame.contains(p)) {
                        return b.name();
                    }
                }
            }
        }
        return "other";
    }

    static String groupOf(String thread, List<ThreadGroup> groups) {
        if (thread != null) {
            for (ThreadGroup g : groups) {
                if (thread.startsWith(g.prefix())) {
                    return g.name();
                }
            }
        }
        return "other threads";
    }

    private static List<Share> shares(Map<String, Long> counts, long total) {
        List<Share> out = new ArrayList<>();
        counts.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.add(new Share(e.getKey(), total == 0 ? 0 : 100.0 * e.getValue() / total)));
        return out;
    }

    /** JVM options that record a profile into {@code file}. */
    public static String recordingOptions(Path file) {
        return "-XX:StartFlightRecording=filename=" + file + ",settings=profile";
    }
}
