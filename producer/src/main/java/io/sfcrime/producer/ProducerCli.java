package io.sfcrime.producer;

import io.sfcrime.common.KafkaEnv;
import io.sfcrime.common.scan.EventTimeRange;
import io.sfcrime.common.tuning.Setting;
import io.sfcrime.common.tuning.TuningKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bin/producer}: replays a JSON array or NDJSON file of police calls into Kafka. Thin: it maps options onto
 * {@link ProduceOptions} and exit codes onto outcomes; {@link ProducerApp} does the work.
 *
 * <p>Deliberately no logger field here: {@link #main} configures logging before the first logger is created.
 */
@Command(name = "producer", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Reads call records from a JSON array or NDJSON file (- = stdin), sends each valid record as compact JSON",
            "keyed by crime_id, and each invalid one to the dead-letter topic with the reason and record index in",
            "its headers. Memory use does not depend on the input's size."},
        defaultValueProvider = ProducerCli.SettingDefaults.class,
        footer = {"", "Exit codes: 0 done; 1 records could not be delivered; 2 bad options; 3 broker unreachable;",
            "4 input unreadable or topics could not be created.",
            "", "Example: producer --input data/police-department-calls-for-service.json --rate 500 --loop forever"})
public final class ProducerCli implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_SEND_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_BROKER_UNREACHABLE = 3;
    public static final int EXIT_INPUT = 4;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE",
            description = "JSON array or NDJSON file, or - for standard input (required unless --wait-only).")
    String input;

    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "calls", description = "Topic for valid records (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--dead-letter-topic", defaultValue = "calls.dlq",
            description = "Topic for invalid records (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--partitions", defaultValue = "2",
            description = "Partitions of topics this run creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "1",
            description = "Replication factor of topics this run creates (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(names = "--no-create-topics", negatable = false,
            description = "Do not create missing topics (fail if they do not exist).")
    boolean noCreateTopics;

    @Option(names = "--wait-for-topics", defaultValue = "0", paramLabel = "SECONDS",
            description = {"With --no-create-topics: wait up to SECONDS for the topics to exist (listing them every 5 s;",
                "a broker still starting counts as not yet) instead of failing at once (default: ${DEFAULT-VALUE})."})
    int waitForTopicsSeconds;

    @Option(names = "--wait-only",
            description = "Only wait (--wait-for-topics) for the --require-topic topics, then exit 0; reads no input.")
    boolean waitOnly;

    @Option(names = "--require-topic", paramLabel = "NAME", description = "A topic --wait-only waits for (repeatable).")
    java.util.List<String> requireTopics = new java.util.ArrayList<>();

    @Option(names = "--rate", defaultValue = "0", paramLabel = "RECORDS_PER_S",
            description = "Valid records per second, evenly spaced; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--rate-schedule", paramLabel = "RATE:DURATION[,...]",
            description = {"The rate in steps instead of --rate, e.g. 200:60s,3000:90s,200:60s (units ms, s, m, h;",
                "a rate of 0 is unlimited for its step). The run ends when the last step does, or earlier at the",
                "end of the passes: give --loop forever for a load that lasts the whole schedule."})
    String rateSchedule;

    @Option(names = "--loop", defaultValue = "1", paramLabel = "N|forever",
            description = {"Passes over the input (default: ${DEFAULT-VALUE}). From the second pass on crime_id keys",
                "repeat unless --loop-suffix is given."})
    String loop;

    @Option(names = "--loop-suffix",
            description = "From the second pass on append -<pass> to crime_id (key and value) so ids stay unique.")
    boolean loopSuffix;

    @Option(names = "--loop-shift-time",
            description = {"From the second pass on move call_date_time forward by the input's event-time span",
                "(first to last valid record of the first pass, rounded up to whole hours, at least one) times the",
                "pass, so event time keeps advancing and a streaming job's windows keep closing."})
    boolean loopShiftTime;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Stop after reading N records in total (all passes); 0 = no limit, as for --rate and the "
                    + "consumer's --max-messages (default: ${DEFAULT-VALUE}).")
    long limit;

    @Option(names = "--replay", defaultValue = "none", paramLabel = "none|event-time",
            description = {"event-time: send in call_date_time order, paced by event time divided by --speedup.",
                "Needs a file; indexes it first (about 33 bytes of memory per record), then re-reads by offset."})
    String replay;

    @Option(names = "--speedup", defaultValue = "1", paramLabel = "X",
            description = "Event-time replay runs X times faster than real time (default: ${DEFAULT-VALUE}).")
    double speedup;

    @Option(names = "--max-record-bytes", defaultValue = "" + ProducerClients.DEFAULT_MAX_RECORD_BYTES,
            paramLabel = "BYTES", description = "Larger records are dead-lettered as too_large (default: ${DEFAULT-VALUE}).")
    int maxRecordBytes;

    @Option(names = "--min-event-time", paramLabel = "DATE",
            description = {"Records with an earlier call_date_time (San Francisco time) are dead-lettered as",
                "implausible_date_time; spark-app's validation.minEventTime (default: ${DEFAULT-VALUE})."})
    String minEventTime;

    @Option(names = "--max-future-skew", paramLabel = "DURATION",
            description = {"Records more than this past the wall clock are dead-lettered as implausible_date_time;",
                "spark-app's validation.maxFutureSkew (default: ${DEFAULT-VALUE})."})
    String maxFutureSkew;

    @Option(names = "--summary-json", paramLabel = "FILE",
            description = "Write {\"read\":N,\"sent\":N,\"invalid\":N,...} here at exit.")
    Path summaryJson;

    @Option(names = "--progress-interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Seconds between progress lines on stderr; 0 = none (default: ${DEFAULT-VALUE}).")
    double progressSeconds;

    @Option(names = "--connect-timeout-ms", defaultValue = "15000",
            description = "How long to wait for the broker before giving up (default: ${DEFAULT-VALUE}).")
    int connectTimeoutMs;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
            description = "Override a Kafka producer setting (repeatable), e.g. linger.ms=20.")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:producer-log4j2.xml");
        }
        System.exit(run(args));
    }

    /** Runs the CLI in this JVM (no System.exit) writing to System.out/err; returns the exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the CLI in this JVM with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = new CommandLine(new ProducerCli());
        cmd.setOut(out);
        cmd.setErr(err);
        return cmd.execute(args);
    }

    /** Maps the parsed options onto the library's options; a bad value throws with the option's name. */
    ProduceOptions options() {
        ProduceOptions.Replay mode = switch (replay.toLowerCase(Locale.ROOT)) {
            case "none" -> ProduceOptions.Replay.NONE;
            case "event-time" -> ProduceOptions.Replay.EVENT_TIME;
            default -> throw new IllegalArgumentException("--replay must be none or event-time, got '" + replay + "'");
        };
        return ProduceOptions.builder()
                .bootstrap(bootstrap).topic(topic).deadLetterTopic(deadLetterTopic).input(input)
                .partitions(partitions).replicationFactor(replicationFactor).createTopics(!noCreateTopics)
                .rate(rate).loops(parseLoops(loop)).loopSuffix(loopSuffix).loopShiftTime(loopShiftTime)
                .limit(limit == 0 ? Long.MAX_VALUE : limit)
                .replay(mode).speedup(speedup).maxRecordBytes(maxRecordBytes).summaryJson(summaryJson)
                .progressSeconds(progressSeconds).connectTimeoutMs(connectTimeoutMs)
                .producerOverrides(producerProperties).waitForTopicsSeconds(waitForTopicsSeconds)
                .eventTimeRange(eventTimeRange())
                .rateSchedule(rateSchedule == null ? null : RateSchedule.parse(rateSchedule))
                .build().validate();
    }

    private int waitOnly(PrintWriter err) {
        try {
            if (requireTopics.isEmpty() || waitForTopicsSeconds < 1 || input != null) {
                throw new IllegalArgumentException("--wait-only needs --wait-for-topics SECONDS (at least 1) and one"
                        + " --require-topic or more, and reads no --input");
            }
            KafkaEnv.clientProperties();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("Try 'producer --help'.");
            err.flush();
            return EXIT_USAGE;
        }
        try {
            ProducerApp.awaitTopics(bootstrap, requireTopics, waitForTopicsSeconds, connectTimeoutMs, err);
            return EXIT_OK;
        } catch (TopicSetupException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return EXIT_INPUT;
        }
    }

    /** The range from the options, each parsed and checked by its tuning key's declaration. */
    private EventTimeRange eventTimeRange() {
        Object floor = parseSetting("--min-event-time", TuningKeys.MIN_EVENT_TIME, minEventTime);
        Object skew = parseSetting("--max-future-skew", TuningKeys.MAX_FUTURE_SKEW, maxFutureSkew);
        return new EventTimeRange(LocalDate.parse((String) floor), (Duration) skew);
    }

    private static Object parseSetting(String option, Setting setting, String text) {
        try {
            return setting.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage().substring(setting.name().length() + 2));
        }
    }

    /** The defaults of options that are spark-app tuning keys too: from the keys' declarations, stated once. */
    static final class SettingDefaults implements CommandLine.IDefaultValueProvider {
        private static final Map<String, Setting> BY_OPTION = Map.of(
                "--min-event-time", TuningKeys.MIN_EVENT_TIME, "--max-future-skew", TuningKeys.MAX_FUTURE_SKEW);

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            Setting s = arg instanceof CommandLine.Model.OptionSpec o ? BY_OPTION.get(o.longestName()) : null;
            return s == null ? null : s.defaultText();
        }
    }

    static long parseLoops(String text) {
        if ("forever".equalsIgnoreCase(text.trim())) {
            return ProduceOptions.FOREVER;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--loop must be a positive count or 'forever', got '" + text + "'");
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (waitOnly) {
            return waitOnly(err);
        }
        ProduceOptions options;
        try {
            options = options();
            // A bad KAFKA_* security variable is a usage error, reported before any connection is tried.
            KafkaEnv.clientProperties();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("Try 'producer --help'.");
            err.flush();
            return EXIT_USAGE;
        }
        try {
            ProduceSummary summary = ProducerApp.run(options, err);
            return summary.failed() > 0 || summary.firstFailure() != null ? EXIT_SEND_FAILED : EXIT_OK;
        } catch (BrokerUnreachableException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return EXIT_BROKER_UNREACHABLE;
        } catch (InputException | TopicSetupException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return EXIT_INPUT;
        }
    }
}
