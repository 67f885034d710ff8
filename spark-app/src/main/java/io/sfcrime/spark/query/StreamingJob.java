package io.sfcrime.spark.query;

import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.config.KafkaClients;
import io.sfcrime.spark.config.RuntimeSettings;
import io.sfcrime.spark.ops.ProgressReporter;
import io.sfcrime.spark.pipeline.CallValidation;
import io.sfcrime.spark.pipeline.KafkaSource;
import io.sfcrime.spark.pipeline.RadioCodeJoin;
import io.sfcrime.spark.pipeline.WindowCounts;
import io.sfcrime.spark.sink.DeadLetters;
import io.sfcrime.spark.sink.ResultsSink;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryStatus;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The two streaming queries of the job, each started and stopped on its own so a reconciler can restart one with new
 * settings from the same checkpoint:
 * <ul>
 *   <li>{@link JobQuery#COUNTS}: Kafka → validate → the one aggregation (windows and counters) → describe dispositions →
 *   results topic and console;</li>
 *   <li>{@link JobQuery#DEAD_LETTERS}: Kafka → validate → invalid rows → dead-letter topic (Spark's Kafka sink, headers).</li>
 * </ul>
 * A query has one sink, and the invalid rows do not survive the aggregation, hence two queries over one topic.
 */
public final class StreamingJob {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final SparkSession spark;
    private final JobConfig config;
    private final RuntimeSettings settings;
    private final RadioCodes radioCodes;
    private final ProgressReporter reporter;
    private final PrintStream console;
    private StreamingQuery counts;
    private StreamingQuery deadLetters;

    public StreamingJob(SparkSession spark, JobConfig config, RuntimeSettings settings, RadioCodes radioCodes,
                        ProgressReporter reporter, PrintStream console) {
        this.spark = spark;
        this.config = config;
        this.settings = settings;
        this.radioCodes = radioCodes;
        this.reporter = reporter;
        this.console = console;
    }

    public void start() throws TimeoutException {
        startDeadLetters();
        startCounts();
    }

    private Trigger trigger(Tuning tuning) {
        if (config.availableNow()) {
            return Trigger.AvailableNow();
        }
        return Trigger.ProcessingTime(tuning.getDuration(TuningKeys.TRIGGER_INTERVAL).toMillis());
    }

    public StreamingQuery startCounts() throws TimeoutException {
        Tuning tuning = settings.tuning();
        Duration window = tuning.getDuration(TuningKeys.WINDOW_DURATION);
        Dataset<Row> validated = CallValidation.validate(KafkaSource.read(spark, config, tuning));
        Dataset<Row> counted = WindowCounts.countCalls(validated, window,
                tuning.getDuration(TuningKeys.WATERMARK_DELAY), tuning.getBoolean(TuningKeys.DEDUPE));
        Dataset<Row> described = RadioCodeJoin.describe(counted,
                RadioCodeJoin.table(spark, radioCodes), window);
        ResultsSink sink = new ResultsSink(config.bootstrap(), config.resultsTopic(), settings, console);
        counts = described.writeStream()
                .queryName(JobQuery.COUNTS.queryName())
                .outputMode(OutputMode.Update())
                .option("checkpointLocation", config.queryCheckpoint(JobQuery.COUNTS).toString())
                .trigger(trigger(tuning))
                .foreachBatch(sink)
                .start();
        reporter.attach(counts.id(), sink);
        return counts;
    }

    public StreamingQuery startDeadLetters() throws TimeoutException {
        Tuning tuning = settings.tuning();
        Dataset<Row> validated = CallValidation.validate(KafkaSource.read(spark, config, tuning));
        deadLetters = DeadLetters.records(validated).writeStream()
                .queryName(JobQuery.DEAD_LETTERS.queryName())
                .format("kafka")
                .options(KafkaClients.sparkOptions())
                .option("kafka.bootstrap.servers", config.bootstrap())
                .option("topic", config.deadLetterTopic())
                .option("checkpointLocation", config.queryCheckpoint(JobQuery.DEAD_LETTERS).toString())
                .trigger(trigger(tuning))
                .start();
        return deadLetters;
    }

    /** Starts one query (again, from its checkpoint). */
    public StreamingQuery start(JobQuery query) throws TimeoutException {
        return switch (query) {
            case DEAD_LETTERS -> startDeadLetters();
            case COUNTS -> startCounts();
        };
    }

    /** The running (or last) instance of one query, null before it started. */
    public StreamingQuery query(JobQuery query) {
        return switch (query) {
            case DEAD_LETTERS -> deadLetters;
            case COUNTS -> counts;
        };
    }

    public StreamingQuery counts() {
        return counts;
    }

    public StreamingQuery deadLetters() {
        return deadLetters;
    }

    public List<StreamingQuery> queries() {
        List<StreamingQuery> all = new ArrayList<>();
        if (deadLetters != null) {
            all.add(deadLetters);
        }
        if (counts != null) {
            all.add(counts);
        }
        return all;
    }

    /** True while every query runs; false as soon as one has ended (drained, stopped or failed). */
    public boolean allActive() {
        return queries().stream().allMatch(StreamingQuery::isActive);
    }

    public boolean anyActive() {
        return queries().stream().anyMatch(StreamingQuery::isActive);
    }

    /** The first failure of any query, or null. */
    public Throwable failure() {
        for (StreamingQuery q : queries()) {
            if (q.exception().isDefined()) {
                return q.exception().get();
            }
        }
        return null;
    }

    /**
     * Lets the batch in flight finish, then stops the query. A batch that already began planning the next offsets
     * is interrupted; it is replayed from the checkpoint at the next start, with the same result.
     */
    public static void stopAfterCurrentBatch(StreamingQuery q, ProgressReporter reporter) throws TimeoutException {
        awaitBatchEnd(q, reporter);
        if (q == null || !q.isActive()) {
            return;
        }
        LOG.info("stopping query {}", q.name());
        q.stop();
    }

    /**
     * Waits while a batch with data is in flight. An idle query is also "trigger active" (it keeps polling Kafka for
     * new offsets) but reports no progress until data comes, so waiting for progress alone would wait for nothing.
     */
    public static void awaitBatchEnd(StreamingQuery q, ProgressReporter reporter) {
        if (q == null || !q.isActive()) {
            return;
        }
        long seen = reporter.progressCount(q.id());
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        try {
            while (q.isActive() && System.nanoTime() < deadline && reporter.progressCount(q.id()) <= seen) {
                StreamingQueryStatus status = q.status();
                if (!status.isTriggerActive() || !status.isDataAvailable()) {
                    return;
                }
                reporter.awaitProgress(q.id(), seen, Duration.ofMillis(100), q::isActive);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void stopGracefully() throws TimeoutException {
        stopAfterCurrentBatch(counts, reporter);
        stopAfterCurrentBatch(deadLetters, reporter);
    }
}
