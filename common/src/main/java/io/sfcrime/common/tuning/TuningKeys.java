package io.sfcrime.common.tuning;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Every tuning key the job knows, declared once. Keys under {@code spark.} that are not declared here pass
 * through to the SparkSession unchecked and apply as {@link ApplyMode#DRIVER_RESTART}.
 */
public final class TuningKeys {
    public static final Setting SHUFFLE_PARTITIONS = new Setting("spark.sql.shuffle.partitions", SettingType.INT, 1,
            ApplyMode.FIXED_BY_CHECKPOINT,
            "Partitions of the aggregation state. Each is a state-store task in every batch, so a small number "
                    + "suits a few cores; Spark's default of 200 costs seconds per batch even when the batch is empty. "
                    + "1 measured fastest on 2 cores (docs/tuning-report.md, 2 within its spread); with one partition "
                    + "the stateful stage runs on one core, so give a job whose state or input outgrows a core one "
                    + "per executor core.",
            atLeast(1));
    public static final Setting CHECKPOINT_FILE_MANAGER = new Setting("spark.sql.streaming.checkpointFileManagerClass",
            SettingType.STRING, "org.apache.spark.sql.execution.streaming.FileSystemBasedCheckpointFileManager",
            ApplyMode.DRIVER_RESTART,
            "How checkpoint and state files are written. Spark's default (FileContextBasedCheckpointFileManager) "
                    + "starts a readlink or chmod process per file on a local disk, several per state partition and "
                    + "batch; the FileSystem-based one renames in the JVM. Keep Spark's default for HDFS checkpoints.",
            v -> String.valueOf(v).matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+") ? null
                    : "'" + v + "' is not a fully qualified class name");
    public static final Setting EXECUTOR_INSTANCES = new Setting("spark.executor.instances", SettingType.INT, 2,
            ApplyMode.EXECUTORS,
            "Executors on Kubernetes; changed in the running application. Ignored in local mode.", atLeast(0));
    public static final Setting EXECUTOR_CORES = new Setting("spark.executor.cores", SettingType.INT, 1,
            ApplyMode.DRIVER_RESTART, "Cores per executor on Kubernetes.", atLeast(1));
    public static final Setting EXECUTOR_MEMORY = new Setting("spark.executor.memory", SettingType.STRING, "1g",
            ApplyMode.DRIVER_RESTART, "Heap per executor on Kubernetes (JVM size such as 512m or 2g).",
            v -> String.valueOf(v).matches("\\d+[kmgtKMGT]?") ? null : "'" + v + "' is not a size such as 512m or 2g");
    public static final Setting MAX_OFFSETS_PER_TRIGGER = new Setting("source.maxOffsetsPerTrigger", SettingType.LONG,
            100_000L, ApplyMode.QUERY_RESTART,
            "Most Kafka records one micro-batch reads; 0 reads all that is available. Larger batches amortise the "
                    + "fixed cost of a batch, smaller ones lower latency.", atLeast(0));
    public static final Setting MIN_PARTITIONS = new Setting("source.minPartitions", SettingType.INT, 0,
            ApplyMode.QUERY_RESTART,
            "Least Spark partitions a batch is split into; 0 means one per Kafka partition.", atLeast(0));
    public static final Setting STARTING_OFFSETS = new Setting("source.startingOffsets", SettingType.STRING,
            "earliest", ApplyMode.QUERY_RESTART,
            "Where a query without a checkpoint starts: earliest or latest. A checkpoint's offsets always win.",
            oneOf(Set.of("earliest", "latest")));
    public static final Setting FAIL_ON_DATA_LOSS = new Setting("source.failOnDataLoss", SettingType.BOOLEAN, true,
            ApplyMode.QUERY_RESTART,
            "Fail the query when offsets it expects are gone (deleted topic, retention) rather than skip them.", null);
    public static final Setting TRIGGER_INTERVAL = new Setting("query.triggerInterval", SettingType.DURATION,
            Duration.ZERO, ApplyMode.QUERY_RESTART,
            "Time between micro-batch starts; 0 starts the next batch as soon as the last one ends.", null);
    public static final Setting WATERMARK_DELAY = new Setting("query.watermarkDelay", SettingType.DURATION,
            Duration.ofDays(1), ApplyMode.QUERY_RESTART,
            "How far event time may lag the newest seen before a row is dropped as late and its window's state "
                    + "is freed. The shipped samples run newest-first over hours, so the default keeps all of them.",
            null);
    public static final Setting WINDOW_DURATION = new Setting("query.windowDuration", SettingType.DURATION,
            Duration.ofHours(1), ApplyMode.FIXED_BY_CHECKPOINT,
            "Length of the tumbling event-time windows that calls are counted in.",
            v -> ((Duration) v).isZero() ? "must be longer than 0" : null);
    public static final Setting DEDUPE = new Setting("query.dedupe", SettingType.BOOLEAN, false,
            ApplyMode.FIXED_BY_CHECKPOINT,
            "Drop records whose crime_id was already seen within the watermark before counting.", null);
    public static final Setting CONSOLE_TOP_N = new Setting("console.topN", SettingType.INT, 20, ApplyMode.LIVE,
            "Rows of the console table printed per batch (0 turns the table off).", atLeast(0));

    /** In declaration order: the order of the shipped tuning file, the docs and the reconcile steps. */
    public static final List<Setting> ALL = List.of(SHUFFLE_PARTITIONS, CHECKPOINT_FILE_MANAGER,
            EXECUTOR_INSTANCES, EXECUTOR_CORES,
            EXECUTOR_MEMORY, MAX_OFFSETS_PER_TRIGGER, MIN_PARTITIONS, STARTING_OFFSETS, FAIL_ON_DATA_LOSS,
            TRIGGER_INTERVAL, WATERMARK_DELAY, WINDOW_DURATION, DEDUPE, CONSOLE_TOP_N);

    private static final Map<String, Setting> BY_NAME = new LinkedHashMap<>();

    static {
        ALL.forEach(s -> BY_NAME.put(s.name(), s));
    }

    /** Prefix of keys that pass through to Spark without a declaration. */
    public static final String SPARK_PREFIX = "spark.";

    private TuningKeys() {
    }

    public static Optional<Setting> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The declared mode, {@link ApplyMode#DRIVER_RESTART} for pass-through Spark keys, empty for unknown keys. */
    public static Optional<ApplyMode> applyMode(String name) {
        Setting s = BY_NAME.get(name);
        if (s != null) {
            return Optional.of(s.applyMode());
        }
        return isPassThrough(name) ? Optional.of(ApplyMode.DRIVER_RESTART) : Optional.empty();
    }

    public static boolean isPassThrough(String name) {
        return !BY_NAME.containsKey(name) && name.startsWith(SPARK_PREFIX) && name.length() > SPARK_PREFIX.length();
    }

    /** The declared key nearest to an unknown one, for "did you mean" messages. */
    public static Optional<String> nearest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : BY_NAME.keySet()) {
            int d = editDistance(name.toLowerCase(), known.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return bestDistance <= Math.max(3, name.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Function<Object, String> atLeast(long min) {
        return v -> ((Number) v).longValue() >= min ? null : "must be at least " + min + ", got " + v;
    }

    private static Function<Object, String> oneOf(Set<String> allowed) {
        return v -> allowed.contains(v) ? null : "must be one of " + allowed.stream().sorted().toList() + ", got '" + v + "'";
    }
}
