package io.sfcrime.bench.study;

import io.sfcrime.bench.Goals;
import io.sfcrime.bench.Profiles.Profile;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.run.CpuProfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One more run each of the best Spark profile at the comparison batch size, our producer and Kafka's tool,
 * recorded with Java Flight Recorder: the report's "why" comes from these, not from guesses. The recorder costs a
 * few percent, so these runs' rates are not used anywhere else. Recordings stay in the work directory's
 * {@code profile/} for {@code jfr print} or JDK Mission Control.
 */
public final class CpuStudy implements Study {
    @Override
    public String name() {
        return "profile";
    }

    @Override
    public void run(Lab lab) throws IOException {
        Path dir = lab.dir("profile");
        Files.createDirectories(dir);
        Profile best = lab.best(Goals.COMPARISON_BATCH);
        Path sparkJfr = dir.resolve("spark-" + best.name() + ".jfr");
        Repetition spark = SparkSweep.run(lab, Lab.TOPIC, best, "profile/" + best.name(), 1, lab.reference,
                CpuProfile.recordingOptions(sparkJfr)).rep();
        add(lab, "spark:" + best.name(), lab.dir("spark/profile/" + best.name()), sparkJfr, spark,
                CpuProfile.SPARK_BUCKETS, CpuProfile.SPARK_THREADS, best.name());

        String topic = "profile-producer";
        lab.broker.createTopic(topic, lab.o.p(), false);
        Path producerJfr = dir.resolve("producer.jfr");
        Repetition producer = ProducerStudy.measure(lab, topic, 1, dir.resolve("producer"),
                CpuProfile.recordingOptions(producerJfr));
        lab.broker.deleteTopics(List.of(topic, topic + ".dlq"));
        add(lab, ProducerStudy.NAME, dir.resolve("producer"), producerJfr, producer, CpuProfile.PRODUCER_BUCKETS,
                CpuProfile.PRODUCER_THREADS, "the producer");

        if (lab.o.runs(ProducerStudy.NAME)) {
            Path toolJfr = dir.resolve("perf-tool.jfr");
            Repetition tool = ProducerStudy.measureTool(lab, "profile-perf-tool", 1, dir.resolve("perf-tool"),
                    CpuProfile.recordingOptions(toolJfr));
            add(lab, ProducerStudy.TOOL, dir.resolve("perf-tool"), toolJfr, tool, CpuProfile.PRODUCER_BUCKETS,
                    CpuProfile.PRODUCER_THREADS, "Kafka's tool");
        }
        lab.cpuProfiles.forEach(p -> Lab.log("profile %s: %d samples, process %.0f%% of the machine (machine %.0f%%);"
                        + " top: %s", p.name(), p.samples(), num(p.processCpuPercent()), num(p.machineCpuPercent()),
                p.buckets().stream().limit(4).map(b -> String.format(Locale.ROOT, "%s %.0f%%", b.name(), b.percent()))
                        .toList()));
    }

    private static void add(Lab lab, String name, Path runDir, Path jfr, Repetition rep,
                            List<CpuProfile.Bucket> buckets, List<CpuProfile.ThreadGroup> threads, String what) {
        if (rep.ok() && Files.exists(jfr)) {
            lab.cpuProfiles.add(CpuProfile.read(name, lab.o.rel(runDir), jfr, buckets, threads, lab.o.rel(jfr)));
        } else {
            lab.notes.add("CPU profile of " + what + " failed: " + rep.error());
        }
    }

    private static double num(Double d) {
        return d == null ? Double.NaN : d;
    }
}
