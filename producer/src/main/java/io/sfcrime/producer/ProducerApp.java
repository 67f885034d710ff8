package io.sfcrime.producer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One complete producer run against a real broker: check the broker answers, create missing topics, send, flush,
 * print and write the summary. This is the in-process entry point for other modules' tests:
 * <pre>{@code
 * ProduceSummary s = ProducerApp.run(ProduceOptions.builder()
 *         .bootstrap(KAFKA.bootstrap()).input(path).build(), new PrintWriter(System.err, true));
 * }</pre>
 */
public final class ProducerApp {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerApp.class);
    /** How often --wait-for-topics lists the topics. */
    static final long TOPIC_POLL_MS = 5_000;

    private ProducerApp() {
    }

    public static ProduceSummary run(ProduceOptions options, PrintWriter err)
            throws BrokerUnreachableException, TopicSetupException, InputException {
        return run(options, err, o -> ProducerClients.newProducer(o.bootstrap(), o.producerOverrides()));
    }

    /** As {@link #run(ProduceOptions, PrintWriter)} with a chosen Kafka producer (the caller's factory). */
    public static ProduceSummary run(ProduceOptions options, PrintWriter err,
                                     Function<ProduceOptions, Producer<String, byte[]>> producers)
            throws BrokerUnreachableException, TopicSetupException, InputException {
        options.validate();
        InputSource source = InputSource.of(options.input());
        source.check();
        try (Admin admin = ProducerClients.newAdmin(options.bootstrap(), options.connectTimeoutMs())) {
            try {
                List<String> topics = List.of(options.topic(), options.deadLetterTopic());
                if (options.waitForTopicsSeconds() > 0) {
                    // Someone else creates them (Strimzi's topic operator); wait, bounded, while they appear.
                    TopicSetup.awaitTopics(admin, topics, options.waitForTopicsSeconds() * 1000L, TOPIC_POLL_MS,
                            options.connectTimeoutMs(), err);
                } else {
                    TopicSetup.checkBroker(admin, options.bootstrap(), options.connectTimeoutMs());
                    if (options.createTopics()) {
                        List<String> created = TopicSetup.ensureTopics(admin, topics, options.partitions(),
                                options.replicationFactor(), options.connectTimeoutMs());
                        if (!created.isEmpty()) {
                            LOG.info("created topics {} ({} partitions, replication factor {})", created,
                                    options.partitions(), options.replicationFactor());
                        }
                    } else {
                        TopicSetup.requireTopics(admin, topics, options.connectTimeoutMs());
                    }
                }
            } finally {
                // Do not wait for an unreachable broker on close.
                admin.close(Duration.ofSeconds(2));
            }
        }
        Producer<String, byte[]> producer = producers.apply(options);
        CallProducer run = new CallProducer(options, producer, source, err, Clock.SYSTEM);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            err.println("stopping: no more reading; flushing records in flight...");
            err.flush();
            run.requestStop();
            try {
                finished.await(ProducerClients.DELIVERY_TIMEOUT_MS + 15_000L, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "producer-shutdown");
        boolean hooked = addHook(hook);
        ProduceSummary summary;
        try (Progress ignored = new Progress(run, err, options.progressSeconds())) {
            summary = run.run();
        } finally {
            try {
                producer.close(Duration.ofMillis(ProducerClients.DELIVERY_TIMEOUT_MS));
            } catch (RuntimeException e) {
                LOG.warn("closing the producer: {}", TopicSetup.rootMessage(e));
            }
        }
        try {
            err.println(summary.line());
            if (summary.firstFailure() != null) {
                err.println("error: " + summary.firstFailure());
            }
            err.flush();
            if (options.summaryJson() != null) {
                try {
                    summary.writeJson(options.summaryJson());
                } catch (IOException e) {
                    err.println("error: cannot write --summary-json " + options.summaryJson() + ": " + e.getMessage());
                    err.flush();
                }
            }
        } finally {
            finished.countDown();
            if (hooked) {
                removeHook(hook);
            }
        }
        return summary;
    }

    /**
     * {@code --wait-only}: waits for the topics and returns, reading no input (the chart's init containers, so a pod
     * starts once its topics exist).
     */
    public static void awaitTopics(String bootstrap, List<String> topics, int waitSeconds, int callTimeoutMs,
                                   PrintWriter err) throws TopicSetupException {
        try (Admin admin = ProducerClients.newAdmin(bootstrap, callTimeoutMs)) {
            try {
                TopicSetup.awaitTopics(admin, topics, waitSeconds * 1000L, TOPIC_POLL_MS, callTimeoutMs, err);
            } finally {
                admin.close(Duration.ofSeconds(2));
            }
        }
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            return false; // already shutting down
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down and running the hook: nothing to remove.
        }
    }
}
