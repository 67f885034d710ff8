package io.sfcrime.bench.report;

import io.sfcrime.bench.Results.LatencyPoint;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.Stats;
import io.sfcrime.bench.streams.PeerSettings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import static io.sfcrime.bench.report.Numbers.medianOf;
import static io.sfcrime.bench.report.Numbers.n0;
import static io.sfcrime.bench.report.Numbers.n1;
import static io.sfcrime.bench.report.Numbers.rate;
import static io.sfcrime.bench.report.Numbers.x;

/**
 * "Kafka Streams as a peer": the peer's drain and latency beside the best Spark profile's, and where Spark stands
 * against it, every number read from the results. Absent when the peer did not run.
 */
final class PeerSection {
    static final String KIND = "kafka-streams";

    private final Numbers n;

    PeerSection(Numbers n) {
        this.n = n;
    }

    void write(StringBuilder md, String img) {
        Optional<Run> peer = n.r.runs().stream().filter(x -> KIND.equals(x.kind())).findFirst();
        List<LatencyPoint> peerLatency = n.latencyByProfile().getOrDefault(KIND, List.of());
        if (peer.isEmpty() && peerLatency.isEmpty()) {
            return;
        }
        md.append("## Kafka Streams as a peer\n\n");
        md.append("The same hourly counts as a Kafka Streams application (`bench/…/streams`, a child JVM with "
                + "-Xmx2g like the ceiling): common's `CallScanner` per record, the ceiling's window assignment, "
                + "counts by crime type and by crime type × disposition in an in-memory store with a changelog, "
                + "the radio-code description from the static table, every updated count written to a results "
                + "topic. Exactly-once (v2), 2 stream threads for the 2 partitions. Its final counts, read back "
                + "from the results topic, are checked against the ceiling's row by row like every Spark run. "
                + "Throughput settings: 64 MiB record cache, commit every 1 s; latency settings: no cache (one "
                + "result row per update), commit every 100 ms.\n\n");
        Optional<Run> best = n.best(null);
        peer.ifPresent(p -> throughput(md, p, best));
        latency(md, peerLatency);
        verdict(md, peer, best, peerLatency);
    }

