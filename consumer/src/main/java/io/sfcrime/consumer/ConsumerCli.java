package io.sfcrime.consumer;

import io.sfcrime.common.AliveFile;
import io.sfcrime.common.KafkaEnv;
import io.sfcrime.common.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** {@code bin/consumer}: prints a topic's records, in the manner of kafka-console-consumer. */
@Command(name = "consumer", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reads a topic (input calls, results or dead letters) and prints its records.",
                "Records go to stdout; logs, the final count and errors to stderr."},
        footer = {"", "Exit codes: 0 done, 2 bad usage, 3 broker unreachable, 4 topic missing, 5 fewer records than",
                "--expect-messages, 1 other failure.",
                "Example: consumer --topic calls --from-beginning --format json --timeout-ms 5000"})
public final class ConsumerCli implements Callable<Integer> {
    static final int EXIT_UNREACHABLE = 3;
    static final int EXIT_NO_TOPIC = 4;
    static final int EXIT_TOO_FEW = 5;

    public enum Format { json, pretty, table }

    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--topic", defaultValue = Topics.CALLS,
            description = "topic to read: calls, results, calls.dlq, ... (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--from-beginning",
            description = "start at the earliest offset (with --group: only when the group has no committed offset)")
    boolean fromBeginning;

    @Option(names = "--group", description = "consumer group: subscribe and commit printed offsets, so a rerun resumes; "
            + "without it all partitions are assigned and nothing is committed")
    String group;

    // The command line this runs in: usage errors print to its error stream (the caller's), not System.err.
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--max-messages", defaultValue = "0", description = "stop after this many records (0 = no limit)")
    long maxMessages;

    @Option(names = "--timeout-ms", defaultValue = "0", description = "stop after this long without a record (0 = never)")
    long timeoutMs;

    @Option(names = "--expect-messages", description = "with --max-messages N and --timeout-ms: exit 5 unless N records "
            + "were read before the timeout ended the run (a check, as in the chart's helm test)")
    boolean expectMessages;

    @Option(names = "--alive-file", paramLabel = "FILE",
            description = "touch this file after each poll, at most once a second (Kubernetes probes read its age)")
    java.nio.file.Path aliveFile;

    @Option(names = "--format", defaultValue = "json",
            description = "json (one value per line, nothing else on stdout), pretty (indented) or table "
                    + "(live top-N of crime types) (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--print-key", description = "include the record key")
    boolean printKey;

    @Option(names = "--print-headers", description = "include the headers (dead letters carry dlq.reason, dlq.message, dlq.index, ...)")
    boolean printHeaders;

    @Option(names = "--top", defaultValue = "20", description = "rows of the table format (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--metadata-timeout-ms", defaultValue = "" + ConsumerClients.DEFAULT_API_TIMEOUT_MS,
            description = "how long to wait for the broker before giving up (default: ${DEFAULT-VALUE})")
    int metadataTimeoutMs;

    private final PrintStream out;
    private final PrintStream err;
    private final Function<ConsumeLoop.Settings, Consumer<byte[], byte[]>> consumers;
    private final boolean installShutdownHook;

    /** The real CLI: a KafkaConsumer, stdout in UTF-8, a shutdown hook. */
    public ConsumerCli() {
        this(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false,
                        StandardCharsets.UTF_8), System.err,
                s -> ConsumerClients.create(s.bootstrap(), s.group(), s.fromBeginning(),
                        (int) s.metadataTimeout().toMillis()), true);
    }

    ConsumerCli(PrintStream out, PrintStream err, Function<ConsumeLoop.Settings, Consumer<byte[], byte[]>> consumers,
                boolean installShutdownHook) {
        this.out = out;
        this.err = err;
        this.consumers = consumers;
        this.installShutdownHook = installShutdownHook;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new ConsumerCli()).execute(args));
    }

    static CommandLine commandLine(ConsumerCli cli) {
        CommandLine cl = new CommandLine(cli).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(new OutputStreamWriter(cli.out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(cli.err, StandardCharsets.UTF_8), true));
        return cl;
    }

    @Override
    public Integer call() {
        if (top < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
        }
        // 0 means "no limit" here as for the producer's --limit and --rate; a negative count is a mistake.
        if (maxMessages < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--max-messages must be a positive count, or 0 for no limit, got " + maxMessages);
        }
        if (timeoutMs < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--timeout-ms must be a positive number of milliseconds, or 0 for never, got " + timeoutMs);
        }
        if (metadataTimeoutMs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--metadata-timeout-ms must be at least 1, got " + metadataTimeoutMs);
        }
        if (expectMessages && (maxMessages < 1 || timeoutMs < 1)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--expect-messages needs --max-messages and --timeout-ms of at least 1");
        }
        try {
            KafkaEnv.clientProperties();
        } catch (IllegalArgumentException e) {
            // A bad KAFKA_* security variable is a usage error, reported before any connection is tried.
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ConsumeLoop.Settings settings = new ConsumeLoop.Settings(bootstrap, topic, group, fromBeginning, maxMessages,
                timeoutMs, Duration.ofMillis(metadataTimeoutMs));
        RecordPrinter printer = switch (format) {
            case json -> new JsonPrinter(out, false, printKey, printHeaders);
            case pretty -> new JsonPrinter(out, true, printKey, printHeaders);
            case table -> new TablePrinter(out, top, System.console() != null, System::nanoTime);
        };
        Consumer<byte[], byte[]> consumer = consumers.apply(settings);
        ConsumeLoop loop = new ConsumeLoop(consumer, settings, printer, err, System::nanoTime, AliveFile.at(aliveFile));
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // wakeup() is the one consumer method that is safe from another thread: it makes the blocked poll
            // throw, the loop ends normally and closes the consumer (committing nothing half-printed).
            consumer.wakeup();
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "consumer-shutdown");
        if (installShutdownHook) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            long read = loop.run();
            if (expectMessages && read < maxMessages) {
                err.println("consumer: expected " + maxMessages + " records from " + topic + ", read " + read
                        + " before " + timeoutMs + " ms passed without a record");
                return EXIT_TOO_FEW;
            }
            return 0;
        } catch (BrokerUnreachableException e) {
            err.println("consumer: " + e.getMessage());
            return EXIT_UNREACHABLE;
        } catch (TopicNotFoundException e) {
            err.println("consumer: " + e.getMessage());
            return EXIT_NO_TOPIC;
        } catch (KafkaException e) {
            err.println("consumer: Kafka error: " + e.getMessage());
            return 1;
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                err.println("consumer: closing: " + e.getMessage());
            }
            out.flush();
            err.println("Processed a total of " + loop.consumed() + " messages");
            done.countDown();
        }
    }
}
