package io.sfcrime.kafkalocal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A real single-node Kafka broker in KRaft mode for local runs and tests. Prints {@code READY bootstrap=...} on
 * stdout once clients can connect and {@code STOPPED} after a clean shutdown (SIGTERM or Ctrl-C); everything
 * else goes to stderr.
 */
@Command(name = "kafka-local", mixinStandardHelpOptions = true, version = "kafka-local (Kafka 3.9.1, KRaft)",
        sortOptions = false,
        description = {
            "Runs a single-node Kafka broker (KRaft, no ZooKeeper) bound to 127.0.0.1 only.",
            "Prints 'READY bootstrap=127.0.0.1:PORT' on stdout when clients can connect, 'STOPPED' after SIGTERM/Ctrl-C.",
            "Restarting on the same --data-dir keeps topics and records."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:startup failed", "2:bad command line", "3:a port is already in use"})
public final class KafkaLocal implements Callable<Integer> {

    static final int EXIT_FAILED = 1;
    static final int EXIT_PORT_IN_USE = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaLocal.class);

    @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
            description = "Client (PLAINTEXT) port on 127.0.0.1; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--controller-port", paramLabel = "PORT",
            description = "KRaft controller port on 127.0.0.1; 0 picks a free one. Default: PORT+1 (a free one when --port is 0).")
    Integer controllerPort;

    @Option(names = "--data-dir", defaultValue = "kafka-local-data", paramLabel = "DIR",
            description = "Log and metadata directory, created and formatted if needed, kept across restarts. Default: ${DEFAULT-VALUE} in the current directory.")
    Path dataDir;

    @Option(names = "--partitions", defaultValue = "2", paramLabel = "N",
            description = "num.partitions for topics created without a count. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--message-max-bytes", defaultValue = "" + BrokerSettings.DEFAULT_MESSAGE_MAX_BYTES, paramLabel = "BYTES",
            description = "Largest record batch the broker accepts (message.max.bytes). Default: ${DEFAULT-VALUE}.")
    int messageMaxBytes;

    @Option(names = "--sasl-plain-port", paramLabel = "PORT",
            description = "Also listen on this port (127.0.0.1) with SASL_PLAINTEXT and the PLAIN mechanism, for one user "
                    + "(--sasl-plain-user): to test that clients send their security settings. Off by default.")
    Integer saslPlainPort;

    @Option(names = "--sasl-plain-user", paramLabel = "USER:PASSWORD",
            description = "The one account of the --sasl-plain-port listener (letters, digits, . _ -).")
    String saslPlainUser;

    @Spec
    CommandSpec spec;

    // Set by the JUnit extension: a broker whose test JVM died must not keep its ports and disk forever.
    @Option(names = "--parent-pid", hidden = true)
    Long parentPid;

    private volatile KafkaRaftServer server;
    private volatile boolean ready;

    public static void main(String[] args) {
        System.exit(new CommandLine(new KafkaLocal()).execute(args));
    }

    @Override
    public Integer call() {
        try {
            run();
            return 0;
        } catch (PortInUseException e) {
            System.err.println("kafka-local: " + e.getMessage());
            return EXIT_PORT_IN_USE;
        } catch (StartupException e) {
            // Kafka has already logged the stack trace of a failed start; the one-line reason is what matters.
            System.err.println("kafka-local: " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    private void run() throws PortInUseException, StartupException {
        validate();
        long started = System.nanoTime();
        int clientPort = resolvePort("client", port);
        int quorumPort = resolvePort("controller",
                controllerPort != null ? controllerPort : (port == 0 ? 0 : port + 1), clientPort);
        Path dir = dataDir.toAbsolutePath().normalize();
        Properties props = BrokerSettings.singleNode(clientPort, quorumPort, dir, partitions, messageMaxBytes);
        if (saslPlainPort != null) {
            int saslPort = resolvePort("SASL", saslPlainPort, clientPort, quorumPort);
            String[] account = saslPlainUser.split(":", 2);
            BrokerSettings.addSaslPlainListener(props, saslPort, account[0], account[1]);
            LOG.info("SASL_PLAINTEXT (PLAIN) listener on {}:{} for user {}", BrokerSettings.HOST, saslPort, account[0]);
        }
        format(dir, props);

        KafkaRaftServer raftServer;
        try {
            raftServer = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new StartupException("invalid broker configuration: " + e.getMessage(), e);
        }
        server = raftServer;
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "kafka-local-shutdown"));
        try {
            raftServer.startup();
        } catch (RuntimeException e) {
            if (causedByBind(e)) {
                throw new PortInUseException("client or controller", clientPort, e);
            }
            throw new StartupException("broker failed to start: " + e.getMessage(), e);
        }
        String bootstrap = BrokerSettings.HOST + ":" + clientPort;
        awaitClients(bootstrap);
        LOG.info("broker up in {} ms, data in {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dir);
        ready = true;
        System.out.println("READY bootstrap=" + bootstrap);
        System.out.flush();
        watchParent();
        raftServer.awaitShutdown();
    }

    private void validate() {
        CommandLine cmd = spec.commandLine();
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(cmd, "--port must be 0..65535, got " + port);
        }
        if (controllerPort != null && (controllerPort < 0 || controllerPort > 65535)) {
            throw new CommandLine.ParameterException(cmd, "--controller-port must be 0..65535, got " + controllerPort);
        }
        if (controllerPort != null && controllerPort != 0 && controllerPort == port) {
            throw new CommandLine.ParameterException(cmd, "--controller-port must differ from --port");
        }
        if (port == 65535 && controllerPort == null) {
            throw new CommandLine.ParameterException(cmd, "--port 65535 leaves no PORT+1: give --controller-port");
        }
        if ((saslPlainPort == null) != (saslPlainUser == null)) {
            throw new CommandLine.ParameterException(cmd, "--sasl-plain-port and --sasl-plain-user go together");
        }
        if (saslPlainPort != null && (saslPlainPort < 0 || saslPlainPort > 65535)) {
            throw new CommandLine.ParameterException(cmd, "--sasl-plain-port must be 0..65535, got " + saslPlainPort);
        }
        if (saslPlainUser != null && !saslPlainUser.matches(BrokerSettings.SASL_CREDENTIAL + ":"
                + BrokerSettings.SASL_CREDENTIAL)) {
            throw new CommandLine.ParameterException(cmd, "--sasl-plain-user must be USER:PASSWORD of letters, digits, "
                    + ". _ -");
        }
        if (partitions < 1) {
            throw new CommandLine.ParameterException(cmd, "--partitions must be at least 1, got " + partitions);
        }
        if (messageMaxBytes < 1024) {
            throw new CommandLine.ParameterException(cmd, "--message-max-bytes must be at least 1024, got " + messageMaxBytes);
        }
    }

    /** Checks the port before Kafka does: Kafka's own bind failure surfaces as a stack trace deep in startup. */
    private static int resolvePort(String what, int wanted, int... taken) throws PortInUseException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(BrokerSettings.HOST), wanted));
            int got = socket.getLocalPort();
            for (int t : taken) {
                if (t == got) {
                    // Only possible with 0 (the OS handed back the port we just released): ask again.
                    return resolvePort(what, wanted, taken);
                }
            }
            return got;
        } catch (BindException e) {
            throw new PortInUseException(what, wanted, e);
        } catch (IOException e) {
            throw new PortInUseException(what, wanted, e);
        }
    }

    /** Formats the directory once; {@code --ignore-formatted} makes a restart keep the existing cluster and data. */
    private static void format(Path dir, Properties props) throws StartupException {
        Path configFile = dir.resolve("server.properties");
        try {
            Files.createDirectories(dir);
            checkNotLocked(dir);
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "written by kafka-local at each start; edits are overwritten");
            }
        } catch (IOException e) {
            throw new StartupException("cannot write to data dir " + dir + ": " + e.getMessage(), e);
        }
        String[] args = {"format", "-t", clusterId(dir), "-c", configFile.toString(), "--ignore-formatted"};
        int rc;
        try {
            // StorageTool's chatter goes to stderr: stdout carries only READY and STOPPED.
            rc = StorageTool.execute(args, System.err);
        } catch (Exception e) {
            // The message names the file and the mismatch; a stack trace would add nothing for the user.
            throw new StartupException("formatting " + dir + " failed: " + e.getMessage(), null);
        }
        if (rc != 0) {
            throw new StartupException("formatting " + dir + " failed (StorageTool exit " + rc + ")", null);
        }
    }

    /** Kafka would find a second broker on the same directory only deep in startup, after binding its ports. */
    private static void checkNotLocked(Path dir) throws IOException, StartupException {
        Path lockFile = dir.resolve(".lock");
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StartupException("data dir " + dir + " is in use by another running broker (" + lockFile + " is locked)", null);
            }
            lock.release();
        }
    }

    /**
     * The existing cluster id when the directory is formatted: even with {@code --ignore-formatted}, Kafka 3.9
     * refuses a directory whose meta.properties names another cluster.
     */
    private static String clusterId(Path dir) throws StartupException {
        Path meta = dir.resolve("meta.properties");
        if (!Files.exists(meta)) {
            return Uuid.randomUuid().toString();
        }
        Properties existing = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            existing.load(in);
        } catch (IOException e) {
            throw new StartupException("cannot read " + meta + ": " + e.getMessage(), e);
        }
        String id = existing.getProperty("cluster.id");
        if (id == null || id.isBlank()) {
            throw new StartupException(meta + " has no cluster.id: not a kafka-local data dir? delete it or pick another --data-dir", null);
        }
        return id;
    }

    private static void awaitClients(String bootstrap) throws StartupException {
        Map<String, Object> conf = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(conf)) {
            while (true) {
                try {
                    // A node in the answer means the broker registered with the controller: topics can be created.
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("broker not answering yet: {}", e.toString());
                }
                if (System.nanoTime() > deadline) {
                    throw new StartupException("broker did not answer on " + bootstrap + " within " + READY_TIMEOUT.toSeconds() + " s", null);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while waiting for the broker", e);
        }
    }

    private void watchParent() {
        if (parentPid == null) {
            return;
        }
        ProcessHandle.of(parentPid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> {
                    LOG.warn("parent process {} is gone: stopping", parentPid);
                    System.exit(0);
                }),
                () -> {
                    LOG.warn("parent process {} is gone: stopping", parentPid);
                    System.exit(0);
                });
    }

    private void shutdown() {
        KafkaRaftServer s = server;
        if (s == null) {
            return;
        }
        try {
            s.shutdown();
            s.awaitShutdown();
            if (ready) {
                System.out.println("STOPPED");
                System.out.flush();
            }
        } catch (RuntimeException e) {
            System.err.println("kafka-local: error during shutdown: " + e);
        }
    }

    private static boolean causedByBind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                return true;
            }
        }
        return false;
    }
}
