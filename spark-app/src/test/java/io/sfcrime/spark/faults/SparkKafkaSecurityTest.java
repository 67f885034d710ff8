package io.sfcrime.spark.faults;

import io.sfcrime.spark.config.KafkaClients;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Injected: the KAFKA_* variables the chart sets with kafka.auth.enabled. Verified: Spark's Kafka source and both
 * Kafka sinks (dead letters, results) get them as kafka.* options, which Spark hands to its clients with the prefix
 * removed; without them nothing is added (plaintext, as locally); an inconsistent set is refused with its name.
 */
class SparkKafkaSecurityTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"spark-app\" password=\"x\";";

    @Test
    void chartVariablesBecomeSparkKafkaOptions() {
        Map<String, String> options = KafkaClients.sparkOptions(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "ignored:9093",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                "KAFKA_SSL_TRUSTSTORE_CERTIFICATES", "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----"));
        assertThat(options).containsOnlyKeys("kafka.security.protocol", "kafka.sasl.mechanism",
                "kafka.sasl.jaas.config", "kafka.ssl.truststore.type", "kafka.ssl.truststore.certificates");
        assertThat(options).containsEntry("kafka.sasl.jaas.config", JAAS)
                .containsEntry("kafka.security.protocol", "SASL_SSL");
        // --bootstrap stays the one way to name the brokers: kafka.bootstrap.servers is set by the job itself.
        assertThat(options).doesNotContainKey("kafka.bootstrap.servers");
    }

    @Test
    void noVariablesNoOptions() {
        assertThat(KafkaClients.sparkOptions(Map.of("HOME", "/root"))).isEmpty();
    }

    @Test
    void inconsistentVariablesAreRefusedByName() {
        assertThatThrownBy(() -> KafkaClients.sparkOptions(Map.of("KAFKA_SASL_JAAS_CONFIG", JAAS)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KAFKA_SECURITY_PROTOCOL");
    }
}
