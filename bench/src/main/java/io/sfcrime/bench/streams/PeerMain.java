package io.sfcrime.bench.streams;

import io.sfcrime.bench.Results;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.report.CountsReport;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningFile;
import io.sfcrime.common.tuning.TuningKeys;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The Kafka Streams peer as its own process, like the ceiling. {@code --mode drain}: count the input topic as it
 * is at start, time it, write the final counts (read back from the results topic) in spark-app's report format
 * and a timing JSON. {@code --mode follow}: run until stopped (SIGTERM), writing progress to a file, for the
 * latency study.
 */
@Command(name = "bench-kafka-streams", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The job's hourly counts as a Kafka Streams application: drain a topic and report counts and "
                + "speed, or follow it for latency.")
public final class PeerMain implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration IDLE_LIMIT = Duration.ofSeconds(120);

    /**
     * The --timing-json. {@code seconds}: from the first input record scanned to the moment the last one's counts
     * were committed (results included); {@code rowsPerSecondOverall} = records / seconds;
     * {@code rowsPerSecondAfterWarmup} the same from the moment {@code warmupRecords} had been scanned.
     */
    public record Timing(long records, long valid, long invalid, double seconds, double rowsPerSecondOverall,
                         long warmupRecords, double rowsPerSecondAfterWarmup, long resultKeys, String mode,
                         String guarantee) {
    }

    @Option(names = "--bootstrap", required = true)
    String bootstrap;

    @Option(names = "--topic", required = true, description = "Input topic.")
    String topic;

    @Option(names = "--results-topic", required = true)
    String results;

    @Option(names = "--radio-codes", required = true)
    Path radioCodes;

    @Option(names = "--tuning", description = "Tuning YAML: query.windowDuration applies.")
    Path tuning;

    @Option(names = "--application-id", required = true, description = "Fresh per run: the input is read from "
            + "its beginning.")
    String applicationId;

    @Option(names = "--state-dir", required = true)
    Path stateDir;

    @Option(names = "--mode", required = true, description = "drain or follow.")
    String mode;

    @Option(names = "--report", description = "drain: where to write the counts (spark-app's format).")
    Path report;

    @Option(names = "--timing-json", description = "drain: where to write records, seconds and rates.")
    Path timingJson;

    @Option(names = "--progress-file", description = "follow: records scanned so far and whether all of them reached "
            + "the aggregation, rewritten every 200 ms.")
    Path progressFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PeerMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Tuning t = tuning == null ? Tuning.defaults() : Tuning.fromMap(TuningFile.read(tuning));
        Duration window = t.getDuration(TuningKeys.WINDOW_DURATION);
        RadioCodes codes = RadioCodes.load(radioCodes);
        boolean drain = switch (mode) {
            case "drain" -> true;
            case "follow" -> false;
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--mode: drain or follow, "
                    + "got '" + mode + "'");
        };
        if (drain && (report == null || timingJson == null) || !drain && progressFile == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "drain needs --report and --timing-json,"
                    + " follow --progress-file");
        }
        PeerSettings.Mode m = drain ? PeerSettings.Mode.THROUGHPUT : PeerSettings.Mode.LATENCY;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long total = drain ? endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum() : 0;
            long warmup = Math.max(1_000, Math.min(50_000, total / 20));
            Progress progress = new Progress(drain ? warmup : 0);
            KafkaStreams streams = new KafkaStreams(HourlyCounts.build(topic, results, window, codes, progress),
                    PeerSettings.of(applicationId, bootstrap, stateDir, m));
            return drain ? drain(admin, streams, progress, total, warmup) : follow(streams, progress);
        }
    }

    private int drain(Admin admin, KafkaStreams streams, Progress progress, long total, long warmup)
            throws Exception {
        long end;
        try {
            streams.start();
            end = awaitCommitted(admin, streams, progress, total);
        } finally {
            streams.close(Duration.ofSeconds(60));
        }
        List<ResultRow> rows = ResultsReader.lastPerKey(bootstrap, results);
        CountsReport counts = ResultRow.fold(rows);
        counts.write(report);
        double seconds = (end - progress.firstNanos()) / 1e9;
        double afterWarmup = total > warmup && progress.warmupNanos() > 0
                ? (total - warmup) / ((end - progress.warmupNanos()) / 1e9) : total / seconds;
        Files.createDirectories(timingJson.toAbsolutePath().getParent());
        Results.MAPPER.writeValue(timingJson.toFile(), new Timing(total, progress.valid(), progress.invalid(),
                seconds, total / seconds, warmup, afterWarmup, rows.size(), mode, PeerSettings.GUARANTEE));
        System.err.printf("kafka-streams: %d records (%d valid, %d invalid) in %.2f s: %.0f rows/s overall, %.0f "
                        + "after %d records%n", total, progress.valid(), progress.invalid(), seconds, total / seconds,
                afterWarmup, warmup);
        return 0;
    }

    /**
     * Waits until every input record is scanned, everything it sent reached the aggregation, and the group's
     * committed offsets in the repartition topic are past the last record aggregated: with exactly-once, that
     * commit is the transaction holding the last counts' changelog and result records. Returns its nanoTime.
     */
    private long awaitCommitted(Admin admin, KafkaStreams streams, Progress progress, long total)
            throws Exception {
        String repartition = HourlyCounts.repartitionTopic(applicationId);
        long lastCount = -1;
        long lastChange = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("Kafka Streams stopped: " + streams.state());
            }
            long count = progress.scanned() + progress.aggregated();
            if (count != lastCount) {
                lastCount = count;
                lastChange = now;
            } else if (now - lastChange > IDLE_LIMIT.toNanos()) {
                throw new IllegalStateException("no progress for " + IDLE_LIMIT.toSeconds() + " s: scanned "
                        + progress.scanned() + " of " + total + ", aggregated " + progress.aggregated());
            }
            if (progress.scanned() >= total && progress.aggregatedAllScanned()
                    && committedPast(admin, repartition, progress.maxRepartitionOffsets())) {
                return System.nanoTime();
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private boolean committedPast(Admin admin, String repartition, Map<Integer, Long> lastAggregated)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get();
        for (Map.Entry<Integer, Long> e : lastAggregated.entrySet()) {
            OffsetAndMetadata c = committed.get(new TopicPartition(repartition, e.getKey()));
            if (c == null || c.offset() <= e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private int follow(KafkaStreams streams, Progress progress) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(Duration.ofSeconds(30));
            stopped.countDown();
        }, "close-streams"));
        streams.start();
        Path tmp = progressFile.resolveSibling(progressFile.getFileName() + ".tmp");
        while (stopped.getCount() > 0) {
            if (streams.state() == KafkaStreams.State.ERROR) {
                System.err.println("kafka-streams: stopped in ERROR");
                return 1;
            }
            // Scanned, then whether all they sent is in the aggregation: a repartition backlog is not caught up.
            Files.writeString(tmp, progress.scanned() + " " + progress.aggregatedAllScanned() + "\n");
            Files.move(tmp, progressFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Thread.sleep(200);
        }
        return 0;
    }

    private static Map<Integer, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<Integer, Long> out = new HashMap<>();
        admin.listOffsets(req).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }
}
