package io.sfcrime.kafkalocal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
        // The positive control: the broker does answer on loopback.
        assertThat(canConnect(InetAddress.getByName("127.0.0.1"))).isTrue();

        // Read the kernel's socket table instead of probing other addresses: no traffic leaves loopback, and a
        // wildcard (0.0.0.0 / ::) listener would show up here just as clearly.
        List<String> listeners = listeningAddresses(KAFKA.port());
        assertThat(listeners).as("listening sockets on port %d", KAFKA.port())
                .isNotEmpty()
                .allMatch(a -> a.equals("127.0.0.1") || a.equals("::ffff:127.0.0.1"));
    }

    private static boolean canConnect(InetAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, KAFKA.port()), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Local addresses of sockets in LISTEN state on {@code port}, from /proc/net/tcp and /proc/net/tcp6. */
    private static List<String> listeningAddresses(int port) throws IOException {
        List<String> found = new ArrayList<>();
        String portHex = String.format("%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length < 4 || !cols[3].equals("0A") || !cols[1].endsWith(":" + portHex)) {
                    continue;
                }
                found.add(decode(cols[1].substring(0, cols[1].indexOf(':'))));
            }
        }
        return found;
    }

    /** /proc/net/tcp writes addresses as little-endian 32-bit words in hex. */
    private static String decode(String hex) throws IOException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + b) * 2;
                bytes[word * 4 + 3 - b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        InetAddress address = InetAddress.getByAddress(bytes);
        return address.getHostAddress().replaceAll("^0:0:0:0:0:ffff:", "::ffff:");
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
