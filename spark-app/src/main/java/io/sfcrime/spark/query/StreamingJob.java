package io.sfcrime.spark.query;

import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.config.RuntimeSettings;
import io.sfcrime.spark.ops.OperatorMetrics;
import io.sfcrime.spark.ops.ProgressLog;
import io.sfcrime.spark.sink.DeadLetterTarget;
import io.sfcrime.spark.sink.DeadLetterWriter;
import io.sfcrime.spark.sink.ResultsSink;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The job's streaming queries ({@link JobQuery}: today the one {@link CountsQuery}), each started and stopped on its
 * own so a reconciler can restart one with new settings from the same checkpoint.
 */
public final class StreamingJob {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);

    private final SparkSession spark;
    private final JobConfig config;
    private final RuntimeSettings settings;
    private final RadioCodes radioCodes;
    private final ProgressLog progress;
    private final BatchBarrier barrier;
    private final PrintStream console;
    private final DeadLetterTarget deadLetters;
    private final Map<JobQuery, StreamingQuery> running = new EnumMap<>(JobQuery.class);
    private OperatorMetrics operators;

    /**
     * @param progress gets the counts query's sink, whose exact per-batch numbers go into the progress line
     * @param barrier  must be registered as a listener of {@code spark}: stops wait for the batch in flight
     */
    public StreamingJob(SparkSession spark, JobConfig config, RuntimeSettings settings, RadioCodes radioCodes,
                        ProgressLog progress, BatchBarrier barrier, PrintStream console) {
        this.spark = spark;
        this.config = config;
        this.settings = settings;
        this.radioCodes = radioCodes;
        this.progress = progress;
        this.barrier = barrier;
        this.console = console;
        this.deadLetters = DeadLetterTarget.create(spark, config.bootstrap(), config.deadLetterTopic());
    }

    /** Dead letters the broker has acknowledged so far in this session (successful tasks). */
    public long deadLettered() {
        return deadLetters.written().sum();
    }

    /** --operator-metrics-file: the results sink of each (re)started counts query times its steps into it. */
    public synchronized void recordOperators(OperatorMetrics collector) {
        this.operators = collector;
    }

    /** Starts every query, in {@link JobQuery} order. */
    public void start() throws TimeoutException {
        for (JobQuery query : JobQuery.values()) {
            start(query);
        }
    }

    /** Starts one query (again, from its checkpoint) with the tuning of this moment. */
    public synchronized StreamingQuery start(JobQuery query) throws TimeoutException {
        Tuning tuning = settings.tuning();
        StreamingQuery started = switch (query) {
            case COUNTS -> {
                ResultsSink sink = new ResultsSink(config.bootstrap(), config.resultsTopic(),
                        config.queryCheckpoint(JobQuery.COUNTS), settings, console);
                sink.recordDriverTimes(operators);
                StreamingQuery q = CountsQuery.start(spark, config, tuning, radioCodes, sink, deadLetters,
                        trigger(tuning));
                progress.attach(q.id(), sink);
                yield q;
            }
        };
        running.put(query, started);
        return started;
    }

    private Trigger trigger(Tuning tuning) {
        if (config.availableNow()) {
            return Trigger.AvailableNow();
        }
        return Trigger.ProcessingTime(tuning.getDuration(TuningKeys.TRIGGER_INTERVAL).toMillis());
    }

    /**
     * Stops the given queries once their batches in flight have finished and starts them again from their
     * checkpoints with the current tuning. The in-flight batches finish side by side: one wait, not one each.
     */
    public void restart(Set<JobQuery> queries) throws TimeoutException {
        for (JobQuery query : queries) {
            barrier.awaitBatchEnd(query(query));
        }
        for (JobQuery query : queries) {
            barrier.stopAfterCurrentBatch(query(query));
        }
        for (JobQuery query : queries) {
            start(query);
            LOG.info("query {} restarted from its checkpoint", query.queryName());
        }
    }

    /** The running (or last) instance of one query, null before it started. */
    public synchronized StreamingQuery query(JobQuery query) {
        return running.get(query);
    }

    /** The counts query, whose id the report folds the results topic by. */
    public StreamingQuery counts() {
        return query(JobQuery.COUNTS);
    }

    private synchronized List<StreamingQuery> queries() {
        return new ArrayList<>(running.values());
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
     * Stops every query after its batch in flight, then closes this JVM's dead-letter producers (in local mode the
     * tasks ran here; executors close theirs when they exit).
     */
    public void stopGracefully() throws TimeoutException {
        for (JobQuery query : JobQuery.values()) {
            barrier.stopAfterCurrentBatch(query(query));
        }
        DeadLetterWriter.closeAll();
    }
}
