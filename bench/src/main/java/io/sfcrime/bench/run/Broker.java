package io.sfcrime.bench.run;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The benchmark's broker: {@code bin/kafka-local} on a free port, plus the few admin calls the harness makes. */
public final class Broker implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("READY bootstrap=(\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Child child;
    private final String bootstrap;
    private final Admin admin;

    private Broker(Child child, String bootstrap) {
        this.child = child;
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "sf-crime-bench-admin");
        this.admin = Admin.create(p);
    }

    public static Broker start(Path root, Path dataDir, int partitions, Path log) {
        Child c = Child.start("kafka-local", List.of(root.resolve("bin/kafka-local").toString(), "--port", "0",
                "--data-dir", dataDir.toString(), "--partitions", Integer.toString(partitions)), Map.of(), root, log);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Matcher m = READY.matcher(Files.readString(log));
                if (m.find()) {
                    return new Broker(c, m.group(1));
                }
            } catch (IOException e) {
                // not written yet
            }
            if (!c.isAlive()) {
                throw new IllegalStateException("kafka-local exited before READY:\n" + c.tail(30));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                c.stop();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while kafka-local started", e);
            }
        }
        c.stop();
        throw new IllegalStateException("kafka-local not READY within " + START_TIMEOUT.toSeconds() + " s:\n"
                + c.tail(30));
    }

    public String bootstrap() {
        return bootstrap;
    }

    /**
     * Creates a topic; {@code logAppendTime} makes the broker stamp each record when it is appended, which is the
     * one clock latency mode measures both ends with.
     */
    public void createTopic(String name, int partitions, boolean logAppendTime) {
        NewTopic t = new NewTopic(name, partitions, (short) 1);
        if (logAppendTime) {
            t.configs(Map.of("message.timestamp.type", "LogAppendTime"));
        }
        try {
            get(admin.createTopics(List.of(t)).all(), "create topic " + name);
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** Records in the topic: the sum of its partitions' end offsets (topics here are never truncated). */
    public long endOffsetSum(String topic) {
        return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** End offset of each partition. */
    public Map<Integer, Long> endOffsets(String topic) {
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        get(admin.describeTopics(List.of(topic)).allTopicNames(), "describe " + topic).get(topic).partitions()
                .forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<Integer, Long> out = new TreeMap<>();
        get(admin.listOffsets(req).all(), "read offsets of " + topic)
                .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }

    /** Best effort: deleting only frees disk between runs. */
    public void deleteTopics(List<String> names) {
        try {
            get(admin.deleteTopics(names).all(), "delete topics");
        } catch (IllegalStateException e) {
            // the topics stay; the next run uses other names
        }
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        child.stop();
    }
}
