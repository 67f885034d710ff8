package io.sfcrime.spark.app;

import io.sfcrime.common.AliveFile;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.report.CountsReport.Totals;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.config.RuntimeSettings;
import io.sfcrime.spark.config.Sessions;
import io.sfcrime.common.metrics.JobMetrics;
import io.sfcrime.spark.metrics.JobMetricSet;
import io.sfcrime.spark.metrics.MetricsListener;
import io.sfcrime.spark.ops.GroupOffsets;
import io.sfcrime.spark.ops.LagProbe;
import io.sfcrime.spark.ops.OperatorMetrics;
import io.sfcrime.spark.ops.ProgressLog;
import io.sfcrime.spark.retune.status.RestartKind;
import io.sfcrime.spark.retune.status.StatusTracker;
import io.sfcrime.spark.query.BatchBarrier;
import io.sfcrime.spark.query.StreamingJob;
import io.sfcrime.spark.report.Report;
import io.sfcrime.spark.retune.Retune;
import io.sfcrime.spark.retune.SparkActions;
import io.sfcrime.spark.sink.ResultFold;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the job until it ends and says how it ended: checks before Spark starts, then one SparkSession after another
 * (a tuning change that needs a new session restarts it locally), each running the queries until they drain, a
 * signal stops them, one fails, or a change needs a new driver; then the report.
 */
final class Supervisor {
    private final JobConfig config;
    private final Path tuningFile;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final StopSignal stop;
    private StopSignal signal;
    /** The job's metrics for the life of the JVM; each SparkSession registers them as its source. */
    private final JobMetricSet metrics = new JobMetricSet();
    /** Set by the reconciler when a change needs a new SparkSession (locally) or a new driver (Kubernetes). */
    private final AtomicReference<Tuning> restart = new AtomicReference<>();

    /** @param stop a stop signal the caller controls, or null for SIGTERM/SIGINT (handled once the checks pass) */
    Supervisor(JobConfig config, Path tuningFile, Map<String, String> env, PrintStream out,
               PrintStream err, StopSignal stop) {
        this.config = config;
        this.tuningFile = tuningFile;
        this.env = env;
        this.out = out;
        this.err = err;
        this.stop = stop;
    }

    Outcome run() throws Exception {
        try (RetuneWiring wiring = new RetuneWiring(env, err)) {
            Preflight.Loaded loaded;
            try {
                loaded = Preflight.load(config, tuningFile, wiring, out);
            } catch (Preflight.Refused e) {
                return refused(e);
            }
            try (Retune retune = loaded.retune()) {
                try {
                    Preflight.checkCheckpointAndTopics(config, out);
                } catch (Preflight.Refused e) {
                    return refused(e);
                }
                signal = stop != null ? stop : StopSignal.install();
                RuntimeSettings settings = new RuntimeSettings(retune.tuning());
                countTuning(retune);
                try (GroupOffsets offsets = config.consumerGroup().isEmpty() ? null
                        : new GroupOffsets(config.bootstrap(), config.topic(), config.consumerGroup(), metrics);
                     LagProbe lag = new LagProbe(config.bootstrap(), config.topic())) {
                    retune.autoscaler().measureLagWith(lag);
                    Optional<Outcome> outcome;
                    do {
                        outcome = runSession(settings, loaded.radioCodes(), retune, offsets);
                    } while (outcome.isEmpty());
                    return outcome.get();
                }
            }
        }
    }

    /** Tuning changes as metrics: keys rejected at start, then every change the reconciler applies or rejects. */
    private void countTuning(Retune retune) {
        metrics.inc(JobMetrics.TUNING_REJECTED, retune.initialRejected().size());
        retune.countInto(new StatusTracker.Counts() {
            @Override
            public void applied(int steps) {
                metrics.inc(JobMetrics.TUNING_APPLIED, steps);
            }

            @Override
            public void rejected(int keys) {
                metrics.inc(JobMetrics.TUNING_REJECTED, keys);
            }

            @Override
            public void restarted(RestartKind kind) {
                if (kind == RestartKind.QUERY) {
                    metrics.inc(JobMetrics.QUERY_RESTARTS, 1);
                }
            }
        });
    }

    private Outcome refused(Preflight.Refused e) {
        err.println("spark-app: " + e.getMessage());
        return e.outcome();
    }

