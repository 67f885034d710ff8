package io.sfcrime.kafkalocal;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The broker's configuration, built in one place. Every value is chosen for one broker on one laptop or CI
 * machine; each line says why it differs from (or pins) Kafka's default.
 */
final class BrokerSettings {

    /** Only loopback: a developer broker without authentication must not be reachable from the network. */
    static final String HOST = "127.0.0.1";
    static final int NODE_ID = 1;
    static final String CLIENT_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The optional listener that demands a login: for testing that clients really send their security settings. */
    static final String SASL_PLAIN_LISTENER = "SASL_PLAIN";
    /** What a SASL user name or password may hold: they are written into a JAAS line, so nothing that needs quoting. */
    static final String SASL_CREDENTIAL = "[A-Za-z0-9._-]+";

    /** Kafka's own default for message.max.bytes (1 MiB plus record-batch overhead). */
    static final int DEFAULT_MESSAGE_MAX_BYTES = 1_048_588;
    /** Small internal topics: a single node gains nothing from 50 partitions, and creating them slows the first consumer group. */
    static final int INTERNAL_TOPIC_PARTITIONS = 4;
    /** 64 MiB segments: retention and recovery after a crash work on whole segments, so smaller ones keep both quick. */
    static final int SEGMENT_BYTES = 64 * 1024 * 1024;
    /** Size-based retention per partition, so repeated benchmark runs cannot fill the disk. */
    static final long RETENTION_BYTES_PER_PARTITION = 1024L * 1024 * 1024;
    /** The cleaner (compacting __consumer_offsets) allocates this buffer up front; 128 MiB is meant for production. */
    static final int CLEANER_DEDUPE_BUFFER_BYTES = 16 * 1024 * 1024;

    private BrokerSettings() {
    }

    static Properties singleNode(int port, int controllerPort, Path dataDir, int partitions, int messageMaxBytes) {
        Properties p = new Properties();
        // KRaft, no ZooKeeper: this one process is both the broker and the whole controller quorum.
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        // A static one-voter quorum: the voter set lives in the config, so a restart may even change the port.
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty("inter.broker.listener.name", CLIENT_LISTENER);
        p.setProperty("listener.security.protocol.map",
                CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        // Bind and advertise loopback only (never 0.0.0.0, never the host name, which may resolve elsewhere).
        p.setProperty("listeners",
                CLIENT_LISTENER + "://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + port);

        // Data and metadata log together in the one directory the user named, so deleting it resets everything.
        p.setProperty("log.dirs", dataDir.toString());

        // One node cannot hold more than one replica of anything.
        p.setProperty("default.replication.factor", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("offsets.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        p.setProperty("transaction.state.log.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));

        // Partitions for topics created without a count (two, so key-based partitioning is visible locally).
        p.setProperty("num.partitions", Integer.toString(partitions));
        // Clients create their topics explicitly: a misspelt topic must fail loudly, not appear empty.
        p.setProperty("auto.create.topics.enable", "false");
        // The 3 s default exists to batch joins of many consumers; locally it only delays every first poll.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("message.max.bytes", Integer.toString(messageMaxBytes));

        p.setProperty("log.segment.bytes", Integer.toString(SEGMENT_BYTES));
        p.setProperty("log.retention.bytes", Long.toString(RETENTION_BYTES_PER_PARTITION));
        // No time-based deletion: replayed calls may carry 2018 event timestamps and would be deleted on arrival.
        p.setProperty("log.retention.ms", "-1");
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(CLEANER_DEDUPE_BUFFER_BYTES));
        // log.flush.* stay at Kafka's defaults: durability comes from the OS page cache, as in production.
        return p;
    }

    /**
     * Adds a second client listener on {@code port} that accepts only SASL_PLAINTEXT with the PLAIN mechanism and
     * one user. The first listener stays as it is (and carries the broker's own traffic), so tools can still set up
     * topics without credentials while the client under test must log in on this one or not connect at all.
     */
    static void addSaslPlainListener(Properties p, int port, String user, String password) {
        if (!user.matches(SASL_CREDENTIAL) || !password.matches(SASL_CREDENTIAL)) {
            throw new IllegalArgumentException("SASL user and password must match " + SASL_CREDENTIAL);
        }
        String listener = SASL_PLAIN_LISTENER + "://" + HOST + ":" + port;
        p.setProperty("listeners", p.getProperty("listeners") + "," + listener);
        p.setProperty("advertised.listeners", p.getProperty("advertised.listeners") + "," + listener);
        p.setProperty("listener.security.protocol.map",
                p.getProperty("listener.security.protocol.map") + "," + SASL_PLAIN_LISTENER + ":SASL_PLAINTEXT");
        String prefix = "listener.name." + SASL_PLAIN_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        p.setProperty(prefix + "sasl.enabled.mechanisms", "PLAIN");
        // PLAIN's broker side: each user_NAME="PASSWORD" entry is an account.
        p.setProperty(prefix + "plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
                + "required user_" + user + "=\"" + password + "\";");
    }
}
