package io.sfcrime.kafkalocal.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka broker (kafka-local) for integration tests, run as a child process.
 *
 * <p>A child process rather than an in-JVM broker because the broker is built for Scala 2.13 and Spark's tests,
 * which use this extension too, run Scala 2.12: the two must never share a class path. This module therefore has
 * no Kafka dependency at all; it starts {@code kafka-local/target/kafka-local.jar} with its {@code target/lib}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaLocalExtension KAFKA = new KafkaLocalExtension();
 * ... props.put("bootstrap.servers", KAFKA.bootstrap());
 * }</pre>
 *
 * Without JUnit: {@code try (KafkaLocalExtension kafka = new KafkaLocalExtension()) { kafka.start(); ... }}.
 * Ports are chosen at the first start and kept, as is the data directory, so {@link #stop()}/{@link #kill()}
 * followed by {@link #start()} is a restart of the same broker with the same data.
 *
 * <p>System properties: {@code project.root} (where kafka-local/ is; else found upwards from the working
 * directory), {@code kafka.local.ready.timeout.s} (default 120), {@code kafka.local.jvm.opts} (default
 * {@code -Xmx512m}), {@code kafka.local.log.dir} (default {@code target/} of the working directory).
 */
public class KafkaLocalExtension implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private static final String MAIN_CLASS = "io.sfcrime.kafkalocal.KafkaLocal";
    private static final String HOST = "127.0.0.1";
    private static final String READY_PREFIX = "READY bootstrap=";
    /** kafka-local's exit code for "a port is already in use". */
    private static final int EXIT_PORT_IN_USE = 3;
    /** Free ports are found by binding and releasing them, so another process may grab one first: retry a few times. */
    private static final int PORT_ATTEMPTS = 3;
    private static final int TAIL_LINES = 40;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Halves the broker's start-up CPU (about 6 s instead of 11 s measured on a loaded 2-core machine) at the
     * cost of slower steady state: fine for functional tests, wrong for the benchmark, hence not the default.
     */
    public static final List<String> QUICK_START_JVM_OPTIONS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final List<String> brokerArgs = new ArrayList<>();
    private List<String> jvmOptions;
    private int port;
    private int controllerPort;
    private int saslPort;
    private String saslUser;
    private String saslPassword;
    private Path dataDir;
    private Path logFile;
    private Process process;
    private Thread reaper;

    public KafkaLocalExtension() {
    }

    /** Extra kafka-local options, e.g. {@code withBrokerArgs("--partitions", "4")}. */
    public KafkaLocalExtension withBrokerArgs(String... args) {
        brokerArgs.addAll(Arrays.asList(args));
        return this;
    }

    /** JVM options for the broker process, replacing the default ({@code -Xmx512m} or {@code kafka.local.jvm.opts}). */
    public KafkaLocalExtension withJvmOptions(List<String> options) {
        jvmOptions = List.copyOf(options);
        return this;
    }

    public KafkaLocalExtension withJvmOptions(String... options) {
        return withJvmOptions(List.of(options));
    }

    /**
     * A second client listener that accepts only SASL_PLAINTEXT with the PLAIN mechanism for this one user
     * ({@link #saslBootstrap()}); the plaintext one stays for the test's own set-up. A client without the right
     * security settings cannot connect to it at all, which is what a test of those settings needs.
     */
    public synchronized KafkaLocalExtension withSaslPlain(String user, String password) {
        if (port != 0) {
            throw new IllegalStateException("the broker was started already");
        }
        saslUser = user;
        saslPassword = password;
        return this;
    }

    /** The SASL listener's {@code 127.0.0.1:PORT} ({@link #withSaslPlain}); the same across restarts. */
    public synchronized String saslBootstrap() {
        requireStartedOnce();
        if (saslUser == null) {
            throw new IllegalStateException("no SASL listener: use withSaslPlain(user, password)");
        }
        return HOST + ":" + saslPort;
    }

    /**
     * Fixed ports instead of free ones, for callers whose clients are configured before the broker starts (the
     * e2e rig's pods get the address from rendered values); a port in use is then an error, not a retry.
     */
    public synchronized KafkaLocalExtension withPorts(int brokerPort, int kraftControllerPort) {
        if (port != 0) {
            throw new IllegalStateException("ports are chosen already: " + port + ", " + controllerPort);
        }
        port = brokerPort;
        controllerPort = kraftControllerPort;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** {@code 127.0.0.1:PORT}; the same across restarts. */
    public synchronized String bootstrap() {
        requireStartedOnce();
        return HOST + ":" + port;
    }

    public synchronized int port() {
        requireStartedOnce();
        return port;
    }

    public synchronized Path dataDir() {
        requireStartedOnce();
        return dataDir;
    }

    /** The file holding the broker's output (all starts appended), for diagnosing a failed test. */
    public synchronized Path logFile() {
        requireStartedOnce();
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the broker (the first time on free ports and a new temporary data dir) and waits for READY. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("kafka-local is already running on " + bootstrap());
        }
        try {
            if (dataDir == null) {
                dataDir = Files.createTempDirectory("kafka-local-");
            }
            boolean firstStart = port == 0;
            for (int attempt = 1; ; attempt++) {
                if (firstStart) {
                    pickFreePorts();
                }
                int exit = launchAndAwaitReady();
                if (exit < 0) {
                    return;
                }
                if (exit == EXIT_PORT_IN_USE && firstStart && attempt < PORT_ATTEMPTS) {
                    continue;
                }
                throw new KafkaLocalException("kafka-local exited with code " + exit + " before READY (port " + port
                        + ", data " + dataDir + ", log " + logFile + "); last output:\n" + tail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start kafka-local", e);
        }
    }

    /** SIGTERM and wait: the broker shuts down cleanly (flushes, closes its logs). */
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new KafkaLocalException("kafka-local did not stop within " + STOP_TIMEOUT.toSeconds()
                        + " s of SIGTERM and was killed; last output:\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** SIGKILL and wait: a crash, nothing flushed beyond what the OS already has. */
    public synchronized void kill() {
        if (!isRunning()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the broker and deletes its data dir. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            if (isRunning()) {
                kill();
            }
            removeReaper();
            deleteDataDir();
        }
    }

    private int launchAndAwaitReady() throws IOException {
        if (logFile == null) {
            Path logDir = BrokerPaths.logDir();
            Files.createDirectories(logDir);
            logFile = logDir.resolve("kafka-local-" + port + ".log");
        }
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions != null ? jvmOptions
                : Arrays.asList(System.getProperty("kafka.local.jvm.opts", "-Xmx512m").trim().split("\\s+")));
        Path root = BrokerPaths.projectRoot();
        command.add("-cp");
        command.add(root.resolve("kafka-local/target/kafka-local.jar") + java.io.File.pathSeparator
                + root.resolve("kafka-local/target/lib") + java.io.File.separator + "*");
        command.add(MAIN_CLASS);
        command.addAll(List.of("--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort),
                "--data-dir", dataDir.toString(), "--parent-pid", Long.toString(ProcessHandle.current().pid())));
        if (saslUser != null) {
            if (saslPort == 0) {
                throw new IllegalStateException("withSaslPlain works with free ports only, not withPorts");
            }
            command.addAll(List.of("--sasl-plain-port", Integer.toString(saslPort),
                    "--sasl-plain-user", saslUser + ":" + saslPassword));
        }
        command.addAll(brokerArgs);

        Files.writeString(logFile, "=== " + Instant.now() + " starting: " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        long offset = Files.size(logFile);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        installReaper();

        Duration timeout = Duration.ofSeconds(Long.getLong("kafka.local.ready.timeout.s", 120));
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String output = outputSince(offset);
                if (output.startsWith(READY_PREFIX) || output.contains("\n" + READY_PREFIX)) {
                    return -1;
                }
                if (!process.isAlive()) {
                    return process.exitValue();
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly().waitFor();
                    throw new KafkaLocalException("kafka-local printed no READY line within " + timeout.toSeconds()
                            + " s (port " + port + ", log " + logFile + "); last output:\n" + tail());
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new KafkaLocalException("interrupted while waiting for kafka-local", e);
        }
    }

    private String outputSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(logFile);
        return offset >= all.length ? "" : new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    }

    private String tail() {
        try {
            Deque<String> last = new ArrayDeque<>();
            for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
                if (last.size() == TAIL_LINES) {
                    last.removeFirst();
                }
                last.addLast(line);
            }
            return String.join("\n", last);
        } catch (IOException | RuntimeException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    private void pickFreePorts() throws IOException {
        // All sockets open at once so the ports differ.
        try (ServerSocket a = bindLoopback(); ServerSocket b = bindLoopback(); ServerSocket c = bindLoopback()) {
            port = a.getLocalPort();
            controllerPort = b.getLocalPort();
            saslPort = c.getLocalPort();
            logFile = null;
        }
    }

    private static ServerSocket bindLoopback() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        return socket;
    }

    /** A test JVM that ends without afterAll (Ctrl-C in the IDE) must not leave a broker behind. */
    private void installReaper() {
        if (reaper != null) {
            return;
        }
        reaper = new Thread(() -> {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }, "kafka-local-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    private void removeReaper() {
        if (reaper == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs anyway.
        }
        reaper = null;
    }

    private void deleteDataDir() {
        if (dataDir == null || !Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dataDir, e);
        }
    }

    private void requireStartedOnce() {
        if (port == 0) {
            throw new IllegalStateException("kafka-local has not been started yet");
        }
    }
}
