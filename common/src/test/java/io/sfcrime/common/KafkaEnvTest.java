package io.sfcrime.common;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The KAFKA_* environment → client properties mapping shared by the three apps. */
class KafkaEnvTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"sfcs-producer\" password=\"s3cret\";";
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    /** What the chart sets with kafka.auth.enabled (see _helpers.tpl sfcs.kafkaEnv). */
    static Map<String, String> chartEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "sfcs-kafka-bootstrap:9093");
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("KAFKA_SASL_JAAS_CONFIG", JAAS);
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
        env.put("KAFKA_SSL_TRUSTSTORE_CERTIFICATES", PEM);
        return env;
    }

    @Test
    void chartVariablesBecomeClientProperties() {
        Map<String, String> env = chartEnv();
        env.put("KAFKA_HEAP_OPTS", "-Xmx1g");
        env.put("KAFKA_OPTS", "-Dx=y");
        assertThat(KafkaEnv.clientProperties(env)).containsExactly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", JAAS),
                Map.entry("ssl.truststore.type", "PEM"),
                // strip() drops the PEM's trailing newline; Kafka's PEM parser does not need it.
                Map.entry("ssl.truststore.certificates", PEM.strip()));
    }

    @Test
    void nothingSetMeansPlaintextDefaults() {
        assertThat(KafkaEnv.clientProperties(Map.of("PATH", "/bin", "KAFKA_SECURITY_PROTOCOL", "  "))).isEmpty();
        assertThat(KafkaEnv.describe(Map.of())).contains("plaintext");
    }

    @Test
    void envNamesFollowThePropertyNames() {
        for (String p : KafkaEnv.PROPERTIES) {
            assertThat(KafkaEnv.envName(p)).startsWith("KAFKA_").doesNotContain(".")
                    .isEqualTo("KAFKA_" + p.toUpperCase().replace('.', '_'));
        }
        assertThat(KafkaEnv.envName("sasl.jaas.config")).isEqualTo("KAFKA_SASL_JAAS_CONFIG");
    }

    @Test
    void sparkOptionsArePrefixed() {
        Map<String, String> spark = KafkaEnv.sparkOptions(KafkaEnv.clientProperties(chartEnv()));
        assertThat(spark).containsEntry("kafka.security.protocol", "SASL_SSL")
                .containsEntry("kafka.sasl.jaas.config", JAAS).hasSize(5)
                .allSatisfy((k, v) -> assertThat(k).startsWith("kafka."));
    }

    @Test
    void protocolIsCheckedAndNormalised() {
        assertThat(KafkaEnv.clientProperties(Map.of("KAFKA_SECURITY_PROTOCOL", "ssl")))
                .containsEntry("security.protocol", "SSL");
        assertThatThrownBy(() -> KafkaEnv.clientProperties(Map.of("KAFKA_SECURITY_PROTOCOL", "TLS")))
                .hasMessageContaining("KAFKA_SECURITY_PROTOCOL='TLS'").hasMessageContaining("SASL_SSL");
    }

    @Test
    void credentialsWithoutASaslProtocolAreRefusedRatherThanIgnored() {
        Map<String, String> env = chartEnv();
        env.remove("KAFKA_SECURITY_PROTOCOL");
        assertThatThrownBy(() -> KafkaEnv.clientProperties(env))
                .hasMessageContaining("KAFKA_SECURITY_PROTOCOL is unset");
        env.put("KAFKA_SECURITY_PROTOCOL", "SSL");
        assertThatThrownBy(() -> KafkaEnv.clientProperties(env)).hasMessageContaining("'SSL'");
    }

    @Test
    void describeHidesTheSecrets() {
        String text = KafkaEnv.describe(KafkaEnv.clientProperties(chartEnv()));
        assertThat(text).contains("security.protocol=SASL_SSL", "sasl.jaas.config=***")
                .doesNotContain("s3cret").doesNotContain("BEGIN CERTIFICATE");
    }
}
