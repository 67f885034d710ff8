package io.sfcrime.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;

import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerSettingsTest {

    @TempDir
    Path dir;

    @Test
    void everyListenerAndTheAdvertisedOneAreLoopback() {
        Properties p = BrokerSettings.singleNode(19092, 19093, dir, 2, BrokerSettings.DEFAULT_MESSAGE_MAX_BYTES);

        assertThat(p.getProperty("listeners").split(","))
                .containsExactlyInAnyOrder("PLAINTEXT://127.0.0.1:19092", "CONTROLLER://127.0.0.1:19093");
        assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092");
        assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:19093");
    }

    @Test
    void theSaslListenerIsLoopbackAndKafkaAcceptsIt() {
        Properties p = BrokerSettings.singleNode(19092, 19093, dir, 2, BrokerSettings.DEFAULT_MESSAGE_MAX_BYTES);
        BrokerSettings.addSaslPlainListener(p, 19094, "spark", "s3cret");

        assertThat(p.getProperty("listeners").split(",")).containsExactlyInAnyOrder("PLAINTEXT://127.0.0.1:19092",
                "CONTROLLER://127.0.0.1:19093", "SASL_PLAIN://127.0.0.1:19094");
        assertThat(p.getProperty("listener.name.sasl_plain.plain.sasl.jaas.config"))
                .contains("user_spark=\"s3cret\"");
        KafkaConfig config = KafkaConfig.fromProps(p, false);
        assertThat(config.getString("listener.security.protocol.map")).contains("SASL_PLAIN:SASL_PLAINTEXT");
    }

    @Test
    void kafkaAcceptsTheConfigurationAsASingleNodeKraftBroker() {
        Properties p = BrokerSettings.singleNode(19092, 19093, dir, 3, 2_000_000);

        KafkaConfig config = KafkaConfig.fromProps(p, false);

        assertThat(config.getList("process.roles")).containsExactlyInAnyOrder("broker", "controller");
        assertThat(config.getBoolean("auto.create.topics.enable")).isFalse();
        assertThat(config.getInt("num.partitions")).isEqualTo(3);
        assertThat(config.getInt("message.max.bytes")).isEqualTo(2_000_000);
        assertThat(config.getShort("offsets.topic.replication.factor")).isEqualTo((short) 1);
        assertThat(config.getString("log.dirs")).isEqualTo(dir.toString());
    }
}
