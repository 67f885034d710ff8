package io.sfcrime.producer.faults;

import io.sfcrime.common.KafkaEnv;
import io.sfcrime.producer.ProducerClients;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Injected: the KAFKA_* variables the chart sets with kafka.auth.enabled. Verified: the producer's and its admin
 * client's properties carry TLS + SCRAM-SHA-512 exactly as Kafka names them, and the delivery guarantees stay.
 */
class ProducerSecurityEnvTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"p\" password=\"x\";";
    private static final Map<String, String> ENV = Map.of(
            "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
            "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
            "KAFKA_SASL_JAAS_CONFIG", JAAS,
            "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
            "KAFKA_SSL_TRUSTSTORE_CERTIFICATES", "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----");

    @Test
    void producerAndAdminUseTheSecuredListener() {
        Map<String, String> security = KafkaEnv.clientProperties(ENV);
        Properties producer = ProducerClients.producerProperties("b:9093", Map.of(), security);
        Properties admin = ProducerClients.adminProperties("b:9093", 5000, security);
        for (Properties p : new Properties[] {producer, admin}) {
            assertThat(p.get(AdminClientConfig.SECURITY_PROTOCOL_CONFIG)).isEqualTo("SASL_SSL");
            assertThat(p.get(SaslConfigs.SASL_MECHANISM)).isEqualTo("SCRAM-SHA-512");
            assertThat(p.get(SaslConfigs.SASL_JAAS_CONFIG)).isEqualTo(JAAS);
            assertThat(p.get(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG)).isEqualTo("PEM");
            assertThat((String) p.get(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG)).startsWith("-----BEGIN");
        }
        assertThat(producer.get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
        assertThat(producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo(true);
        // Kafka itself accepts the combination (unknown names or bad types would throw here).
        assertThat(new ProducerConfig(producer).getString(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG)).isEqualTo("PEM");
    }

    @Test
    void withoutVariablesTheClientsStayPlaintext() {
        Properties p = ProducerClients.producerProperties("b:9092", Map.of(), KafkaEnv.clientProperties(Map.of()));
        assertThat(p).doesNotContainKey(AdminClientConfig.SECURITY_PROTOCOL_CONFIG)
                .doesNotContainKey(SaslConfigs.SASL_JAAS_CONFIG);
    }
}
