package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Samples the running rig every few seconds on a thread of its own, each value read the way an operator would and
 * none from the autoscaler's own bookkeeping except its target: executor pods from the API server, the input
 * topic's end offsets from Kafka, what the job has processed from its checkpoint on the volume (the lowest
 * committed offset of any query, per partition), registered executors from the Spark UI's REST API.
 */
final class TimelineSampler implements AutoCloseable {
    private final Stage stage;
    private final String topic;
    private final Path checkpoint;
    private final IntSupplier target;
    private final Admin admin;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "e2e-timeline-sampler");
        t.setDaemon(true);
        return t;
    });
    private final List<Timeline.Sample> samples = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private long startNanos;
    private int partitions;

    /** {@code target}: the executor count the driver's autoscaler last asked for, -1 when it said none. */
    TimelineSampler(Stage stage, String bootstrap, String topic, Path checkpoint, IntSupplier target) {
        this.stage = stage;
        this.topic = topic;
        this.checkpoint = checkpoint;
        this.target = target;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(p);
    }

    void start(long periodMillis) {
        startNanos = System.nanoTime();
        timer.scheduleAtFixedRate(this::sampleOnce, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    synchronized List<Timeline.Sample> samples() {
        return List.copyOf(samples);
    }

    /** The latest sample, if any. */
    synchronized Timeline.Sample last() {
        return samples.isEmpty() ? null : samples.get(samples.size() - 1);
    }

    /** Sampling errors (each kind once): a sample that could not be read is skipped, not invented. */
    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    private void sampleOnce() {
        try {
            double t = (System.nanoTime() - startNanos) / 1e9;
            Map<Integer, Long> end = endOffsets();
            Map<String, Map<Integer, Long>> committed = Probes.committedOffsets(checkpoint, topic);
            long endTotal = end.values().stream().mapToLong(Long::longValue).sum();
            long lag = 0;
            for (Map.Entry<Integer, Long> e : end.entrySet()) {
                long done = committed.isEmpty() ? 0 : committed.values().stream()
                        .mapToLong(q -> q.getOrDefault(e.getKey(), 0L)).min().orElse(0);
                lag += Math.max(0, e.getValue() - done);
            }
            int pods = (int) stage.executorPods().stream().filter(TimelineSampler::running).count();
            int registered = stage.registeredExecutors().orElse(-1);
            int wanted = target.getAsInt();
            synchronized (this) {
                Timeline.Sample prev = samples.isEmpty() ? null : samples.get(samples.size() - 1);
                double rate = prev == null || t <= prev.seconds() ? 0
                        : (endTotal - prev.endOffsets()) / (t - prev.seconds());
                samples.add(new Timeline.Sample(t, endTotal, rate, lag, pods, registered, wanted));
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                String what = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (!errors.contains(what)) {
                    errors.add(what);
                }
            }
        }
    }

    private Map<Integer, Long> endOffsets() {
        try {
            if (partitions == 0) {
                partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get(topic).partitions().size();
            }
            Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                spec.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new HashMap<>();
            admin.listOffsets(spec).all().get(10, TimeUnit.SECONDS).forEach((tp, o) -> out.put(tp.partition(), o.offset()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the end offsets of " + topic);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e, e);
        }
    }

    /** Running in the API and not being deleted: a pod a scale-down has chosen no longer counts. */
    static boolean running(Pod p) {
        return p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
                && "Running".equals(p.getStatus().getPhase());
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close();
    }
}
