package io.sfcrime.spark.app;

import io.sfcrime.common.Topics;
import io.sfcrime.spark.config.JobConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The streaming job's command line: options → {@link Supervisor} → exit code ({@link Outcome}): 0 done (drained, or
 * stopped by SIGTERM/SIGINT), 1 the job failed, 2 bad options, tuning or radio-code table (rejected before Spark
 * starts), 3 (Kubernetes only) stopped after its batch for a tuning change that needs a new driver. While it runs,
 * the tuning file (or on Kubernetes the tuning ConfigMap) is watched and each change applied the cheapest correct way
 * ({@link io.sfcrime.spark.retune.Retune}).
 */
@Command(name = "spark-app", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Counts San Francisco police calls for service from Kafka with Spark Structured Streaming:",
                "hourly event-time windows by crime type and by crime type and disposition, written to the results",
                "topic; invalid records go to the dead-letter topic with a reason."},
        footer = {"", "Example: bin/spark-app --tuning conf/tuning.yaml --available-now --report run/report.json"})
public final class SparkApp implements Callable<Integer> {
    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;
    @Option(names = "--topic", defaultValue = Topics.CALLS, description = "Input topic of call records (default: ${DEFAULT-VALUE}).")
    String topic;
    @Option(names = "--results-topic", defaultValue = Topics.RESULTS, description = "Topic of the counts, one JSON per updated row (default: ${DEFAULT-VALUE}).")
    String resultsTopic;
    @Option(names = "--dead-letter-topic", defaultValue = Topics.DEAD_LETTER, description = "Topic of invalid records with their reason (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;
    @Option(names = "--radio-codes", defaultValue = "data/radio_code.json", paramLabel = "FILE", description = "Disposition code table (default: ${DEFAULT-VALUE}).")
    Path radioCodes;
    @Option(names = "--checkpoint", defaultValue = "run/checkpoint", paramLabel = "DIR", description = "Checkpoint directory; a restart continues from it exactly (default: ${DEFAULT-VALUE}).")
    Path checkpoint;
    @Option(names = "--tuning", paramLabel = "FILE", description = "Tuning YAML (flat keys such as spark.sql.shuffle.partitions, source.maxOffsetsPerTrigger); missing keys take their defaults. Watched while the job runs: each change applies the cheapest correct way (see --status-file).")
    Path tuningFile;
    @Option(names = "--available-now", description = "Process what the topic holds now (Trigger.AvailableNow), then exit.")
    boolean availableNow;
    @Option(names = "--report", paramLabel = "FILE", description = "Write the final counts as JSON at exit (also after SIGTERM).")
    Path report;
    @Option(names = "--progress-file", paramLabel = "FILE", description = "Append each query progress JSON, one per line.")
    Path progressFile;

    @Option(names = "--operator-metrics-file", paramLabel = "FILE", description = "Append one JSON line per micro-batch: Spark's SQL metrics of the batch's executed plan by operator, and the results sink's own timings (off by default; the benchmark's breakdown reads it).")
    Path operatorMetricsFile;
    @Option(names = "--alive-file", paramLabel = "FILE", description = "Touch this file when a query starts and after each progress or idle event (Kubernetes probes read its age).")
    Path aliveFile;
    @Option(names = "--status-file", paramLabel = "FILE", description = "Rewrite a status JSON (applied and rejected tuning, restarts, last progress) after each tuning change and each batch.")
    Path statusFile;
    @Option(names = "--ui-port", defaultValue = "4040", description = "Spark UI port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int uiPort;
    @Option(names = "--consumer-group", defaultValue = JobConfig.DEFAULT_CONSUMER_GROUP, paramLabel = "GROUP", description = "Kafka consumer group the processed offsets are committed to after each batch, so lag tools see the job; never read back (the checkpoint decides where the job resumes). Empty: commit nothing (default: ${DEFAULT-VALUE}).")
    String consumerGroup;
    @Option(names = "--master", description = "Spark master (default: spark.master if set, else local[*]).")
    String master;
    @Option(names = "--connect-timeout-ms", defaultValue = "15000", description = "How long the start-up checks wait for an unreachable broker before giving up, as the producer and consumer do (default: ${DEFAULT-VALUE}).")
    long connectTimeoutMs;

    private final PrintStream out;
    private final PrintStream err;
    private final StopSignal stop;

    public SparkApp() {
        this(System.out, System.err, null);
    }

    /** For embedding and tests: output streams and a stop signal the caller controls (null: SIGTERM/SIGINT). */
    public SparkApp(PrintStream out, PrintStream err, StopSignal stop) {
        this.out = out;
        this.err = err;
        this.stop = stop;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new SparkApp()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        JobConfig config = new JobConfig(bootstrap, topic, resultsTopic, deadLetterTopic, radioCodes, checkpoint,
                availableNow, report, progressFile, statusFile, uiPort, master, consumerGroup, aliveFile,
                Duration.ofMillis(connectTimeoutMs), operatorMetricsFile);
        return new Supervisor(config, tuningFile, System.getenv(), out, err, stop).run().exitCode();
    }
}
