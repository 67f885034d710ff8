package io.sfcrime.bench.study;

import io.sfcrime.bench.Profiles.Profile;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.Results.ScalingPoint;
import io.sfcrime.common.tuning.TuningKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The best profile and the ceiling on inputs of N = 1M/5M records, then at 10^2, 10^4, 10^5 distinct windows the
 * best profile on both state stores too: state grows with the windows, and the HDFS-backed store keeps every key on
 * the heap while RocksDB keeps them off it. Each point is checked against its own ceiling run.
 */
public final class ScalingStudy implements Study {
    static final String STATE_STORE_KEY = "spark.sql.streaming.stateStore.providerClass";
    static final String ROCKSDB_PROVIDER = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";

    @Override
    public String name() {
        return "scaling";
    }

    @Override
    public void run(Lab lab) throws IOException {
        Profile best = lab.best(null);
        Lab.log("scaling with profile %s", best.name());
        for (long n : lab.o.scalingRecords()) {
            point(lab, "records", List.of(best), n, 0);
        }
        long n = lab.o.scalingRecords().contains(lab.o.n()) ? lab.o.n() : Math.min(lab.o.n(), 1_000_000);
        for (int w : lab.o.scalingWindows()) {
            point(lab, "windows", List.of(best, withOtherStateStore(best)), n, w);
        }
    }

    /** {@code best} with RocksDB state, or with Spark's HDFS-backed default when {@code best} already uses RocksDB. */
    static Profile withOtherStateStore(Profile best) {
        Map<String, String> settings = new LinkedHashMap<>(best.settings());
        boolean rocks = ROCKSDB_PROVIDER.equals(settings.get(STATE_STORE_KEY));
        if (rocks) {
            settings.remove(STATE_STORE_KEY);
        } else {
            settings.put(STATE_STORE_KEY, ROCKSDB_PROVIDER);
        }
        return best.derive(best.name() + (rocks ? "+hdfs-state" : "+rocksdb"), best.group(), settings);
    }

    /** A profile as the scaling series runs it: with {@code windows} set, a watermark that keeps every window open. */
    private static Profile scalingProfile(Profile engine, int windows) {
        Map<String, String> settings = new LinkedHashMap<>(engine.settings());
        if (windows > 0) {
            // Shuffled over `windows` hours: keep every window open so nothing is late and state holds them all.
            settings.put(TuningKeys.WATERMARK_DELAY.name(), (windows / 24 + 2) + " days");
        }
        return engine.derive(engine.name(), "scaling", settings);
    }

    private static void point(Lab lab, String series, List<Profile> engines, long n, int windows) throws IOException {
        String id = series + "-n" + n + (windows > 0 ? "-w" + windows : "");
        Files.createDirectories(lab.dir("scaling"));
        Lab.Input input = Lab.Input.generate(lab.dir("scaling/" + id + ".ndjson"), lab.o.seed(), n, windows);
        String topic = "scale-" + id;
        lab.broker.createTopic(topic, lab.o.p(), false);
        String error = ProducerStudy.produce(lab, topic, input.file(), input.summary().valid(), 0,
                lab.dir("scaling/" + id + "-producer"), "").error();
        if (error != null) {
            lab.scaling.add(new ScalingPoint(series, "producer", n, windows, null, null, null, null, null, false,
                    error));
            return;
        }
        CeilingStudy.Outcome ceiling = CeilingStudy.run(lab, topic, scalingProfile(engines.get(0), windows),
                "scaling/" + id + "-ceiling", 1);
        lab.scaling.add(point(series, "ceiling", n, windows, ceiling.rep(), ceiling.distinctKeys(),
                ceiling.heapAfterGcMb()));
        Lab.Reference reference = new Lab.Reference(ceiling.counts(), ceiling.lateHazard());
        for (int i = 0; i < engines.size(); i++) {
            Profile p = scalingProfile(engines.get(i), windows);
            SparkSweep.Outcome s = SparkSweep.run(lab, topic, p, "scaling/" + id + (i == 0 ? "" : "-" + (i + 1)),
                    1, ceiling.counts() == null ? null : reference, "");
            lab.scaling.add(point(series, "spark:" + p.name(), n, windows, s.rep(), s.rep().counts().stateRows(),
                    s.heapAfterGcMb()));
        }
        lab.broker.deleteTopics(List.of(topic, topic + ".dlq"));
        Files.deleteIfExists(input.file());
    }

    private static ScalingPoint point(String series, String engine, long n, int windows, Repetition r, Long keys,
                                      double heapAfterGcMb) {
        return new ScalingPoint(series, engine, n, windows, r.rate().rowsPerSecond(), r.rate().drainSeconds(), keys,
                r.memory().peakHeapMb(), Results.num(heapAfterGcMb), r.ok(), r.error());
    }
}
