package io.sfcrime.spark.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.DeadLetter;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.app.ItSupport;
import io.sfcrime.spark.report.ExpectedReport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Injected: a broker whose listener for the job demands a SASL login (kafka-local's SASL_PLAINTEXT/PLAIN listener),
 * and the {@code KAFKA_*} variables the chart sets with {@code kafka.auth.enabled}, here for that login. Verified:
 * bin/spark-app, given only that listener, reads the input through Spark's Kafka source, writes the dead letters
 * through the dead-letter sink and the counts through the results writer, and folds the results topic into an exact
 * report. Each of these is a Kafka client of its own; one without the variables cannot connect at all (shown first
 * with a plain admin client), so a missing wiring fails the run instead of passing unnoticed.
 */
class KafkaSecurityIT {
    private static final String USER = "spark-app";
    private static final String PASSWORD = "s3cret-pw";
    private static final int RECORDS = 5_000;
    private static final long SEED = 41;

    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS).withSaslPlain(USER, PASSWORD);

    static {
        Faults.preload();
    }

    @TempDir
    Path dir;

    @Test
    void theKafkaEnvironmentReachesTheSourceTheDeadLetterSinkAndTheResultsWriter() throws Exception {
        // The set-up uses the broker's plaintext listener; the job gets the SASL one only.
        List<byte[]> values = ItSupport.generated(RECORDS, SEED);
        ItSupport.load(KAFKA.bootstrap(), "secure", values);
        Map<String, String> invalidKeys = ItSupport.expectedReasons(RECORDS, SEED);

        // Without credentials the SASL listener answers nothing.
        Properties plain = new Properties();
        plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.saslBootstrap());
        plain.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        plain.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(plain)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .as("a client without credentials on the SASL listener")
                    .isInstanceOfAny(ExecutionException.class, TimeoutException.class);
        }

        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("KAFKA_SASL_MECHANISM", "PLAIN");
        env.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"" + USER + "\" password=\"" + PASSWORD + "\";");
        List<String> args = ItSupport.args(KAFKA.saslBootstrap(), "secure", dir, "secure",
                ItSupport.tuning(dir, "secure", 0), "--available-now");
        Process job = Faults.launch(dir, "spark", env, "spark-app", args);
        if (!job.waitFor(6, TimeUnit.MINUTES)) {
            job.destroyForcibly().waitFor();
            throw new AssertionError("spark-app did not finish; log:\n" + Faults.log(dir, "spark"));
        }
        assertThat(job.exitValue()).as("spark-app exit; log:%n%s", Faults.log(dir, "spark")).isZero();

        // Source and results writer (and the driver's reader of the results): the report is exact.
        JsonNode report = ItSupport.read(dir.resolve("secure-report.json"));
        assertThat(ExpectedReport.differences(report, ExpectedReport.compute(values, ItSupport.codes()))).isNull();
        assertThat(Faults.readAll(KAFKA.bootstrap(), "secure.results")).isNotEmpty();
        // Dead-letter sink: every invalid record arrived, under its key, with the generator's reason.
        Map<String, String> dead = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Faults.readAll(KAFKA.bootstrap(), "secure.dlq")) {
            dead.put(Faults.key(r), Faults.header(r, DeadLetter.REASON));
        }
        assertThat(dead).isEqualTo(invalidKeys);
    }
}
