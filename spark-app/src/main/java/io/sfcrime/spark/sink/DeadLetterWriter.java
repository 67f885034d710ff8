package io.sfcrime.spark.sink;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes dead letters from inside the counts query's scan, on the executor that read the record, so the job reads the
 * input topic once. Before this, a second query read the whole topic again only to find the few invalid records,
 * which the bench measured costing about as much as the counting itself (docs/tuning-report.md).
 * <p>
 * Guarantee: at least once, as Spark's own Kafka sink gives. Sends are asynchronous; when the task ends its writer
 * flushes and fails the task if any send failed, so a batch is committed only after its dead letters are on the
 * broker. A retried task or a replayed batch sends them again with the same {@code dlq.index}, by which a reader
 * drops duplicates.
 * <p>
 * One producer per executor JVM and target (like Spark's cached Kafka producer): a producer per task would cost a
 * metadata round trip per task.
 */
public final class DeadLetterWriter {
    private static final Map<String, KafkaProducer<byte[], byte[]>> PRODUCERS = new ConcurrentHashMap<>();
    private static final Map<Long, DeadLetterWriter> BY_TASK = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(DeadLetterWriter::closeAll, "dead-letter-producers-close"));
    }

    private final DeadLetterTarget target;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long sent;

    private DeadLetterWriter(DeadLetterTarget target) {
        this.target = target;
        this.producer = PRODUCERS.computeIfAbsent(target.producerKey(), k -> newProducer(target));
    }

    /**
     * Sends the dead letter of input record {@code sourceTopic-partition@offset}. Called on the task's thread; the
     * task's writer flushes when the task ends.
     *
     * @throws IllegalStateException when called outside a Spark task (nothing would flush it)
     */
    public static void send(DeadLetterTarget target, String sourceTopic, int partition, long offset, byte[] key,
                            byte[] value, String reason, String message) {
        forTask(target).send(DeadLetters.record(target.topic(), sourceTopic, partition, offset, key, value, reason,
                message));
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
        Exception earlier = failure.get();
        if (earlier != null) {
            throw new IllegalStateException("a dead letter to " + target.topic() + " could not be written: "
                    + earlier.getMessage(), earlier);
        }
        producer.send(record, (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
        sent++;
    }

    /** The writer of the running task, created with a completion listener that flushes it. */
    private static DeadLetterWriter forTask(DeadLetterTarget target) {
        TaskContext task = TaskContext.get();
        if (task == null) {
            throw new IllegalStateException("dead letters are written from Spark tasks only");
        }
        return BY_TASK.computeIfAbsent(task.taskAttemptId(), id -> {
            DeadLetterWriter writer = new DeadLetterWriter(target);
            task.addTaskCompletionListener((TaskCompletionListener) done -> {
                BY_TASK.remove(id);
                writer.finish(done);
            });
            return writer;
        });
    }

    /**
     * Waits until the broker has every dead letter of the task; a failed send fails the task, so Spark retries it
     * and the batch is not committed without them. Counts them when the task succeeded.
     */
    private void finish(TaskContext done) {
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            // The producer may be broken for good (a fatal idempotence error): the retry gets a new one.
            if (PRODUCERS.remove(target.producerKey(), producer)) {
                producer.close(Duration.ZERO);
            }
            throw new IllegalStateException("task " + done.taskAttemptId() + " could not write " + sent
                    + " dead letter(s) to " + target.topic() + " at " + target.bootstrap() + ": " + e.getMessage(), e);
        }
        target.written().add(sent);
    }

    /** Closes this JVM's producers (the driver at the end of a local run; executors at exit). */
    public static void closeAll() {
        for (String key : PRODUCERS.keySet()) {
            KafkaProducer<byte[], byte[]> p = PRODUCERS.remove(key);
            if (p != null) {
                p.close(Duration.ofSeconds(10));
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> newProducer(DeadLetterTarget target) {
        Properties p = new Properties();
        // The same secured listener as the job's other clients (TLS + SCRAM on Kubernetes, nothing locally).
        p.putAll(target.clientSettings());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrap());
        // A dead letter is the only copy of a refused record outside the input's retention: every replica must
        // have it before the task (and so the batch) counts as done.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Retries inside one producer session do not duplicate; replays still may, which dlq.index resolves.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Invalid records are a few percent of a batch: a short linger batches them without delaying the task end,
        // which flushes anyway.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // A broker that is gone fails the task within two minutes instead of the default five-minute delivery timeout.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "spark-app-dead-letters");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
