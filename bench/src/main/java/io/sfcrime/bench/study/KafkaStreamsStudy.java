package io.sfcrime.bench.study;

import io.sfcrime.bench.BenchOptions;
import io.sfcrime.bench.Goals;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.LatencyPoint;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.Stats;
import io.sfcrime.bench.run.Child;
import io.sfcrime.bench.streams.PeerMain;
import io.sfcrime.bench.streams.PeerSettings;
import io.sfcrime.bench.streams.ResultsReader;
import io.sfcrime.bench.streams.Tally;
import io.sfcrime.common.report.CountsReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Kafka Streams peer ({@code io.sfcrime.bench.streams}), a child JVM like the ceiling. Throughput: R drains
 * of {@link Lab#TOPIC}, interleaved with the Spark sweep's repetitions ({@link SparkSweep} calls {@link #drain});
 * each must reproduce the ceiling's counts exactly (the peer drops nothing as late). Latency: the peer follows a
 * topic while bin/producer sends at the latency study's rates, after the same warm-up; a record's latency runs
 * from its append to the input topic to the append of the last result row its update wrote (both LogAppendTime).
 */
public final class KafkaStreamsStudy implements Study {
    public static final String NAME = "kafka-streams";
    private static final String DESCRIPTION = "Kafka Streams " + PeerSettings.STREAM_THREADS + " threads, "
            + PeerSettings.GUARANTEE + ", in-memory store, cache " + PeerSettings.THROUGHPUT_CACHE_BYTES / (1 << 20)
            + " MiB, commit " + PeerSettings.THROUGHPUT_COMMIT_MS + " ms";
    private static final Duration WARMUP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final long WARMUP_BURST = 2_000;

    private record Phase(double rate, Map<Integer, Long> from, Map<Integer, Long> to, boolean caughtUp,
                         String note) {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Latency when that study runs; the drains too when the Spark sweep does not (it interleaves them otherwise).
     */
    @Override
    public void run(Lab lab) throws IOException {
        if (!lab.o.runs(SparkSweep.NAME)) {
            List<Repetition> reps = new ArrayList<>();
            for (int rep = 1; rep <= lab.o.r(); rep++) {
                reps.add(drain(lab, rep));
            }
            lab.runs.add(run(reps));
        }
        if (lab.o.runs("latency")) {
            lab.latency.addAll(latency(lab));
        }
    }

    static Run run(List<Repetition> reps) {
        return Run.of(NAME, NAME, NAME, DESCRIPTION, null, null, Map.of(), reps);
    }

    /** One drain of {@link Lab#TOPIC}: its counts against the ceiling's, row by row and exactly. */
    static Repetition drain(Lab lab, int rep) {
        Path dir = lab.dir(NAME + "/r" + rep);
        Path report = dir.resolve("report.json");
        Path timing = dir.resolve("timing.json");
        Path gcLog = dir.resolve("gc.log");
        String results = "ks-results-r" + rep;
        String appId = "bench-ks-r" + rep + "-" + System.nanoTime();
        lab.broker.createTopic(results, lab.o.p(), true);
        Child c = Child.start(NAME, peer(lab, gcLog, Lab.TOPIC, results, appId, dir, "drain", "--report",
                report.toString(), "--timing-json", timing.toString()), Map.of(), lab.o.root(),
                dir.resolve("kafka-streams.log"));
        String error = c.await(lab.o.runTimeout());
        lab.broker.deleteTopics(List.of(results, appId + "-by-key-repartition", appId + "-hourly-counts-changelog"));
        Lab.deleteRecursively(dir.resolve("state"));
        if (error == null) {
            try {
                PeerMain.Timing t = Results.MAPPER.readValue(timing.toFile(), PeerMain.Timing.class);
                CountsReport counts = CountsReport.read(report);
                List<String> diff = lab.reference == null ? List.of("no ceiling counts to compare with")
                        : lab.reference.counts().differences(counts, 10);
                Child.GcHeap heap = Child.GcHeap.read(gcLog);
                Lab.log("kafka-streams r%d: %s%.0f rows/s after warm-up, %.0f overall, %d records in %.2f s, %d keys",
                        rep, diff.isEmpty() ? "" : "INVALID ", t.rowsPerSecondAfterWarmup(),
                        t.rowsPerSecondOverall(), t.records(), t.seconds(), t.resultKeys());
                return new Repetition(rep, diff.isEmpty() ? null : "counts differ from the ceiling: " + diff.get(0),
                        lab.o.rel(c.log()), Results.Rate.of(t.records(), t.rowsPerSecondAfterWarmup(),
                        t.rowsPerSecondOverall(), t.seconds(), c.wallSeconds(), t.rowsPerSecondOverall()
                                * lab.input.meanRecordBytes() / 1e6), Results.Memory.of(c.peakRssMb(), heap.peakMb()),
                        Results.Batches.NONE, new Results.Counts(t.resultKeys(), 0L, diff.isEmpty(), diff));
            } catch (RuntimeException | IOException e) {
                error = "unreadable output: " + e.getMessage();
            }
        }
        Lab.log("kafka-streams r%d: FAILED %s", rep, error);
        return lab.failed(rep, error, c);
    }

    private static List<String> peer(Lab lab, Path gcLog, String topic, String results, String appId, Path dir,
                                     String mode, String... more) {
        List<String> cmd = new ArrayList<>(List.of(Lab.javaBin(), "-Xmx2g", "-Xlog:gc:file=" + gcLog, "-cp",
                System.getProperty("java.class.path"), PeerMain.class.getName(), "--bootstrap",
                lab.broker.bootstrap(), "--topic", topic, "--results-topic", results, "--radio-codes",
                lab.o.radioCodes().toString(), "--tuning", Lab.tuningFile(dir, lab.profiles.baseline().settings())
                        .toString(), "--application-id", appId, "--state-dir", dir.resolve("state").toString(),
                "--mode", mode));
        cmd.addAll(List.of(more));
        return cmd;
    }

    /** The latency phases, as {@code LatencyStudy} runs them for a Spark profile. */
    static List<LatencyPoint> latency(Lab lab) throws IOException {
        BenchOptions o = lab.o;
        Path dir = lab.dir("latency/" + NAME);
        Files.createDirectories(dir);
        String topic = "lat-" + NAME;
        String results = "lat-results-" + NAME;
        String appId = "bench-ks-lat-" + System.nanoTime();
        lab.broker.createTopic(topic, o.p(), true);
        lab.broker.createTopic(results, o.p(), true);
        Path progress = dir.resolve("progress.txt");
        Files.deleteIfExists(progress);
        List<Phase> phases = new ArrayList<>();
        try (Child peer = Child.start(NAME, peer(lab, dir.resolve("gc.log"), topic, results, appId, dir, "follow",
                "--progress-file", progress.toString()), Map.of(), o.root(), dir.resolve("kafka-streams.log"))) {
            double warmRate = o.latencyRates().stream().mapToDouble(Double::doubleValue).min().orElse(0);
            boolean paced = !o.latencyWarmup().isZero() && warmRate > 0;
            long produced = paced ? Math.max(WARMUP_BURST, Math.round(warmRate * o.latencyWarmup().toSeconds()))
                    : WARMUP_BURST;
            String err = LatencyStudy.produce(lab, topic, dir, "warmup", produced, 0, paced ? warmRate : 0);
            if (err != null || !waitFor(progress, produced, WARMUP_TIMEOUT, peer)) {
                String why = err != null ? err : "the peer did not process the warm-up records within "
                        + WARMUP_TIMEOUT.toMinutes() + " min: " + peer.tail(5);
                Lab.log("latency %s: FAILED %s", NAME, why);
                return List.of(LatencyPoint.failed(NAME, 0, why));
            }
            for (int i = 0; i < o.latencyRates().size(); i++) {
                double rate = o.latencyRates().get(i);
                long n = Math.round(rate * o.latencyPhase().toSeconds());
                Map<Integer, Long> from = lab.broker.endOffsets(topic);
                err = LatencyStudy.produce(lab, topic, dir, "rate-" + (long) rate, n, i + 1, rate);
                produced += n;
                boolean caught = err == null && waitFor(progress, produced, CATCH_UP, peer);
                phases.add(new Phase(rate, from, lab.broker.endOffsets(topic), caught, err != null ? err
                        : caught ? null : "not caught up " + CATCH_UP.toSeconds() + " s after the producer ended"));
                if (!caught) {
                    break;
                }
            }
            // SIGTERM: the peer closes, committing its last transaction, before the results are read.
            peer.stop();
        }
        Map<Long, Long> emitted = new HashMap<>();
        ResultsReader.forEach(lab.broker.bootstrap(), results, a -> {
            if (a.row().sourcePartition() >= 0) {
                emitted.merge(Tally.Source.encode(a.row().sourcePartition(), a.row().sourceOffset()),
                        a.appendMillis(), Math::max);
            }
        });
        List<LatencyPoint> out = new ArrayList<>();
        for (Phase ph : phases) {
            out.add(analyze(ph, emitted, LatencyStudy.appendTimes(lab, topic, ph.from(), ph.to())));
        }
        for (double rate : o.latencyRates().subList(phases.size(), o.latencyRates().size())) {
            out.add(LatencyPoint.failed(NAME, rate, "not run: a lower rate was not sustained"));
        }
        Lab.deleteRecursively(dir.resolve("state"));
        lab.broker.deleteTopics(List.of(topic, results, topic + ".dlq", appId + "-by-key-repartition",
                appId + "-hourly-counts-changelog"));
        return out;
    }

    private static LatencyPoint analyze(Phase ph, Map<Long, Long> emitted, Map<Integer, long[]> appended) {
        List<Double> latencies = new ArrayList<>();
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        int unmatched = 0;
        for (Map.Entry<Integer, long[]> e : appended.entrySet()) {
            long first = ph.from().getOrDefault(e.getKey(), 0L);
            long[] ts = e.getValue();
            for (int k = 0; k < ts.length; k++) {
                minTs = Math.min(minTs, ts[k]);
                maxTs = Math.max(maxTs, ts[k]);
                Long out = emitted.get(Tally.Source.encode(e.getKey(), first + k));
                if (out == null) {
                    unmatched++;
                } else {
                    latencies.add((double) (out - ts[k]));
                }
            }
        }
        double achieved = maxTs > minTs ? latencies.size() / ((maxTs - minTs) / 1e3) : 0;
        double p50 = Stats.quantile(latencies, 0.5);
        double p95 = Stats.quantile(latencies, 0.95);
        double p99 = Stats.quantile(latencies, 0.99);
        boolean sustained = ph.caughtUp() && unmatched == 0 && !latencies.isEmpty() && p95 < Goals.LATENCY_P95_MS
                && achieved >= 0.9 * ph.rate();
        String note = ph.note() != null ? ph.note() : unmatched > 0 ? unmatched + " records without a result row"
                : achieved < 0.9 * ph.rate() ? String.format(Locale.ROOT, "producer reached %.0f of %.0f records/s",
                achieved, ph.rate()) : null;
        Lab.log("latency %s @ %.0f/s: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms over %d records%s", NAME, ph.rate(),
                p50, p95, p99, latencies.size(), note == null ? "" : " (" + note + ")");
        return new LatencyPoint(NAME, ph.rate(), achieved, latencies.size(), Results.num(p50), Results.num(p95),
                Results.num(p99), Results.num(Stats.quantile(latencies, 1.0)), null, sustained, note);
    }

    /** Waits until the peer's progress file counts {@code records} scanned and all of them aggregated. */
    private static boolean waitFor(Path progress, long records, Duration timeout, Child peer) {
        return Lab.pollUntil(() -> {
            try {
                String[] p = Files.exists(progress) ? Files.readString(progress).trim().split(" ") : null;
                // Scanned is not enough: the counts lag behind the scan by the repartition topic's backlog.
                return p != null && p.length == 2 && Long.parseLong(p[0]) >= records && Boolean.parseBoolean(p[1]);
            } catch (IOException | RuntimeException e) {
                return false; // replaced between the check and the read: try again
            }
        }, Duration.ofMillis(200), timeout, peer);
    }
}