    /** One SparkSession from start to end; empty when it ended for a local session restart with new tuning. */
    private Optional<Outcome> runSession(RuntimeSettings settings, RadioCodes codes, Retune retune,
                                         GroupOffsets offsets) throws Exception {
        SparkSession spark = Sessions.create(config, settings.tuning());
        metrics.registerWithSpark();
        ProgressLog progress = new ProgressLog(config.progressFile(), AliveFile.at(config.aliveFile()));
        BatchBarrier barrier = new BatchBarrier();
        StreamingJob job = new StreamingJob(spark, config, settings, codes, progress, barrier, out);
        MetricsListener metricsListener = new MetricsListener(metrics, progress, offsets, job::deadLettered);
        // Listeners see each event in this order: a batch's metrics are updated and its progress line written before
        // the barrier lets a stop go ahead, and the status follows.
        spark.streams().addListener(metricsListener);
        spark.streams().addListener(progress);
        spark.streams().addListener(barrier);
        spark.streams().addListener(retune.listener());
        spark.streams().addListener(retune.autoscaler().listener());
        OperatorMetrics operators = OperatorMetrics.register(spark, config.operatorMetricsFile());
        try {
            String ui = spark.sparkContext().uiWebUrl().isDefined() ? spark.sparkContext().uiWebUrl().get() : null;
            out.println("spark-app: Spark UI at " + (ui == null ? "(disabled)" : ui + "/StreamingQuery/"));
            if (ui != null) {
                out.println("spark-app: Prometheus metrics at " + ui + JobMetrics.DRIVER_PATH);
            }
            if (offsets != null) {
                out.println("spark-app: processed offsets are committed to consumer group " + offsets.group()
                        + " for lag tools (the checkpoint alone decides where the job resumes)");
            }
            out.flush();
            if (ui != null) {
                // The port as bound: Spark takes the next one when --ui-port is in use; `make ui` reads it here.
                retune.ui(ui + "/StreamingQuery/");
            }
            progress.onLateRows((batchId, rows, watermark) -> {
                String delay = settings.tuning().asStrings().get(TuningKeys.WATERMARK_DELAY.name());
                out.println("spark-app: batch " + batchId + " dropped " + rows + " valid row(s) older than the "
                        + "watermark (" + watermark + ", the newest event time seen minus query.watermarkDelay "
                        + delay + "); they are not counted (report: late_rows_dropped). To keep them: "
                        + ProgressLog.LATE_ADVICE);
                out.flush();
                retune.lateRows(batchId, rows, ProgressLog.LATE_ADVICE);
            });
            job.recordOperators(operators);
            job.start();
            retune.start(new SparkActions(spark, job, settings, retune.onKubernetes(), restart));
            out.println("spark-app: reading " + config.topic() + " from " + config.bootstrap() + (config.availableNow()
                    ? " until drained" : " until SIGTERM/Ctrl-C") + "; checkpoint " + config.checkpoint());
            out.flush();
            Throwable retuneFailure = awaitEnd(job, retune);
            job.stopGracefully();
            return ending(job, settings, retune, retuneFailure);
        } finally {
            spark.streams().removeListener(metricsListener);
            spark.streams().removeListener(progress);
            spark.streams().removeListener(barrier);
            spark.streams().removeListener(retune.listener());
            spark.streams().removeListener(retune.autoscaler().listener());
            progress.close();
            spark.stop();
            if (operators != null) {
                operators.close(); // after the stop, which delivers the listener events still queued
            }
        }
    }

    /**
     * Applies tuning changes while every query runs; returns when one has ended (drained, stopped or failed), a
     * signal came, or a change needs a restart. Returns a tuning step's failure, or null.
     */
    private Throwable awaitEnd(StreamingJob job, Retune retune) throws InterruptedException {
        while (job.allActive() && restart.get() == null && !signal.await(250)) {
            try {
                retune.tick();
            } catch (Exception e) {
                return e;
            }
        }
        if (config.availableNow() && restart.get() == null) {
            // Available-now queries end by themselves, each when it has drained its share of the topic.
            while (job.anyActive() && job.failure() == null && !signal.requested()) {
                signal.await(250);
            }
        }
        return null;
    }

    /** How a session that has stopped its queries ends: failed, restarted, or done with its report. */
    private Optional<Outcome> ending(StreamingJob job, RuntimeSettings settings, Retune retune, Throwable retuneFailure)
            throws Exception {
        Throwable failure = job.failure() != null ? job.failure() : retuneFailure;
        if (failure != null) {
            err.println("spark-app: the query failed: " + failure);
            return Optional.of(Outcome.FAILED);
        }
        Tuning next = restart.getAndSet(null);
        if (next != null && !signal.requested()) {
            if (retune.onKubernetes()) {
                out.println("spark-app: exiting with code " + Outcome.RESTART_DRIVER.exitCode() + " so Kubernetes "
                        + "starts the driver again with the new tuning");
                return Optional.of(writeReport(job, settings) ? Outcome.RESTART_DRIVER : Outcome.FAILED);
            }
            out.println("spark-app: restarting the SparkSession with the new tuning");
            settings.update(next);
            return Optional.empty();
        }
        return Optional.of(writeReport(job, settings) ? Outcome.DONE : Outcome.FAILED);
    }

    /**
     * The report, from the results topic folded for the counts query's id: what survives any restart. False when the
     * results topic could not be read in {@link ResultFold#PATIENCE} (the broker is gone): said plainly, so that a
     * Ctrl-C ends in seconds, not after minutes of retries.
     */
    private boolean writeReport(StreamingJob job, RuntimeSettings settings) throws Exception {
        if (config.report() == null) {
            return true;
        }
        ResultFold fold;
        try {
            fold = ResultFold.read(config.bootstrap(), config.resultsTopic(), job.counts().id().toString(),
                    Long.MAX_VALUE);
        } catch (ResultFold.ResultsUnavailableException e) {
            err.println("spark-app: report " + config.report() + " not written: " + e.getMessage() + ". The counts "
                    + "are safe in the checkpoint and the results topic: with the broker back, write the report "
                    + "with the same --checkpoint and --available-now --report " + config.report());
            return false;
        }
        Totals t = Report.write(fold, settings.tuning().asStrings(), config.report());
        out.printf("spark-app: report %s: input_rows=%d valid_rows=%d invalid_rows=%d late_rows_dropped=%d%n",
                config.report(), t.inputRows(), t.validRows(), t.invalidRows(), t.lateRowsDropped());
        return true;
    }
}
