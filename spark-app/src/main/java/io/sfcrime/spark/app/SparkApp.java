package io.sfcrime.spark.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sfcrime.common.KafkaEnv;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.Topics;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningFile;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.config.KafkaClients;
import io.sfcrime.spark.config.RuntimeSettings;
import io.sfcrime.spark.config.Sessions;
import io.sfcrime.spark.ops.CheckpointGuard;
import io.sfcrime.spark.ops.ProgressReporter;
import io.sfcrime.spark.query.StreamingJob;
import io.sfcrime.spark.report.Report;
import io.sfcrime.spark.retune.Retune;
import io.sfcrime.spark.retune.SparkActions;
import io.sfcrime.spark.sink.ResultFold;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The streaming job's entry point: settings → SparkSession → read → transform → write, then the report.
 * Exit codes: 0 done (drained, or stopped by SIGTERM/SIGINT), 1 the job failed, 2 bad options, tuning or
 * radio-code table (rejected before Spark starts), 3 (Kubernetes only) stopped after its batch for a tuning change
 * that needs a new driver. While it runs, the tuning file (or on Kubernetes the tuning ConfigMap) is watched and
 * each change applied the cheapest correct way ({@link io.sfcrime.spark.retune.Retune}).
 */
@Command(name = "spark-app", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Counts San Francisco police calls for service from Kafka with Spark Structured Streaming:",
                "hourly event-time windows by crime type and by crime type and disposition, written to the results",
                "topic; invalid records go to the dead-letter topic with a reason."},
        footer = {"", "Example: bin/spark-app --tuning conf/tuning.yaml --available-now --report run/report.json"})
