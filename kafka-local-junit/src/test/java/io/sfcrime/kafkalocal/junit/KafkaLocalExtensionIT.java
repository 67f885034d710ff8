package io.sfcrime.kafkalocal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One real broker for the class; the restart tests leave it running again for the next test. */
class KafkaLocalExtensionIT {

    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);

    @Test
    void roundTripsRecordsThroughARealBroker() throws Exception {
        String topic = "round-trip";
        createTopic(topic);
        List<String> sent = values("rt", 20);
        produce(topic, sent);

        assertThat(consumeAll(topic, sent.size())).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(Files.readString(KAFKA.logFile())).contains("READY bootstrap=" + KAFKA.bootstrap());
    }

    @Test
    void stopAndStartKeepTopicAndRecords() throws Exception {
        String topic = "survives-stop";
        createTopic(topic);
        List<String> sent = values("stop", 50);
        produce(topic, sent);
        String bootstrapBefore = KAFKA.bootstrap();

        KAFKA.stop();
        assertThat(KAFKA.isRunning()).isFalse();
        assertThat(canConnect(InetAddress.getByName("127.0.0.1"))).as("port closed while stopped").isFalse();
        KAFKA.start();

        assertThat(KAFKA.isRunning()).isTrue();
        assertThat(KAFKA.bootstrap()).isEqualTo(bootstrapBefore);
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
        }
        assertThat(consumeAll(topic, sent.size())).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void killAndStartRecoverAcknowledgedRecords() throws Exception {
        String topic = "survives-kill";
        createTopic(topic);
        List<String> before = values("before-kill", 50);
        produce(topic, before); // acks=all and flushed: acknowledged by the broker before the crash

        KAFKA.kill();
        assertThat(KAFKA.isRunning()).isFalse();
        KAFKA.start();

        List<String> after = values("after-kill", 10);
        produce(topic, after);
        List<String> expected = new ArrayList<>(before);
        expected.addAll(after);
        assertThat(consumeAll(topic, expected.size())).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void missingTopicIsNotCreatedImplicitly() throws Exception {
        Properties props = producerProps();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("no-such-topic", "k", "v")).get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("no-such-topic");
        }
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("no-such-topic");
            assertThatThrownBy(() -> admin.describeTopics(List.of("no-such-topic")).allTopicNames().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        }
    }

    @Test
    void listensOnLoopbackOnlyAndAdvertisesIt() throws Exception {
        try (Admin admin = admin()) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .extracting(Node::host).containsOnly("127.0.0.1");
        }
        // The positive control: the same probe does reach the broker through loopback.
        assertThat(canConnect(InetAddress.getByName("127.0.0.1"))).isTrue();

        List<InetAddress> external = nonLoopbackAddresses();
        assumeFalse(external.isEmpty(), "this machine has no non-loopback address to probe from");
        for (InetAddress address : external) {
            assertThat(canConnect(address)).as("broker reachable on %s:%d", address.getHostAddress(), KAFKA.port()).isFalse();
        }
    }

    private static boolean canConnect(InetAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, KAFKA.port()), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        List<InetAddress> found = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                // IPv6 link-local needs a scope to connect at all; IPv4 non-loopback addresses are the real exposure.
                if (!a.isLoopbackAddress() && a instanceof Inet4Address) {
                    found.add(a);
                }
            }
        }
        return found;
    }

    private static List<String> values(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).collect(Collectors.toList());
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap()));
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    private static void produce(String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(topic, v, v)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Reads every partition from the start until {@code expected} records arrived or 30 s passed. */
    private static List<String> consumeAll(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    got.add(r.value());
                }
            }
            // One more short poll so that extra (duplicated) records would show up in the comparison.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> got.add(r.value()));
        }
        return got;
    }
}
