package io.sfcrime.spark.faults;

import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.app.ItSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad configuration through the launchers, as a user meets it. Injected: negative and wrongly typed tuning values and
 * a misspelt key; an unreachable bootstrap; a missing input topic; an impossible KAFKA_SECURITY_PROTOCOL for each of
 * the three apps. Verified: a non-zero exit code, a message naming the problem (the nearest known key for the
 * misspelt one), and no stack trace; spark-app never starts Spark for any of them.
 */
class BadConfigIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);

    @TempDir
    Path dir;

    private List<String> sparkArgs(String bootstrap, String topic, String... extra) {
        List<String> a = new ArrayList<>(List.of("--bootstrap", bootstrap, "--topic", topic,
                "--radio-codes", ItSupport.RADIO_CODES.toString(), "--checkpoint", dir.resolve("cp").toString(),
                "--ui-port", "0", "--master", "local[1]", "--available-now"));
        a.addAll(List.of(extra));
        return a;
    }

    private String expectFailure(String log, int exit, String launcher, Map<String, String> env, List<String> args)
            throws Exception {
        int code = Faults.run(dir, log, env, launcher, args);
        String output = Faults.log(dir, log);
        assertThat(code).as("%s exit; output:%n%s", launcher, output).isEqualTo(exit);
        assertThat(Faults.hasStackTrace(output)).as("a message, not a stack trace:%n%s", output).isFalse();
        assertThat(output).doesNotContain("Spark UI at");
        return output;
    }

    @Test
    void badTuningIsRejectedWithEveryProblemAndTheNearestKey() throws Exception {
        Path tuning = Files.writeString(dir.resolve("bad.yaml"), "spark.sql.shuffle.partitions: -4\n"
                + "source.maxOffsetsPerTrigger: lots\nquery.watermarkDelai: 1h\nquery.dedupe: maybe\n");
        String out = expectFailure("tuning", 2, "spark-app", Map.of(),
                sparkArgs(KAFKA.bootstrap(), "calls", "--tuning", tuning.toString()));
        assertThat(out).contains("spark.sql.shuffle.partitions", "must be at least 1", "-4")
                .contains("source.maxOffsetsPerTrigger", "lots")
                .contains("did you mean 'query.watermarkDelay'")
                .contains("query.dedupe")
                .contains(tuning.toString());
    }

    @Test
    void missingInputTopicAndUnreachableBrokerAreClearErrors() throws Exception {
        String missing = expectFailure("missing-topic", 1, "spark-app", Map.of(),
                sparkArgs(KAFKA.bootstrap(), "no-such-topic"));
        assertThat(missing).contains("input topic 'no-such-topic' does not exist on " + KAFKA.bootstrap());
        String unreachable = expectFailure("unreachable", 1, "spark-app", Map.of(),
                sparkArgs("127.0.0.1:1", "calls"));
        assertThat(unreachable).contains("cannot reach Kafka at 127.0.0.1:1");
    }

    @Test
    void aBadSecurityVariableIsAUsageErrorInEveryApp() throws Exception {
        Map<String, String> env = Map.of("KAFKA_SECURITY_PROTOCOL", "TLS");
        Path input = Files.writeString(dir.resolve("one.json"), "[]");
        String spark = expectFailure("env-spark", 2, "spark-app", env, sparkArgs(KAFKA.bootstrap(), "calls"));
        String producer = expectFailure("env-producer", 2, "producer", env,
                List.of("--bootstrap", KAFKA.bootstrap(), "--input", input.toString()));
        String consumer = expectFailure("env-consumer", 2, "consumer", env,
                List.of("--bootstrap", KAFKA.bootstrap(), "--topic", "calls", "--timeout-ms", "1000"));
        for (String out : List.of(spark, producer, consumer)) {
            assertThat(out).contains("KAFKA_SECURITY_PROTOCOL='TLS'").contains("SASL_SSL");
        }
        Map<String, String> credentialsOnly = Map.of("KAFKA_SASL_JAAS_CONFIG", "x required;");
        assertThat(expectFailure("env-jaas", 2, "producer", credentialsOnly,
                List.of("--bootstrap", KAFKA.bootstrap(), "--input", input.toString())))
                .contains("KAFKA_SECURITY_PROTOCOL is unset").doesNotContain("x required");
    }
}
