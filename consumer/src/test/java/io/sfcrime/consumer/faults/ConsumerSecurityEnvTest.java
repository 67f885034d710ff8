package io.sfcrime.consumer.faults;

import io.sfcrime.common.KafkaEnv;
import io.sfcrime.consumer.ConsumerClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Injected: the KAFKA_* variables the chart sets with kafka.auth.enabled. Verified: the consumer's properties carry
 * TLS + SCRAM-SHA-512, Kafka's own config parser accepts them, and the commit semantics are unchanged.
 */
class ConsumerSecurityEnvTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"c\" password=\"x\";";

    @Test
    void consumerUsesTheSecuredListener() {
        Map<String, String> security = KafkaEnv.clientProperties(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                "KAFKA_SSL_TRUSTSTORE_CERTIFICATES", "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----"));
        Properties p = ConsumerClients.config("b:9093", "g", true, 1000, security);
        assertThat(p.get(org.apache.kafka.clients.CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)).isEqualTo("SASL_SSL");
        assertThat(p.get(SaslConfigs.SASL_MECHANISM)).isEqualTo("SCRAM-SHA-512");
        assertThat(p.get(SaslConfigs.SASL_JAAS_CONFIG)).isEqualTo(JAAS);
        assertThat(p.get(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG)).isEqualTo("PEM");
        assertThat(p.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)).isEqualTo(false);
        ConsumerConfig parsed = new ConsumerConfig(p);
        assertThat(parsed.getString(org.apache.kafka.clients.CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)).isEqualTo("SASL_SSL");
    }

    @Test
    void withoutVariablesTheConsumerStaysPlaintext() {
        assertThat(ConsumerClients.config("b:9092", null, false, 1000, KafkaEnv.clientProperties(Map.of())))
                .doesNotContainKey(org.apache.kafka.clients.CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
    }
}