    private void throughput(StringBuilder md, Run peer, Optional<Run> best) {
        md.append("| run | rows/s after warm-up | rows/s over the drain | drain s | × ceiling | peak RSS / heap MB "
                + "| valid |\n|---|---|---|---|---|---|---|\n");
        double ceiling = rate(n.ceiling());
        List<Run> rows = new ArrayList<>();
        rows.add(peer);
        best.ifPresent(rows::add);
        for (Run x : rows) {
            md.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %s | %s | %s / %s | %s |%n", x.name(),
                    x.valid() ? n0(x.rowsPerSecond()) : "~~" + n0(x.rowsPerSecond()) + "~~",
                    n0(medianOf(x, r -> r.rate().rowsPerSecondOverall())), n1(medianOf(x, r -> r.rate().drainSeconds())),
                    x(Stats.ratio(x.valid() && x.rowsPerSecond() != null ? x.rowsPerSecond() : Double.NaN, ceiling)),
                    n0(medianOf(x, r -> r.memory().peakRssMb())), n0(medianOf(x, r -> r.memory().peakHeapMb())),
                    x.valid() ? "yes" : "**NO**: " + x.invalidReason()));
        }
        md.append("\nThe peer's \"after warm-up\" rate is the input records after the first twentieth (1k–50k) over "
                + "the time from that point to the commit of the last counts; \"over the drain\" the same from "
                + "the first record. For Spark they are the median processedRowsPerSecond of its batches after "
                + "the first, and all rows over the first batch's start to the last batch's end.\n\n");
    }

    /** Per rate: the peer and, of the Spark latency profiles, the one with the lowest p95 at that rate. */
    private void latency(StringBuilder md, List<LatencyPoint> peer) {
        if (peer.isEmpty()) {
            md.append("Latency: the peer was not measured in this run.\n\n");
            return;
        }
        md.append("| rows/s | Kafka Streams p50 / p95 / p99 ms | sustained | best Spark at that rate | Spark p50 / "
                + "p95 / p99 ms | sustained |\n|---|---|---|---|---|---|\n");
        for (LatencyPoint k : peer) {
            Optional<LatencyPoint> s = sparkAt(k.targetRate());
            md.append(String.format(Locale.ROOT, "| %s | %s / %s / %s | %s | %s | %s | %s |%n", n0(k.targetRate()),
                    n0(k.p50Ms()), n0(k.p95Ms()), n0(k.p99Ms()), yes(k), s.map(l -> "`" + l.profile() + "`")
                            .orElse("–"), s.map(l -> n0(l.p50Ms()) + " / " + n0(l.p95Ms()) + " / " + n0(l.p99Ms()))
                            .orElse("–"), s.map(PeerSection::yes).orElse("–")));
        }
        md.append("\nThe peer's latency of a record: the broker append time of the last result row its update wrote "
                + "(each row names the input record it was emitted for) minus the record's append time to the "
                + "input topic, both LogAppendTime. With exactly-once those rows become visible to a committed "
                + "reader at the transaction's commit, up to the 100 ms commit interval later.\n\n");
    }

    private static String yes(LatencyPoint l) {
        return (l.sustained() ? "yes" : "no") + (l.note() == null ? "" : " (" + l.note() + ")");
    }

    private Optional<LatencyPoint> sparkAt(double rate) {
        return n.r.latency() == null ? Optional.empty() : n.r.latency().stream()
                .filter(l -> !KIND.equals(l.profile()) && l.targetRate() == rate && l.p95Ms() != null)
                .min(Comparator.comparingDouble(LatencyPoint::p95Ms));
    }

    /** Where Spark stands, from the numbers above. */
    private void verdict(StringBuilder md, Optional<Run> peer, Optional<Run> best, List<LatencyPoint> peerLatency) {
        List<String> s = new ArrayList<>();
        if (peer.isPresent() && peer.get().valid() && best.isPresent()) {
            Run p = peer.get();
            Run b = best.get();
            double ratio = Stats.ratio(b.rowsPerSecond(), p.rowsPerSecond());
            Double drainRatio = ratioOf(medianOf(b, r -> r.rate().rowsPerSecondOverall()),
                    medianOf(p, r -> r.rate().rowsPerSecondOverall()));
            s.add(String.format(Locale.ROOT, "Throughput: the best Spark profile `%s` runs at %s the peer's rate "
                    + "after warm-up (%s vs %s rows/s) and %s over the whole drain.", b.name(), x(ratio),
                    n0(b.rowsPerSecond()), n0(p.rowsPerSecond()), drainRatio == null ? "–" : x(drainRatio)));
            s.add(String.format(Locale.ROOT, "Spark does the work a micro-batch at a time: each batch is planned "
                    + "on the driver, runs its tasks, loads and commits a version of the state store and writes its "
                    + "output, a fixed cost per batch that only large batches amortise: %s Kafka Streams does "
                    + "it a record at a time on its %d stream threads, one per partition, with no planning and no "
                    + "per-batch state version: an update is a put into a sorted in-memory map, folded by the record "
                    + "cache until the next commit. It pays elsewhere: every valid record crosses the broker twice "
                    + "more (two repartition records written and read back, in transactions), where Spark's shuffle "
                    + "stays in its process.", Numbers.phases(b), PeerSettings.STREAM_THREADS));
        }
        if (!peerLatency.isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (LatencyPoint k : peerLatency) {
                sparkAt(k.targetRate()).filter(l -> k.p95Ms() != null).ifPresent(l -> parts.add(String.format(
                        Locale.ROOT, "%s rows/s: p95 %s ms vs %s ms (%s)", n0(k.targetRate()), n0(l.p95Ms()),
                        n0(k.p95Ms()), x(Stats.ratio(l.p95Ms(), k.p95Ms())))));
            }
            if (!parts.isEmpty()) {
                s.add("Latency, Spark's best p95 vs the peer's: " + String.join("; ", parts) + ". A Spark record "
                        + "waits for the batch in flight and then for its own, so its latency is at least a batch "
                        + "duration; the peer's is the time to process it and append its rows, so per-record "
                        + "processing wins on latency whenever Spark's batch takes longer than that.");
            }
        }
        if (!s.isEmpty()) {
            md.append(String.join(" ", s)).append("\n\n");
        }
    }

    private static Double ratioOf(Double a, Double b) {
        return a == null || b == null || b == 0 || Objects.isNull(a) ? null : a / b;
    }
}
