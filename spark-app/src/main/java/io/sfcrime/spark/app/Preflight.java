package io.sfcrime.spark.app;

import io.sfcrime.common.KafkaEnv;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningFile;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.config.SparkConfRegistry;
import io.sfcrime.spark.ops.CheckpointGuard;
import io.sfcrime.spark.ops.KafkaAdmin;
import io.sfcrime.spark.retune.Retune;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Everything checked before Spark starts, so that bad input is refused with a message naming what is wrong instead
 * of failing somewhere inside Spark: first the tuning, the radio-code table, the options and the Kafka security
 * variables, then the checkpoint and the topics.
 */
final class Preflight {
    /** How long a continuous run waits for its input topic: long enough for a producer started alongside. */
    static final Duration INPUT_TOPIC_WAIT = Duration.ofSeconds(30);

    private Preflight() {
    }

    /** A refusal: the message to print and how the run ends. */
    static final class Refused extends Exception {
        private final Outcome outcome;

        Refused(Outcome outcome, String message, Throwable cause) {
            super(message, cause);
            this.outcome = outcome;
        }

        Outcome outcome() {
            return outcome;
        }
    }

    /** What a job needs once its inputs are checked; the caller closes the retune. */
    record Loaded(Retune retune, RadioCodes radioCodes) {
    }

    /** Tuning (from its file or ConfigMap), radio-code table, options and Kafka security: refused with exit 2. */
    static Loaded load(JobConfig config, Path tuningFile, RetuneWiring wiring, PrintStream out) throws Refused {
        try {
            Retune retune = wiring.open(tuningFile, config.statusFile(), config.checkpoint());
            RadioCodes codes = loadRadioCodes(config.radioCodes());
            codes.warnings().forEach(w -> out.println("spark-app: warning: " + w));
            // A refusal at start (a key the checkpoint fixes) is as visible as one during a run; the status has it.
            retune.initialRejected().values().forEach(reason -> out.println("spark-app: tuning refused: " + reason
                    + " (kept the checkpoint's value; see the status)"));
            checkOptions(config);
            out.println("spark-app: Kafka security: " + KafkaEnv.describe(KafkaEnv.clientProperties()));
            return new Loaded(retune, codes);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new Refused(Outcome.BAD_CONFIG, e.getMessage(), e);
        }
    }

    /**
     * The checkpoint (a damaged one is refused before Spark would silently recount or lose counts: exit 2) and the
     * topics (draining a topic that is not there is a mistake, while a continuous run may start just before the
     * producer; Kafka unreachable: exit 1).
     */
    static void checkCheckpointAndTopics(JobConfig config, PrintStream out) throws Refused {
        try {
            CheckpointGuard.check(config).ifPresent(notice -> out.println("spark-app: " + notice));
        } catch (CheckpointGuard.UnusableCheckpointException e) {
            throw new Refused(Outcome.BAD_CONFIG, e.getMessage(), e);
        }
        try {
            KafkaAdmin.requireInputTopic(config.bootstrap(), config.topic(),
                    config.availableNow() ? Duration.ZERO : INPUT_TOPIC_WAIT, config.connectTimeout());
            KafkaAdmin.ensureTopics(config.bootstrap(), config.resultsTopic(), Set.of(config.deadLetterTopic()),
                    config.connectTimeout());
        } catch (KafkaAdmin.KafkaUnavailableException e) {
            throw new Refused(Outcome.FAILED, e.getMessage(), e);
        }
    }

    /** Bad tuning is rejected here with every problem listed, before anything reaches Spark. */
    static Tuning loadTuning(Path file) {
        if (file == null) {
            return Tuning.defaults();
        }
        requireFile(file, "tuning file", "--tuning");
        Map<String, Object> raw = TuningFile.read(file);
        try {
            return Tuning.fromMap(raw, SparkConfRegistry.INSTANCE);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in " + file + ")", e);
        }
    }

    static RadioCodes loadRadioCodes(Path file) {
        requireFile(file.toAbsolutePath(), "radio-code table", "--radio-codes");
        return RadioCodes.load(file);
    }

    /** A file the user named: "is a directory" and "does not exist" are different mistakes, said as such. */
    private static void requireFile(Path file, String what, String option) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(what + " " + file + " is a directory, not a file (" + option + ")");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + " does not exist (" + option
                    + "; run from the repository root or pass the file)");
        }
    }

    private static void checkOptions(JobConfig config) {
        if (config.connectTimeout().toMillis() < 1) {
            throw new IllegalArgumentException("--connect-timeout-ms must be at least 1, got "
                    + config.connectTimeout().toMillis());
        }
        if (config.uiPort() < 0 || config.uiPort() > 65535) {
            throw new IllegalArgumentException("--ui-port must be 0..65535, got " + config.uiPort());
        }
        if (config.resultsTopic().equals(config.deadLetterTopic()) || config.topic().equals(config.resultsTopic())
                || config.topic().equals(config.deadLetterTopic())) {
            throw new IllegalArgumentException("--topic, --results-topic and --dead-letter-topic must all differ");
        }
    }
}