public final class SparkApp implements Callable<Integer> {
    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD_CONFIG = 2;
    /** How long a continuous run waits for its input topic: long enough for a producer started alongside. */
    static final Duration INPUT_TOPIC_WAIT = Duration.ofSeconds(30);
    /** Kubernetes only: a tuning change needs a new driver; the Deployment restarts the container. */
    static final int EXIT_RESTART = 3;
    static final String ENV_TUNING_CONFIGMAP = "SFCRIME_TUNING_CONFIGMAP";
    static final String ENV_STATUS_CONFIGMAP = "SFCRIME_STATUS_CONFIGMAP";
    static final String ENV_NAMESPACE = "POD_NAMESPACE";
    static final String ENV_DRIVER_POD = "SPARK_DRIVER_POD_NAME";
    private static final Duration STATUS_PROGRESS_INTERVAL = Duration.ofSeconds(5);

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
    @Option(names = "--status-file", paramLabel = "FILE", description = "Rewrite a status JSON (applied and rejected tuning, restarts, last progress) after each tuning change and each batch.")
    Path statusFile;
    @Option(names = "--ui-port", defaultValue = "4040", description = "Spark UI port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int uiPort;
    @Option(names = "--master", description = "Spark master (default: spark.master if set, else local[*]).")
    String master;

    private final PrintStream out;
    private final PrintStream err;
    private final StopSignal stop;
    private Map<String, String> env = System.getenv();
    private KubernetesClient kubernetesClient;

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
        Tuning tuning;
        RadioCodes codes;
        Retune retune;
        try {
            retune = retune();
            tuning = retune.tuning();
            codes = loadRadioCodes(radioCodes);
            checkOptions();
            out.println("spark-app: Kafka security: " + KafkaEnv.describe(KafkaEnv.clientProperties()));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("spark-app: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }
        JobConfig config = new JobConfig(bootstrap, topic, resultsTopic, deadLetterTopic, radioCodes, checkpoint,
                availableNow, report, progressFile, statusFile, uiPort, master);
        try (retune) {
            try {
                // A damaged checkpoint is refused before Spark would silently recount or lose counts.
                CheckpointGuard.check(config).ifPresent(notice -> out.println("spark-app: " + notice));
            } catch (CheckpointGuard.UnusableCheckpointException e) {
                err.println("spark-app: " + e.getMessage());
                return EXIT_BAD_CONFIG;
            }
            try {
                // Draining a topic that is not there is a mistake; a continuous run may start just before the producer.
                KafkaClients.requireInputTopic(bootstrap, topic, availableNow ? Duration.ZERO : INPUT_TOPIC_WAIT);
                KafkaClients.ensureTopics(bootstrap, Set.of(resultsTopic, deadLetterTopic));
            } catch (KafkaClients.KafkaUnavailableException e) {
                err.println("spark-app: " + e.getMessage());
                return EXIT_FAILED;
            }
            return runJob(config, tuning, codes, retune);
        } finally {
            if (kubernetesClient != null) {
                kubernetesClient.close();
            }
        }
    }

    /**
     * Where tuning comes from. On Kubernetes (the chart sets SFCRIME_TUNING_CONFIGMAP) the ConfigMap is read here,
     * before any SparkSession exists, because executor count, cores and memory are only in it.
     */
    private Retune retune() {
        String tuningConfigMap = env.get(ENV_TUNING_CONFIGMAP);
        if (tuningConfigMap == null || tuningConfigMap.isBlank()) {
            return Retune.local(tuningFile, statusFile, checkpoint, loadTuning(tuningFile), Retune.DEFAULT_DEBOUNCE);
        }
        if (tuningFile != null) {
            err.println("spark-app: --tuning " + tuningFile + " is ignored: on Kubernetes the tuning comes from "
                    + "ConfigMap " + tuningConfigMap);
        }
        if (kubernetesClient == null) {
            kubernetesClient = new KubernetesClientBuilder().build();
        }
        String namespace = Optional.ofNullable(env.get(ENV_NAMESPACE)).orElse(kubernetesClient.getNamespace());
        String statusConfigMap = Optional.ofNullable(env.get(ENV_STATUS_CONFIGMAP)).orElse(tuningConfigMap + "-status");
        return Retune.kubernetes(kubernetesClient, namespace, tuningConfigMap, statusConfigMap,
                env.get(ENV_DRIVER_POD), Map.of("app.kubernetes.io/part-of", "sf-crime-streaming",
                        "app.kubernetes.io/component", "tuning-status", "app.kubernetes.io/managed-by", "spark-app"),
                checkpoint, Retune.DEFAULT_DEBOUNCE, STATUS_PROGRESS_INTERVAL);
    }

    /** For tests: the environment (SFCRIME_* variables) and the Kubernetes client to use. */
    SparkApp withKubernetes(Map<String, String> environment, KubernetesClient client) {
        this.env = environment;
        this.kubernetesClient = client;
        return this;
    }

    /** Bad tuning is rejected here with every problem listed, before anything reaches Spark. */
    static Tuning loadTuning(Path file) {
        if (file == null) {
            return Tuning.defaults();
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("tuning file " + file + " does not exist (--tuning)");
        }
        Map<String, Object> raw = TuningFile.read(file);
        Tuning tuning;
        try {
            tuning = Tuning.fromMap(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in " + file + ")", e);
        }
        return tuning;
    }

    static RadioCodes loadRadioCodes(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("radio-code table " + file.toAbsolutePath() + " does not exist "
                    + "(--radio-codes; run from the repository root or pass the file)");
        }
        return RadioCodes.load(file);
    }

    private void checkOptions() {
        if (uiPort < 0 || uiPort > 65535) {
            throw new IllegalArgumentException("--ui-port must be 0..65535, got " + uiPort);
        }
        if (Set.of(resultsTopic, deadLetterTopic).contains(topic) || resultsTopic.equals(deadLetterTopic)) {
            throw new IllegalArgumentException("--topic, --results-topic and --dead-letter-topic must all differ");
        }
    }

    private int runJob(JobConfig config, Tuning tuning, RadioCodes codes, Retune retune) throws Exception {
        StopSignal signal = stop != null ? stop : StopSignal.install();
        RuntimeSettings settings = new RuntimeSettings(tuning);
        // Set by the reconciler when a change needs a new SparkSession (locally) or a new driver (Kubernetes).
        AtomicReference<Tuning> restart = new AtomicReference<>();
        while (true) {
            SparkSession spark = Sessions.create(config, settings.tuning());
            ProgressReporter reporter = new ProgressReporter(config.progressFile());
            spark.streams().addListener(reporter);
            spark.streams().addListener(retune.listener());
            try {
                String ui = spark.sparkContext().uiWebUrl().isDefined() ? spark.sparkContext().uiWebUrl().get() : null;
                out.println("spark-app: Spark UI at " + (ui == null ? "(disabled)" : ui + "/StreamingQuery/"));
                out.flush();
                StreamingJob job = new StreamingJob(spark, config, settings, codes, reporter, out);
                job.start();
                retune.start(new SparkActions(spark, job, settings, reporter, retune.onKubernetes(), restart));
                out.println("spark-app: reading " + config.topic() + " from " + config.bootstrap() + (config.availableNow()
                        ? " until drained" : " until SIGTERM/Ctrl-C") + "; checkpoint " + config.checkpoint());
                out.flush();
                Throwable retuneFailure = null;
                while (job.allActive() && restart.get() == null && !signal.await(250)) {
                    // Available-now queries end by themselves; continuous ones on a signal or a failure.
                    try {
                        retune.tick();
                    } catch (Exception e) {
                        retuneFailure = e;
                        break;
                    }
                }
                if (config.availableNow() && restart.get() == null && retuneFailure == null) {
                    while (job.anyActive() && job.failure() == null && !signal.requested()) {
                        signal.await(250);
                    }
                }
                job.stopGracefully();
                Throwable failure = job.failure() != null ? job.failure() : retuneFailure;
                if (failure != null) {
                    err.println("spark-app: the query failed: " + failure);
                    return EXIT_FAILED;
                }
                Tuning next = restart.getAndSet(null);
                if (next != null && !signal.requested()) {
                    if (retune.onKubernetes()) {
                        out.println("spark-app: exiting with code " + EXIT_RESTART + " so Kubernetes starts the driver "
                                + "again with the new tuning");
                        writeReport(config, job, settings);
                        return EXIT_RESTART;
                    }
                    out.println("spark-app: restarting the SparkSession with the new tuning");
                    settings.update(next);
                    continue;
                }
                writeReport(config, job, settings);
                return 0;
            } finally {
                spark.streams().removeListener(reporter);
                spark.streams().removeListener(retune.listener());
                reporter.close();
                spark.stop();
            }
        }
    }

    private void writeReport(JobConfig config, StreamingJob job, RuntimeSettings settings) throws Exception {
        if (config.report() == null) {
            return;
        }
        ResultFold fold = ResultFold.read(config.bootstrap(), config.resultsTopic(),
                job.counts().id().toString(), Long.MAX_VALUE);
        Report.Totals t = Report.write(fold, settings.tuning().asStrings(), config.report());
        out.printf("spark-app: report %s: input_rows=%d valid_rows=%d invalid_rows=%d late_rows_dropped=%d%n",
                config.report(), t.inputRows(), t.validRows(), t.invalidRows(), t.lateRowsDropped());
    }
}
