package io.sfcrime.spark.faults;

import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.sink.ResultFold;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The report is read back from the results topic at exit. With the broker gone (issue 16: a second {@code make run}
 * had taken the first run's broker away) that read used to retry for minutes and hold Ctrl-C; now it gives up after
 * its patience with a message naming the topic and the broker.
 */
class ReportBrokerGoneIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);

    @Test
    void readingTheResultsOfAGoneBrokerGivesUpWithAMessage() throws Exception {
        String topic = "gone-results";
        Faults.createTopic(KAFKA.bootstrap(), topic, 1);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "[\"counter\",null,null,null]",
                    "{\"aggregation\":\"counter\",\"name\":\"valid_rows\",\"count\":7,\"batch_id\":0,"
                            + "\"query_id\":\"q\"}")).get();
        }
        String bootstrap = KAFKA.bootstrap();
        assertThat(ResultFold.read(bootstrap, topic, "q", Long.MAX_VALUE, Duration.ofSeconds(5)).latest())
                .hasSize(1);

        KAFKA.kill();
        assertThatThrownBy(() -> ResultFold.read(bootstrap, topic, "q", Long.MAX_VALUE, Duration.ofSeconds(3)))
                .isInstanceOf(ResultFold.ResultsUnavailableException.class)
                .hasMessageContaining("could not read the results topic " + topic + " from Kafka at " + bootstrap
                        + " within 3 s");
    }
}
