package io.sfcrime.common.tuning;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Every tuning key the job knows, declared once. Keys under {@code spark.} that are not declared here pass
 * through to the SparkSession and apply as {@link ApplyMode#DRIVER_RESTART}: spark-app checks them against Spark's
 * own config registry ({@link SparkKeys}) unless {@link #UNDECLARED_SPARK_KEYS} lists them.
 */
public final class TuningKeys {
    public static final Setting SHUFFLE_PARTITIONS = Setting.builder("spark.sql.shuffle.partitions")
            .type(SettingType.INT).defaultValue(1)
            .applyMode(ApplyMode.FIXED_BY_CHECKPOINT).affects(JobQuery.COUNTS)
            .doc("Partitions of the aggregation state. Each is a state-store task in every batch, so a small number "
                    + "suits a few cores; Spark's default of 200 costs seconds per batch even when the batch is empty. "
                    + "1 measured fastest on 2 cores (docs/tuning-report.md, 2 within its spread); with one partition "
                    + "the stateful stage runs on one core, so give a job whose state or input outgrows a core one "
                    + "per executor core.")
            .check(atLeast(1))
            .build();
    public static final Setting CHECKPOINT_FILE_MANAGER = Setting.builder("spark.sql.streaming.checkpointFileManagerClass")
            .type(SettingType.STRING)
            .defaultValue("org.apache.spark.sql.execution.streaming.FileSystemBasedCheckpointFileManager")
            .applyMode(ApplyMode.DRIVER_RESTART).affectsAllQueries()
            .doc("How checkpoint and state files are written. Spark's default (FileContextBasedCheckpointFileManager) "
                    + "starts a readlink or chmod process per file on a local disk, several per state partition and "
                    + "batch; the FileSystem-based one renames in the JVM. Keep Spark's default for HDFS checkpoints.")
            .check(Check.matching("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+", "a fully qualified class name"))
            .build();
    public static final Setting EXECUTOR_INSTANCES = Setting.builder("spark.executor.instances")
            .type(SettingType.INT).defaultValue(2)
            .applyMode(ApplyMode.EXECUTORS).affectsAllQueries()
            .doc("Executors on Kubernetes; changed in the running application. Ignored in local mode.")
            .check(atLeast(0))
            .build();
    public static final Setting EXECUTOR_CORES = Setting.builder("spark.executor.cores")
            .type(SettingType.INT).defaultValue(1)
            .applyMode(ApplyMode.DRIVER_RESTART).affectsAllQueries()
            .doc("Cores per executor on Kubernetes.")
            .check(atLeast(1))
            .build();
    public static final Setting EXECUTOR_MEMORY = Setting.builder("spark.executor.memory")
            .type(SettingType.STRING).defaultValue("1g")
            .applyMode(ApplyMode.DRIVER_RESTART).affectsAllQueries()
            .doc("Heap per executor on Kubernetes (JVM size such as 512m or 2g).")
            .check(Check.matching("[0-9]+[kmgtKMGT]?", "a size such as 512m or 2g"))
            .build();
    public static final Setting MAX_OFFSETS_PER_TRIGGER = Setting.builder("source.maxOffsetsPerTrigger")
            .type(SettingType.LONG).defaultValue(500_000L)
            .applyMode(ApplyMode.QUERY_RESTART).affectsAllQueries()
            .doc("Most Kafka records one micro-batch reads; 0 reads all that is available. Larger batches amortise the "
                    + "fixed cost of a batch, smaller ones lower latency. The default, 500000, is the fastest batch "
                    + "size of the tuning report (docs/tuning-report.md); a steady stream's batches stay far smaller.")
            .check(atLeast(0))
            .build();
    public static final Setting MIN_PARTITIONS = Setting.builder("source.minPartitions")
            .type(SettingType.INT).defaultValue(0)
            .applyMode(ApplyMode.QUERY_RESTART).affectsAllQueries()
            .doc("Least Spark partitions a batch is split into; 0 means one per Kafka partition.")
            .check(atLeast(0))
            .build();
    public static final Setting MAX_POLL_RECORDS = Setting.builder("source.maxPollRecords")
            .type(SettingType.INT).defaultValue(5_000)
            .applyMode(ApplyMode.QUERY_RESTART).affectsAllQueries()
            .doc("Most records one poll of the executors' Kafka consumers returns (Kafka's max.poll.records, "
                    + "default 500). Spark's source polls until it reaches the batch's end offset, and every poll "
                    + "runs the client's network and fetch bookkeeping: 10x fewer polls per batch measured faster, "
                    + "most of all in a young JVM (the bench's Kafka consumer profile, docs/tuning-report.md).")
            .check(atLeast(1))
            .build();
    public static final Setting MAX_PARTITION_FETCH_BYTES = Setting.builder("source.maxPartitionFetchBytes")
            .type(SettingType.INT).defaultValue(8 * 1024 * 1024)
            .applyMode(ApplyMode.QUERY_RESTART).affectsAllQueries()
            .doc("Most bytes of one partition a fetch request brings back (Kafka's max.partition.fetch.bytes, "
                    + "default 1 MiB; the size is of compressed batches). Fewer, larger fetches cost the consumer and "
                    + "the broker less per record; each executor core buffers up to this much per partition it "
                    + "reads.")
            .check(atLeast(1024))
            .build();
    public static final Setting STARTING_OFFSETS = Setting.builder("source.startingOffsets")
            .type(SettingType.STRING).defaultValue("earliest")
            .applyMode(ApplyMode.QUERY_RESTART).affectsAllQueries()
            .doc("Where a query without a checkpoint starts: earliest or latest. A checkpoint's offsets always win.")
            .check(oneOf(Set.of("earliest", "latest")))
            .build();
    public static final Setting FAIL_ON_DATA_LOSS = Setting.builder("source.failOnDataLoss")
            .type(SettingType.BOOLEAN).defaultValue(true)
            .applyMode(ApplyMode.QUERY_RESTART).affectsAllQueries()
            .doc("Fail the query when offsets it expects are gone (deleted topic, retention) rather than skip them.")
            .build();
    public static final Setting TRIGGER_INTERVAL = Setting.builder("query.triggerInterval")
            .type(SettingType.DURATION).defaultValue(Duration.ZERO)
            .applyMode(ApplyMode.QUERY_RESTART).affectsAllQueries()
            .doc("Time between micro-batch starts; 0 starts the next batch as soon as the last one ends.")
            .build();
    // The watermark, the window and the de-duplication only shape the aggregation.
    public static final Setting WATERMARK_DELAY = Setting.builder("query.watermarkDelay")
            .type(SettingType.DURATION).defaultValue(Duration.ofDays(1))
            .applyMode(ApplyMode.QUERY_RESTART).affects(JobQuery.COUNTS)
            .doc("How far event time may lag the newest seen before a row is dropped as late and its window's state "
                    + "is freed. The shipped samples run newest-first over hours, so the default keeps all of them.")
            .build();
    public static final Setting WINDOW_DURATION = Setting.builder("query.windowDuration")
            .type(SettingType.DURATION).defaultValue(Duration.ofHours(1))
            .applyMode(ApplyMode.FIXED_BY_CHECKPOINT).affects(JobQuery.COUNTS)
            .doc("Length of the tumbling event-time windows that calls are counted in.")
            .check(v -> ((Duration) v).isZero() ? "must be longer than 0" : null)
            .build();
    public static final Setting DEDUPE = Setting.builder("query.dedupe")
            .type(SettingType.BOOLEAN).defaultValue(false)
            .applyMode(ApplyMode.FIXED_BY_CHECKPOINT).affects(JobQuery.COUNTS)
            .doc("Drop records whose crime_id was already seen within the watermark before counting.")
            .build();
    public static final Setting PRE_AGGREGATE = Setting.builder("query.preAggregate")
            .type(SettingType.BOOLEAN).defaultValue(false)
            .applyMode(ApplyMode.FIXED_BY_CHECKPOINT).affects(JobQuery.COUNTS)
            .doc("Count each Kafka partition's records of a batch in plain Java (one pass of the record scanner "
                    + "into a hash map) and hand the streaming aggregation those partial counts to sum, instead of "
                    + "one Spark row per record and count level. Same counts; the aggregation's state holds sums, so "
                    + "a checkpoint keeps the value it was created with. Ignored with query.dedupe, which needs "
                    + "each record's crime_id.")
            .build();
    // Validation: which records count at all (and which become dead letters). The query restarts to judge by them.
    public static final Setting MIN_EVENT_TIME = Setting.builder("validation.minEventTime")
            .type(SettingType.STRING).defaultValue("1970-01-01")
            .applyMode(ApplyMode.QUERY_RESTART).affectsAllQueries()
            .doc("Earliest plausible call_date_time, a date in San Francisco time. An earlier record is invalid "
                    + "(implausible_date_time) and goes to the dead-letter topic, in the producer (--min-event-time) "
                    + "and in the job alike, instead of opening a window decades back.")
            .check(Check.date())
            .build();
    public static final Setting MAX_FUTURE_SKEW = Setting.builder("validation.maxFutureSkew")
            .type(SettingType.DURATION).defaultValue(Duration.ofDays(1))
            .applyMode(ApplyMode.QUERY_RESTART).affectsAllQueries()
            .doc("How far past the clock a call_date_time may lie: the batch's clock in the job, the wall clock in "
                    + "the producer (--max-future-skew). A later record is invalid (implausible_date_time) and goes "
                    + "to the dead-letter topic: one record in year 9999 (or 2108 for 2018) would otherwise move the "
                    + "watermark there, and every later record would be dropped as late for good.")
            .build();
    public static final Setting UNDECLARED_SPARK_KEYS = Setting.builder("tuning.undeclaredSparkKeys")
            .type(SettingType.STRING).defaultValue("")
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("spark.* keys to pass to Spark although Spark does not declare them (comma-separated; a name ending "
                    + "in '.' covers every key under it), such as a plugin's settings. Every other spark.* key not "
                    + "declared here must be one Spark declares (its config registry) or reads by prefix "
                    + "(spark.hadoop., spark.executorEnv., labels and annotations, ...): a misspelt key is "
                    + "rejected with the nearest one instead of running with Spark's default.")
            .check(Check.matching("([^\\s,]+(\\s*,\\s*[^\\s,]+)*)?", "a comma-separated list of keys"))
            .build();
    public static final Setting CONSOLE_TOP_N = Setting.builder("console.topN")
            .type(SettingType.INT).defaultValue(20)
            .applyMode(ApplyMode.LIVE).affects(JobQuery.COUNTS)
            .doc("Rows of the console table printed per batch (0 turns the table off).")
            .check(atLeast(0))
            .build();

    // Autoscaling: the driver sets the executor count itself from each batch's progress (spark-app's autoscale/).
    // All apply from the next batch: the autoscaler reads them afresh at every decision.
    public static final Setting AUTOSCALE_ENABLED = Setting.builder("autoscale.enabled")
            .type(SettingType.BOOLEAN).defaultValue(false)
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("Let the driver choose the executor count from each batch's lag and rates (docs/autoscaling.md). "
                    + "spark.executor.instances is then the count it starts with; a later change of "
                    + "spark.executor.instances in the tuning is a manual count that wins until an autoscale.* key "
                    + "changes. Kubernetes only: in local mode it recommends and says so.")
            .build();
    public static final Setting AUTOSCALE_MODE = Setting.builder("autoscale.mode")
            .type(SettingType.STRING).defaultValue("act")
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("act: change the executor count in place (as the EXECUTORS step does); recommend: record each "
                    + "decision in the status, the log and an Event, and change nothing.")
            .check(oneOf(Set.of("act", "recommend")))
            .build();
    public static final Setting AUTOSCALE_MIN_EXECUTORS = Setting.builder("autoscale.minExecutors")
            .type(SettingType.INT).defaultValue(1)
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("Fewest executors the autoscaler keeps, at most autoscale.maxExecutors. At least 1: a streaming "
                    + "batch without executors never ends, so no progress would ever ask for more.")
            .check(atLeast(1))
            .build();
    public static final Setting AUTOSCALE_MAX_EXECUTORS = Setting.builder("autoscale.maxExecutors")
            .type(SettingType.INT).defaultValue(8)
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("Most executors the autoscaler asks for. It also never asks for more executor cores than a batch "
                    + "has input partitions (Kafka partitions, or source.minPartitions when higher): more cores "
                    + "would sit idle.")
            .check(atLeast(1))
            .build();
    public static final Setting AUTOSCALE_TARGET_CATCH_UP_TIME = Setting.builder("autoscale.targetCatchUpTime")
            .type(SettingType.DURATION).defaultValue(Duration.ofMinutes(5))
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("Time in which the executors asked for should clear the current backlog on top of the input "
                    + "rate: the rate needed is input rate + offsets behind latest / this time.")
            .check(Check.positiveDuration())
            .build();
    public static final Setting AUTOSCALE_TARGET_UTILIZATION = Setting.builder("autoscale.targetUtilization")
            .type(SettingType.INT).defaultValue(70)
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("Percent of their measured processing rate the executors should be busy with the rate needed; "
                    + "the headroom absorbs bursts. A scale-down must keep the window's peak rate under it.")
            .check(Check.between(10, 100))
            .build();
    public static final Setting AUTOSCALE_LAG_GROWTH_BATCHES = Setting.builder("autoscale.lagGrowthBatches")
            .type(SettingType.INT).defaultValue(3)
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("Consecutive batches over which the offsets behind latest must grow (above "
                    + "autoscale.lagThreshold) before the autoscaler scales up: one slow batch is not a trend.")
            .check(atLeast(1))
            .build();
    public static final Setting AUTOSCALE_LAG_THRESHOLD = Setting.builder("autoscale.lagThreshold")
            .type(SettingType.LONG).defaultValue(1_000L)
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("Offsets (all partitions) a batch may leave for later and the job still counts as caught up "
                    + "(Lagging False, scale-down allowed); also the noise floor of a growing lag, which must add "
                    + "more than this over autoscale.lagGrowthBatches batches to scale up.")
            .check(atLeast(0))
            .build();
    public static final Setting AUTOSCALE_METRICS_WINDOW = Setting.builder("autoscale.metricsWindow")
            .type(SettingType.DURATION).defaultValue(Duration.ofMinutes(1))
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("Span of recent batches whose rates are averaged for a decision (the peak for a scale-down); a "
                    + "scale-down also needs the lag at or below autoscale.lagThreshold through all of it.")
            .check(Check.positiveDuration())
            .build();
    public static final Setting AUTOSCALE_SCALE_UP_COOLDOWN = Setting.builder("autoscale.scaleUpCooldown")
            .type(SettingType.DURATION).defaultValue(Duration.ofMinutes(1))
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("Least time after any change of the executor count before the autoscaler scales up again: new "
                    + "executors need time to start and to show in the rates.")
            .build();
    public static final Setting AUTOSCALE_SCALE_DOWN_COOLDOWN = Setting.builder("autoscale.scaleDownCooldown")
            .type(SettingType.DURATION).defaultValue(Duration.ofMinutes(5))
            .applyMode(ApplyMode.LIVE).affectsAllQueries()
            .doc("Least time after any change of the executor count before the autoscaler scales down.")
            .build();

    /** In declaration order: the order of the shipped tuning file, the docs and the reconcile steps. */
    public static final List<Setting> ALL = List.of(SHUFFLE_PARTITIONS, CHECKPOINT_FILE_MANAGER,
            EXECUTOR_INSTANCES, EXECUTOR_CORES,
            EXECUTOR_MEMORY, MAX_OFFSETS_PER_TRIGGER, MIN_PARTITIONS, MAX_POLL_RECORDS, MAX_PARTITION_FETCH_BYTES,
            STARTING_OFFSETS, FAIL_ON_DATA_LOSS,
            TRIGGER_INTERVAL, WATERMARK_DELAY, WINDOW_DURATION, DEDUPE, PRE_AGGREGATE, MIN_EVENT_TIME, MAX_FUTURE_SKEW,
            UNDECLARED_SPARK_KEYS, CONSOLE_TOP_N, AUTOSCALE_ENABLED, AUTOSCALE_MODE, AUTOSCALE_MIN_EXECUTORS,
            AUTOSCALE_MAX_EXECUTORS, AUTOSCALE_TARGET_CATCH_UP_TIME, AUTOSCALE_TARGET_UTILIZATION,
            AUTOSCALE_LAG_GROWTH_BATCHES, AUTOSCALE_LAG_THRESHOLD, AUTOSCALE_METRICS_WINDOW, AUTOSCALE_SCALE_UP_COOLDOWN,
            AUTOSCALE_SCALE_DOWN_COOLDOWN);

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

    /** The declared queries a key shapes; a pass-through Spark key shapes the session and so every query. */
    public static Set<JobQuery> affectedQueries(String name) {
        Setting s = BY_NAME.get(name);
        return s != null ? s.queries() : EnumSet.allOf(JobQuery.class);
    }

    public static boolean isPassThrough(String name) {
        return !BY_NAME.containsKey(name) && name.startsWith(SPARK_PREFIX) && name.length() > SPARK_PREFIX.length();
    }

    /** The declared key nearest to an unknown one, for "did you mean" messages. */
    public static Optional<String> nearest(String name) {
        return nearest(name, BY_NAME.keySet());
    }

    /** The one of {@code known} nearest to {@code name} when it is near enough to be a misspelling of it. */
    public static Optional<String> nearest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = editDistance(name.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
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
        return Check.atLeast(min);
    }

    private static Function<Object, String> oneOf(Set<String> allowed) {
        return Check.oneOf(allowed);
    }
}
