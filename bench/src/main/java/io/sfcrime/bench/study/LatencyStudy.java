package io.sfcrime.bench.study;

import io.sfcrime.bench.BenchOptions;
import io.sfcrime.bench.Goals;
import io.sfcrime.bench.Profiles.Profile;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.LatencyPoint;
import io.sfcrime.bench.Stats;
import io.sfcrime.bench.ceiling.CeilingClients;
import io.sfcrime.bench.run.Child;
import io.sfcrime.bench.run.SparkProgress;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Latency mode, for each profile marked {@code latency}: spark-app runs continuously while bin/producer sends at
 * fixed rates, one phase per rate. Both topics use the broker's LogAppendTime, so a record's latency is measured
 * on one clock: from its append to the input topic to the append of the result rows written by the micro-batch
 * that read it (found from the batch's offset ranges in the progress file). A phase is sustained when Spark caught
 * up within a grace period, the producer held at least 90% of the rate, and p95 stayed under the goal.
 */
public final class LatencyStudy implements Study {
    private static final Duration WARMUP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final long RESULT_SLACK_MS = 100;
    private static final long WARMUP_BURST = 2_000;

    private record Phase(double rate, Map<Integer, Long> from, Map<Integer, Long> to, boolean caughtUp,
                         String note) {
    }

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public void run(Lab lab) throws IOException {
        List<Profile> profiles = lab.selected.stream().filter(Profile::latency).toList();
        if (lab.o.quick()) {
            // One short probe checks the latency machinery; the baseline's 200-partition batches would only add
            // minutes.
            String baseline = lab.profiles.baseline().name();
            profiles = profiles.stream().filter(p -> !p.name().equals(baseline)).limit(1).toList();
        }
        for (Profile p : profiles) {
            lab.latency.addAll(measure(lab, p));
        }
    }

    private static List<LatencyPoint> measure(Lab lab, Profile profile) throws IOException {
        BenchOptions o = lab.o;
        Path dir = lab.dir("latency/" + profile.name());
        Files.createDirectories(dir);
        String topic = "lat-" + profile.name();
        String results = "lat-results-" + profile.name();
        lab.broker.createTopic(topic, o.p(), true);
        lab.broker.createTopic(results, o.p(), true);
        Path progress = dir.resolve("progress.jsonl");
        Lab.deleteRecursively(dir.resolve("checkpoint"));
        Files.deleteIfExists(progress);
        List<Phase> phases = new ArrayList<>();
        try (Child spark = Child.start("spark-app", lab.sparkApp(topic, results, topic + ".dlq", dir, profile),
                Map.of("JAVA_OPTS", o.sparkJavaOpts()), o.root(), dir.resolve("spark-app.log"))) {
            // Warm-up: start-up, code generation and the first state-store files are not what latency means, and
            // neither are the first minutes of batches, which the JIT is still compiling (a small batch takes twice
            // as long then as later). So the lowest rate runs unmeasured first, or in quick mode one short burst.
            double warmRate = o.latencyRates().stream().mapToDouble(Double::doubleValue).min().orElse(0);
            boolean paced = !o.latencyWarmup().isZero() && warmRate > 0;
            long produced = paced ? Math.max(WARMUP_BURST, Math.round(warmRate * o.latencyWarmup().toSeconds()))
                    : WARMUP_BURST;
            String err = produce(lab, topic, dir, "warmup", produced, 0, paced ? warmRate : 0);
            if (err != null || !waitFor(progress, produced, WARMUP_TIMEOUT, spark)) {
                String why = err != null ? err : "spark-app did not process the warm-up records within "
                        + WARMUP_TIMEOUT.toMinutes() + " min: " + spark.tail(5);
                Lab.log("latency %s: FAILED %s", profile.name(), why);
                return List.of(LatencyPoint.failed(profile.name(), 0, why));
            }
            for (int i = 0; i < o.latencyRates().size(); i++) {
                double rate = o.latencyRates().get(i);
                long n = Math.round(rate * o.latencyPhase().toSeconds());
                Map<Integer, Long> from = lab.broker.endOffsets(topic);
                err = produce(lab, topic, dir, "rate-" + (long) rate, n, i + 1, rate);
                produced += n;
                boolean caught = err == null && waitFor(progress, produced, CATCH_UP, spark);
                phases.add(new Phase(rate, from, lab.broker.endOffsets(topic), caught, err != null ? err
                        : caught ? null : "not caught up " + CATCH_UP.toSeconds() + " s after the producer ended"));
                if (!caught) {
                    break; // a higher rate only falls further behind, and its backlog would spoil the next phase
                }
            }
        }
        List<SparkProgress.Batch> data = SparkProgress.mainQuery(SparkProgress.read(progress)).stream()
                .filter(b -> b.numInputRows() > 0).toList();
        long[] emitted = emitted(data, appendTimes(lab, results, Map.of(), lab.broker.endOffsets(results)).values()
                .stream().flatMapToLong(Arrays::stream).sorted().toArray());
        List<LatencyPoint> out = new ArrayList<>();
        for (Phase ph : phases) {
            out.add(analyze(profile.name(), ph, data, emitted, appendTimes(lab, topic, ph.from(), ph.to())));
        }
        for (double rate : o.latencyRates().subList(phases.size(), o.latencyRates().size())) {
            out.add(LatencyPoint.failed(profile.name(), rate, "not run: a lower rate was not sustained"));
        }
        Lab.deleteRecursively(dir.resolve("checkpoint"));
        lab.broker.deleteTopics(List.of(topic, results, topic + ".dlq"));
        return out;
    }

    /**
     * Sends {@code n} generated records at {@code rate}; null when all arrived, else why not. Oldest first, no
     * invalid records: latency is about flow, and in-order event times never go late.
     */
    static String produce(Lab lab, String topic, Path dir, String name, long n, int phase, double rate)
            throws IOException {
        Path file = dir.resolve(name + ".ndjson");
        new CallGenerator(CallGenerator.Options.defaults().withSeed(lab.o.seed() + phase).withCount(n)
                .withFormat(CallGenerator.Format.NDJSON).withOrder(CallGenerator.Order.OLDEST_FIRST)
                .withFirstId(CallGenerator.DEFAULT_FIRST_ID + phase * 100_000_000L)).write(file);
        String error = ProducerStudy.produce(lab, topic, file, n, rate, dir.resolve(name), "").error();
        Files.deleteIfExists(file);
        return error;
    }

    /** Waits until the progress file accounts for {@code rows} input rows. */
    private static boolean waitFor(Path progress, long rows, Duration timeout, Child spark) {
        return Lab.pollUntil(() -> Files.exists(progress) && SparkProgress.mainQuery(SparkProgress.read(progress))
                .stream().mapToLong(SparkProgress.Batch::numInputRows).sum() >= rows,
                Duration.ofMillis(500), timeout, spark);
    }

    /** For each batch with data: when its last result row was appended (or its end, if none is found). */
    private static long[] emitted(List<SparkProgress.Batch> data, long[] resultTimes) {
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
        return emitted;
    }

    private static LatencyPoint analyze(String profile, Phase ph, List<SparkProgress.Batch> data, long[] emitted,
                                        Map<Integer, long[]> appended) {
        List<Double> latencies = new ArrayList<>();
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        int unmatched = 0;
        Set<Integer> phaseBatches = new HashSet<>();
        for (Map.Entry<Integer, long[]> e : appended.entrySet()) {
            long first = ph.from().getOrDefault(e.getKey(), 0L);
            long[] ts = e.getValue();
            for (int k = 0; k < ts.length; k++) {
                int b = batchOf(data, e.getKey(), first + k);
                minTs = Math.min(minTs, ts[k]);
                maxTs = Math.max(maxTs, ts[k]);
                if (b < 0) {
                    unmatched++;
                } else {
                    phaseBatches.add(b);
                    latencies.add((double) (emitted[b] - ts[k]));
                }
            }
        }
        double achieved = maxTs > minTs ? latencies.size() / ((maxTs - minTs) / 1e3) : 0;
        double p50 = Stats.quantile(latencies, 0.5);
        double p95 = Stats.quantile(latencies, 0.95);
        double p99 = Stats.quantile(latencies, 0.99);
        boolean sustained = ph.caughtUp() && unmatched == 0 && !latencies.isEmpty() && p95 < Goals.LATENCY_P95_MS
                && achieved >= 0.9 * ph.rate();
        String note = ph.note() != null ? ph.note() : unmatched > 0 ? unmatched + " records in no batch of the "
                + "progress file" : achieved < 0.9 * ph.rate() ? String.format(Locale.ROOT,
                "producer reached %.0f of %.0f records/s", achieved, ph.rate()) : null;
        Lab.log("latency %s @ %.0f/s: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms over %d records%s", profile, ph.rate(),
                p50, p95, p99, latencies.size(), note == null ? "" : " (" + note + ")");
        return new LatencyPoint(profile, ph.rate(), achieved, latencies.size(), Results.num(p50), Results.num(p95),
                Results.num(p99), Results.num(Stats.quantile(latencies, 1.0)), phaseBatches.size(), sustained, note);
    }

    /** Index of the data batch whose offset range holds (partition, offset), or -1. */
    static int batchOf(List<SparkProgress.Batch> data, int partition, long offset) {
        int lo = 0;
        int hi = data.size() - 1;
        int found = -1;
        while (lo <= hi) { // first batch whose end offset is past the record
            int mid = (lo + hi) >>> 1;
            if (data.get(mid).endOffsets().getOrDefault(partition, -1L) > offset) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found >= 0 && offset >= data.get(found).startOffsets().getOrDefault(partition, 0L) ? found : -1;
    }

    /** Append times of the records in [from, to) of each partition, indexed by offset - from. */
    static Map<Integer, long[]> appendTimes(Lab lab, String topic, Map<Integer, Long> from,
                                                    Map<Integer, Long> to) {
        Map<Integer, long[]> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = CeilingClients.newConsumer(lab.broker.bootstrap())) {
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
                    Long t = remaining.get(r.partition());
                    if (t != null && r.offset() < t) {
                        long first = from.getOrDefault(r.partition(), 0L);
                        out.get(r.partition())[(int) (r.offset() - first)] = r.timestamp();
                    }
                }
                remaining.entrySet().removeIf(e -> c.position(new TopicPartition(topic, e.getKey())) >= e.getValue());
            }
        }
        return out;
    }
}
