package io.sfcrime.producer;

import org.apache.kafka.clients.admin.Admin;
import io.sfcrime.common.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Checks that the broker answers and creates missing topics, each step bounded by a timeout. */
public final class TopicSetup {
    private TopicSetup() {
    }

    /** Asks the cluster to describe itself; the cheapest call that proves a broker is there and speaks Kafka. */
    public static void checkBroker(Admin admin, String bootstrap, long timeoutMs) throws BrokerUnreachableException {
        try {
            admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new BrokerUnreachableException("cannot reach a Kafka broker at " + bootstrap + " within "
                    + timeoutMs + " ms (" + rootMessage(e) + "). Is it running? Start one with bin/kafka-local, or"
                    + " pass --bootstrap HOST:PORT.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnreachableException("interrupted while contacting " + bootstrap, e);
        }
    }

    /** Creates the topics that do not exist yet, with the chart's retention; returns the names it created. */
    public static List<String> ensureTopics(Admin admin, Collection<String> names, int partitions,
                                            short replicationFactor, long timeoutMs) throws TopicSetupException {
        Set<String> wanted = new LinkedHashSet<>(names);
        List<String> created = new ArrayList<>();
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            for (String name : wanted) {
                if (existing.contains(name)) {
                    continue;
                }
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, replicationFactor)
                                    .configs(Topics.STREAM_TOPIC_CONFIG)))
                            .all().get(timeoutMs, TimeUnit.MILLISECONDS);
                    created.add(name);
                } catch (ExecutionException e) {
                    // Someone else created it between our listing and our request: that is what we wanted.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new TopicSetupException("cannot create topics " + wanted + " with " + partitions
                    + " partitions and replication factor " + replicationFactor + ": " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while creating topics " + wanted, e);
        }
        return created;
    }

    /** With --no-create-topics: fails with a clear message instead of letting send() wait for a missing topic. */
    public static void requireTopics(Admin admin, Collection<String> names, long timeoutMs)
            throws TopicSetupException {
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<String> missing = names.stream().filter(n -> !existing.contains(n)).distinct().toList();
            if (!missing.isEmpty()) {
                throw new TopicSetupException("topic(s) " + missing + " do not exist and --no-create-topics was"
                        + " given: create them first, or drop --no-create-topics", null);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new TopicSetupException("cannot list topics: " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while listing topics", e);
        }
    }

    /**
     * Waits until every topic exists, listing them every {@code pollMs}, for at most {@code waitMs}: Kafka and the
     * topic operator may still be starting. A broker that does not answer yet counts as "not yet". Prints one line
     * per attempt, so a pod's log says what it waits for.
     */
    public static void awaitTopics(Admin admin, Collection<String> names, long waitMs, long pollMs, long callTimeoutMs,
                                   PrintWriter err) throws TopicSetupException {
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        List<String> wanted = names.stream().distinct().toList();
        String last;
        while (true) {
            try {
                Set<String> existing = admin.listTopics().names().get(callTimeoutMs, TimeUnit.MILLISECONDS);
                List<String> missing = wanted.stream().filter(n -> !existing.contains(n)).toList();
                if (missing.isEmpty()) {
                    err.println("topics " + wanted + " exist");
                    err.flush();
                    return;
                }
                last = "missing " + missing;
            } catch (ExecutionException | TimeoutException e) {
                last = "no answer from the broker (" + rootMessage(e) + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicSetupException("interrupted while waiting for topics " + wanted, e);
            }
            long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
            if (leftMs <= 0) {
                throw new TopicSetupException("topics " + wanted + " still not there after waiting " + waitMs / 1000
                        + " s (--wait-for-topics): " + last, null);
            }
            err.println("waiting for topics " + wanted + ": " + last + "; " + leftMs / 1000 + " s left");
            err.flush();
            try {
                Thread.sleep(Math.min(pollMs, leftMs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicSetupException("interrupted while waiting for topics " + wanted, e);
            }
        }
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
