package io.sfcrime.bench;

import io.sfcrime.bench.Profiles.Profile;
import io.sfcrime.bench.ceiling.CeilingClients;
import io.sfcrime.bench.run.Child;
import io.sfcrime.common.gen.CallGenerator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Latency mode for one profile: spark-app runs continuously while bin/producer sends at fixed rates, one phase
 * per rate. Both topics use the broker's LogAppendTime, so a record's latency is measured on one clock: from its
 * append to the input topic to the append of the result rows written by the micro-batch that read it (found
 * from the batch's offset ranges in the progress file). A phase is sustained when Spark caught up within a
 * grace period, the producer held at least 90% of the rate, and p95 stayed under the goal.
 */
final class LatencyRun {
    private static final Duration WARMUP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final long RESULT_SLACK_MS = 100;
    private static final long WARMUP_BURST = 2_000;

    private final Bench bench;
    private final BenchOptions o;
    private final Profile profile;

    private record Phase(double rate, long records, Map<Integer, Long> from, Map<Integer, Long> to,
                         boolean caughtUp, String note) {
    }

    LatencyRun(Bench bench, Profile profile) {
        this.bench = bench;
        this.o = bench.options();
        this.profile = profile;
    }

    List<Results.LatencyPoint> run() throws IOException {
        String id = "latency/" + profile.name();
        Path dir = o.workDir().resolve(id);
        Files.createDirectories(dir);
        String topic = "lat-" + profile.name();
        String results = "lat-results-" + profile.name();
        bench.broker().createTopic(topic, o.p(), true);
        bench.broker().createTopic(results, o.p(), true);
        Path progress = dir.resolve("progress.jsonl");
        Path checkpoint = dir.resolve("checkpoint");
        Bench.deleteRecursively(checkpoint);
        Files.deleteIfExists(progress);
        List<String> cmd = List.of(o.bin("spark-app").toString(), "--bootstrap", bench.broker().bootstrap(),
                "--topic", topic, "--results-topic", results, "--dead-letter-topic", topic + ".dlq",
                "--radio-codes", o.radioCodes().toString(), "--checkpoint", checkpoint.toString(),
                "--tuning", bench.writeTuning(dir, profile.settings()).toString(),
                "--progress-file", progress.toString(), "--ui-port", "0");
        List<Phase> phases = new ArrayList<>();
        List<Results.LatencyPoint> out = new ArrayList<>();
        try (Child spark = Child.start("spark-app", cmd, Map.of("JAVA_OPTS", o.sparkJavaOpts()), o.root(),
                dir.resolve("spark-app.log"))) {
            long produced = 0;
            // Warm-up: start-up, code generation and the first state-store files are not what latency means, and
            // neither are the first minutes of batches, which the JIT is still compiling (a small batch takes twice
            // as long then as later). So the lowest rate runs unmeasured first, or in quick mode one short burst.
            double warmRate = o.latencyRates().stream().mapToDouble(Double::doubleValue).min().orElse(0);
            boolean paced = !o.latencyWarmup().isZero() && warmRate > 0;
            long warmRecords = paced ? Math.max(WARMUP_BURST, Math.round(warmRate * o.latencyWarmup().toSeconds()))
                    : WARMUP_BURST;
            Path warm = generate(dir.resolve("warmup.ndjson"), warmRecords, 0);
            String err = bench.produce(topic, warm, dir.resolve("warmup"), warmRecords, paced ? warmRate : 0);
            produced += warmRecords;
            Files.deleteIfExists(warm);
            if (err != null || !waitFor(progress, produced, WARMUP_TIMEOUT, spark)) {
                String why = err != null ? err : "spark-app did not process the warm-up records within "
                        + WARMUP_TIMEOUT.toMinutes() + " min: " + spark.tail(5);
                bench.log().info("latency %s: FAILED %s", profile.name(), why);
                out.add(new Results.LatencyPoint(profile.name(), 0, 0, 0, null, null, null, null, null, false, why));
                return out;
            }
            int index = 0;
            for (double rate : o.latencyRates()) {
                index++;
                long n = Math.round(rate * o.latencyPhase().toSeconds());
                Path file = generate(dir.resolve("rate-" + (long) rate + ".ndjson"), n, index);
                Map<Integer, Long> from = bench.broker().endOffsets(topic);
                err = bench.produce(topic, file, dir.resolve("rate-" + (long) rate), n, rate);
                produced += n;
                boolean caught = err == null && waitFor(progress, produced, CATCH_UP, spark);
                Map<Integer, Long> to = bench.broker().endOffsets(topic);
                phases.add(new Phase(rate, n, from, to, caught, err != null ? err
                        : caught ? null : "not caught up " + CATCH_UP.toSeconds() + " s after the producer ended"));
                Files.deleteIfExists(file);
                if (!caught) {
                    break; // a higher rate only falls further behind, and its backlog would spoil the next phase
                }
            }
        }
        List<SparkProgress.Batch> batches = SparkProgress.mainQuery(SparkProgress.read(progress));
        long[] resultTimes = appendTimes(results);
        for (Phase ph : phases) {
            out.add(analyze(ph, batches, resultTimes, topic));
        }
        for (double rate : o.latencyRates()) {
            if (phases.stream().noneMatch(ph -> ph.rate == rate)) {
                out.add(new Results.LatencyPoint(profile.name(), rate, 0, 0, null, null, null, null, null, false,
                        "not run: a lower rate was not sustained"));
            }
        }
        Bench.deleteRecursively(checkpoint);
        bench.broker().deleteTopics(List.of(topic, results, topic + ".dlq"));
        return out;
    }

    private Path generate(Path file, long n, int phase) {
        // Oldest first, no invalid records: latency is about flow, and in-order event times never go late.
        CallGenerator.Options g = CallGenerator.Options.defaults().withSeed(o.seed() + phase).withCount(n)
                .withFormat(CallGenerator.Format.NDJSON).withOrder(CallGenerator.Order.OLDEST_FIRST)
                .withFirstId(CallGenerator.DEFAULT_FIRST_ID + phase * 100_000_000L);
        new CallGenerator(g).write(file);
        return file;
    }

    /** Waits until the progress file accounts for {@code rows} input rows. */
    private boolean waitFor(Path progress, long rows, Duration timeout, Child spark) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && spark.isAlive()) {
            if (Files.exists(progress)) {
                long seen = SparkProgress.mainQuery(SparkProgress.read(progress)).stream()
                        .mapToLong(SparkProgress.Batch::numInputRows).sum();
                if (seen >= rows) {
                    return true;
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private Results.LatencyPoint analyze(Phase ph, List<SparkProgress.Batch> batches, long[] resultTimes,
                                         String topic) {
        // For each batch with data: when its last result row was appended (or its end, if none is found).
        List<SparkProgress.Batch> data = batches.stream().filter(b -> b.numInputRows() > 0).toList();
        long[] emitted = new long[data.size()];
        for (int i = 0; i < data.size(); i++) {
            long lo = data.get(i).start().toEpochMilli();
            long hi = data.get(i).end().toEpochMilli() + RESULT_SLACK_MS;
            int at = Arrays.binarySearch(resultTimes, hi);
            int idx = at >= 0 ? at : -at - 2;
            while (idx + 1 < resultTimes.length && resultTimes[idx + 1] == hi) {
                idx++;
            }
            emitted[i] = idx >= 0 && resultTimes[idx] >= lo ? resultTimes[idx] : data.get(i).end().toEpochMilli();
        }
        List<Double> latencies = new ArrayList<>();
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        int unmatched = 0;
        java.util.Set<Integer> phaseBatches = new java.util.HashSet<>();
        for (Map.Entry<Integer, long[]> e : appendTimes(topic, ph.from, ph.to).entrySet()) {
            int partition = e.getKey();
            long first = ph.from.getOrDefault(partition, 0L);
            long[] ts = e.getValue();
            for (int k = 0; k < ts.length; k++) {
                long offset = first + k;
                int b = batchOf(data, partition, offset);
                minTs = Math.min(minTs, ts[k]);
                maxTs = Math.max(maxTs, ts[k]);
                if (b < 0) {
                    unmatched++;
                    continue;
                }
                phaseBatches.add(b);
                latencies.add((double) (emitted[b] - ts[k]));
            }
        }
        double achieved = maxTs > minTs ? latencies.size() / ((maxTs - minTs) / 1e3) : 0;
        double p95 = Stats.quantile(latencies, 0.95);
        boolean sustained = ph.caughtUp && unmatched == 0 && !latencies.isEmpty()
                && p95 < Bench.LATENCY_P95_GOAL_MS && achieved >= 0.9 * ph.rate;
        String note = ph.note;
        if (note == null && unmatched > 0) {
            note = unmatched + " records in no batch of the progress file";
        } else if (note == null && achieved < 0.9 * ph.rate) {
            note = String.format(Locale.ROOT, "producer reached %.0f of %.0f records/s", achieved, ph.rate);
        }
        bench.log().info("latency %s @ %.0f/s: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms over %d records%s",
                profile.name(), ph.rate, Stats.quantile(latencies, 0.5), p95, Stats.quantile(latencies, 0.99),
                latencies.size(), note == null ? "" : " (" + note + ")");
        return new Results.LatencyPoint(profile.name(), ph.rate, achieved, latencies.size(),
                Results.num(Stats.quantile(latencies, 0.5)), Results.num(p95),
                Results.num(Stats.quantile(latencies, 0.99)), Results.num(Stats.quantile(latencies, 1.0)),
                phaseBatches.size(), sustained, note);
    }

    /** Index of the data batch whose offset range holds (partition, offset), or -1. */
    static int batchOf(List<SparkProgress.Batch> data, int partition, long offset) {
        int lo = 0;
        int hi = data.size() - 1;
        int found = -1;
        while (lo <= hi) { // first batch whose end offset is past the record
            int mid = (lo + hi) >>> 1;
            long end = data.get(mid).endOffsets().getOrDefault(partition, -1L);
            if (end > offset) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        if (found < 0) {
            return -1;
        }
        long start = data.get(found).startOffsets().getOrDefault(partition, 0L);
        return offset >= start ? found : -1;
    }

    /** Sorted append times of every record in a topic. */
    private long[] appendTimes(String topic) {
        Map<Integer, long[]> all = appendTimes(topic, Map.of(), bench.broker().endOffsets(topic));
        return all.values().stream().flatMapToLong(Arrays::stream).sorted().toArray();
    }

    /** Append times of the records in [from, to) of each partition, indexed by offset - from. */
    private Map<Integer, long[]> appendTimes(String topic, Map<Integer, Long> from, Map<Integer, Long> to) {
        Map<Integer, long[]> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = CeilingClients.newConsumer(bench.broker().bootstrap())) {
            List<TopicPartition> parts = new ArrayList<>();
            to.keySet().forEach(p -> parts.add(new TopicPartition(topic, p)));
            c.assign(parts);
            Map<Integer, Long> remaining = new HashMap<>();
            for (TopicPartition tp : parts) {
                long f = from.getOrDefault(tp.partition(), 0L);
                long t = to.get(tp.partition());
                out.put(tp.partition(), new long[(int) Math.max(0, t - f)]);
                c.seek(tp, f);
                if (t > f) {
                    remaining.put(tp.partition(), t);
                }
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    long f = from.getOrDefault(r.partition(), 0L);
                    Long t = remaining.get(r.partition());
                    if (t != null && r.offset() < t) {
                        out.get(r.partition())[(int) (r.offset() - f)] = r.timestamp();
                    }
                }
                remaining.entrySet().removeIf(e -> c.position(new TopicPartition(topic, e.getKey())) >= e.getValue());
            }
        }
        return out;
    }
}
