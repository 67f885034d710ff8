package io.sfcrime.spark.faults;

import io.sfcrime.spark.app.ItSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** What the fault ITs share: child processes through the launchers, and reading topics back raw. */
public final class Faults {
    private Faults() {
    }

    /**
     * Loads the shared test helpers up front: other sessions may rebuild target/test-classes while a long IT runs,
     * and a class first needed at the end of the test would then be missing.
     */
    static void preload() {
        for (String name : List.of("io.sfcrime.spark.report.ExpectedReport", "io.sfcrime.spark.report.ExpectedReport$Key",
                "io.sfcrime.spark.pipeline.ValidationParityTest", "io.sfcrime.spark.app.ItSupport", "io.sfcrime.spark.app.StopSignal")) {
            try {
                Class.forName(name, true, Faults.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Starts a launcher ({@code bin/NAME}) as a child process with its output in {@code dir/LOG.log}. */
    static Process launch(Path dir, String log, Map<String, String> env, String launcher, List<String> args)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ItSupport.ROOT.resolve("bin/" + launcher).toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log + ".log").toFile());
        pb.environment().put("JAVA_OPTS", launcher.equals("spark-app") ? "-Xmx1g" : "-Xmx256m");
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs a launcher to its end; returns the exit code, output in {@code dir/LOG.log}. */
    static int run(Path dir, String log, Map<String, String> env, String launcher, List<String> args)
            throws Exception {
        Process p = launch(dir, log, env, launcher, args);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(launcher + " did not finish; log:\n" + log(dir, log));
        }
        return p.exitValue();
    }

    static String log(Path dir, String log) {
        try {
            return Files.readString(dir.resolve(log + ".log"));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(Set.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Appends raw values to an existing topic, keyed by {@code firstKey + i}. */
    static void append(String bootstrap, String topic, List<byte[]> values, int firstKey) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, String.valueOf(firstKey + i).getBytes(StandardCharsets.UTF_8),
                        values.get(i)));
            }
            producer.flush();
        }
    }

    /** Every record of a topic as it stands now (up to its end offsets). */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 120_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("reading " + topic + " timed out");
                }
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    /** Records on a topic so far (the sum of its end offsets), 0 while it does not exist. */
    static long recordsOn(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = c.listTopics(Duration.ofSeconds(10)).get(topic);
            if (infos == null) {
                return 0;
            }
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(parts, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    /** Output must explain, not only dump a trace: no stack frame lines. */
    static boolean hasStackTrace(String output) {
        return output.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("        at "));
    }
}
