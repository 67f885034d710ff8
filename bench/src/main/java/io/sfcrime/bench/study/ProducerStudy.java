package io.sfcrime.bench.study;

import io.sfcrime.bench.BenchOptions;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.Results.Run;
import io.sfcrime.bench.Stats;
import io.sfcrime.bench.run.Child;
import io.sfcrime.common.gen.CallGenerator;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bin/producer against Kafka's {@code ProducerPerformance} on the same broker, records and client settings, R
 * times each; who goes first alternates by repetition, so that a broker still warming up, or a log segment roll,
 * favours neither. Repetition 1 of ours loads {@link Lab#TOPIC}, which every later study reads, so this study
 * always runs; skipped, it is that one load.
 */
public final class ProducerStudy implements Study {
    static final String NAME = "producer";
    static final String TOOL = "kafka-perf-tool";
    /**
     * Our producer's client settings (io.sfcrime.producer.ProducerClients), so that the comparison isolates what
     * our producer does around the client: reading and validating the file.
     */
    static final Map<String, String> TOOL_PROPS = Map.of("acks", "all", "enable.idempotence", "true",
            "compression.type", "lz4", "linger.ms", "10", "batch.size", "65536",
            "max.in.flight.requests.per.connection", "5", "buffer.memory", "33554432");
    private static final Pattern TOOL_FINAL = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");
    private static final long BROKER_WARMUP_RECORDS = 300_000;
    private static final int TOOL_PAYLOADS = 100_000;

    /** What bin/producer's --summary-json says. */
    record Summary(long sent, long invalid, double seconds) {
    }

    /** {@code error} is null when the producer exited with 0 and sent the expected valid records. */
    record Outcome(String error, Summary summary, Child child, Child.GcHeap heap) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean enabled(BenchOptions o) {
        return true;
    }

    @Override
    public void run(Lab lab) throws IOException {
        boolean compare = lab.o.runs(NAME);
        if (compare) {
            // Kafka's tool, not measured, through a scratch topic: both producers then meet a broker whose own code
            // is JIT-compiled, rather than ours (first, as it loads the topic) paying for the fresh broker's warm-up.
            long records = Math.min(lab.input.summary().records(), BROKER_WARMUP_RECORDS);
            lab.broker.createTopic("broker-warmup", lab.o.p(), false);
            String error = startTool(lab, "broker-warmup", records, lab.dir("broker-warmup"), "")
                    .await(lab.o.runTimeout());
            Lab.log("broker warm-up: %d records through Kafka's tool, not measured%s", records,
                    error == null ? "" : " (ignored: " + error + ")");
            lab.broker.deleteTopics(List.of("broker-warmup"));
        }
        List<Repetition> ours = new ArrayList<>();
        List<Repetition> tool = new ArrayList<>();
        for (int rep = 1; rep <= (compare ? lab.o.r() : 1); rep++) {
            String topic = rep == 1 ? Lab.TOPIC : Lab.TOPIC + "-p" + rep;
            lab.broker.createTopic(topic, lab.o.p(), false);
            boolean toolFirst = rep % 2 == 0;
            if (compare && toolFirst) {
                tool.add(measureTool(lab, "perf-tool-" + rep, rep, lab.dir("perf-tool/r" + rep), ""));
            }
            ours.add(measure(lab, topic, rep, lab.dir("producer/r" + rep), ""));
            if (rep == 1 && !ours.get(0).ok()) {
                throw new IllegalStateException("bin/producer could not load the benchmark topic: "
                        + ours.get(0).error());
            }
            if (rep > 1) {
                lab.broker.deleteTopics(List.of(topic, topic + ".dlq"));
            }
            if (compare && !toolFirst) {
                tool.add(measureTool(lab, "perf-tool-" + rep, rep, lab.dir("perf-tool/r" + rep), ""));
            }
        }
        lab.runs.add(Run.of(NAME, NAME, NAME, "bin/producer (file scan, validation, acks=all, idempotent, lz4, "
                + "linger 10 ms)", null, null, Map.of(), ours));
        if (!tool.isEmpty()) {
            lab.runs.add(Run.of(TOOL, NAME, NAME, "org.apache.kafka.tools.ProducerPerformance, same broker, records "
                    + "and client settings", null, null, TOOL_PROPS, tool));
        }
    }

    /** One measured run of the input into {@code topic}; the rate is over every record read from the file. */
    static Repetition measure(Lab lab, String topic, int rep, Path dir, String javaOpts) {
        CallGenerator.Summary in = lab.input.summary();
        Outcome out = produce(lab, topic, lab.input.file(), in.valid(), 0, dir, javaOpts);
        String error = out.error();
        if (error == null && out.summary().invalid() != in.invalid()) {
            error = "sent " + out.summary().invalid() + " invalid records to the dead-letter topic, the input has "
                    + in.invalid();
        }
        long inTopic = error == null ? lab.broker.endOffsetSum(topic) : in.valid();
        if (inTopic != in.valid()) {
            error = "topic holds " + inTopic + " records, expected " + in.valid();
        }
        double seconds = out.summary().seconds();
        double rate = Stats.ratio(in.records(), seconds);
        double mb = Stats.ratio(in.bytes() / 1e6, seconds);
        Lab.log("producer r%d: %s", rep, error == null ? String.format(Locale.ROOT, "%.0f records/s, %.1f MB/s, "
                + "%.1f s", rate, mb, seconds) : "FAILED " + error);
        return new Repetition(rep, error, lab.o.rel(out.child().log()), Results.Rate.of(in.records(), rate, rate,
                seconds, out.child().wallSeconds(), mb), Results.Memory.of(out.child().peakRssMb(),
                out.heap().peakMb()), Results.Batches.NONE, Results.Counts.NONE);
    }

    /**
     * One bin/producer run of a file into a topic, its invalid records into the topic's dead-letter topic;
     * {@code rate} > 0 paces it (records/s), {@code javaOpts} are added to its JVM's.
     */
    static Outcome produce(Lab lab, String topic, Path file, long expectedValid, double rate, Path dir,
                           String javaOpts) {
        Path summary = dir.resolve("summary.json");
        Path gcLog = dir.resolve("gc.log");
        List<String> cmd = new ArrayList<>(List.of(lab.o.bin("producer").toString(), "--bootstrap",
                lab.broker.bootstrap(), "--topic", topic, "--dead-letter-topic", topic + ".dlq", "--input",
                file.toString(), "--partitions", Integer.toString(lab.o.p()), "--summary-json", summary.toString()));
        if (rate > 0) {
            cmd.addAll(List.of("--rate", Double.toString(rate)));
        }
        Child c = Child.start(NAME, cmd, Map.of("JAVA_OPTS", ("-Xlog:gc:file=" + gcLog + " " + javaOpts).trim()),
                lab.o.root(), dir.resolve("producer.log"));
        String error = c.await(lab.o.runTimeout());
        Summary s = new Summary(-1, -1, Double.NaN);
        try {
            s = error == null ? Results.MAPPER.readValue(summary.toFile(), Summary.class) : s;
        } catch (IOException e) {
            error = "no summary: " + e.getMessage();
        }
        if (error == null && s.sent() != expectedValid) {
            error = "sent " + s.sent() + " valid records, expected " + expectedValid;
        }
        return new Outcome(error, s, c, Child.GcHeap.read(gcLog));
    }

    /**
     * Starts Kafka's tool (from kafka-local's class path) sending {@code records} random picks of the input's first
     * lines into {@code topic}; {@code jvmOption} may be empty.
     */
    static Child startTool(Lab lab, String topic, long records, Path dir, String jvmOption) throws IOException {
        Path payloads = lab.dir("perf-payloads.txt");
        if (!Files.exists(payloads)) {
            try (BufferedReader in = Files.newBufferedReader(lab.input.file(), StandardCharsets.ISO_8859_1);
                 BufferedWriter w = Files.newBufferedWriter(payloads, StandardCharsets.ISO_8859_1)) {
                String line;
                for (int n = 0; n < TOOL_PAYLOADS && (line = in.readLine()) != null; n++) {
                    w.write(line + "\n");
                }
            }
        }
        List<String> cmd = new ArrayList<>(List.of(Lab.javaBin(), "-Xlog:gc:file=" + dir.resolve("gc.log")));
        if (!jvmOption.isEmpty()) {
            cmd.add(jvmOption);
        }
        cmd.addAll(List.of("-cp", lab.o.root().resolve("kafka-local/target/lib") + "/*",
                "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", Long.toString(records),
                "--payload-file", payloads.toString(), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + lab.broker.bootstrap()));
        TOOL_PROPS.forEach((k, v) -> cmd.add(k + "=" + v));
        return Child.start(TOOL, cmd, Map.of(), lab.o.root(), dir.resolve("perf-tool.log"));
    }

    /** One measured run of Kafka's tool: as many records as the input has, into a scratch topic of its own. */
    static Repetition measureTool(Lab lab, String topic, int rep, Path dir, String jvmOption) throws IOException {
        long records = lab.input.summary().records();
        lab.broker.createTopic(topic, lab.o.p(), false);
        Child c = startTool(lab, topic, records, dir, jvmOption);
        String error = c.await(lab.o.runTimeout());
        lab.broker.deleteTopics(List.of(topic));
        double rate = Double.NaN;
        if (error == null) {
            Matcher m = TOOL_FINAL.matcher(Files.readString(c.log()));
            long sent = -1;
            while (m.find()) { // the last match is the tool's final line
                sent = Long.parseLong(m.group(1));
                rate = Double.parseDouble(m.group(2));
            }
            error = sent == -1 ? "no final line in " + c.log()
                    : sent != records ? "sent " + sent + " of " + records : null;
        }
        // The tool's MB/s counts its payloads; they are lines of the same input, so the mean size is the input's.
        double mb = rate * lab.input.meanRecordBytes() / 1e6;
        Lab.log("%s r%d: %s", TOOL, rep, error == null ? String.format(Locale.ROOT, "%.0f records/s, %.1f MB/s", rate,
                mb) : "FAILED " + error);
        return new Repetition(rep, error, lab.o.rel(c.log()), Results.Rate.of(records, rate, rate,
                Stats.ratio(records, rate), c.wallSeconds(), mb), Results.Memory.of(c.peakRssMb(),
                Child.GcHeap.read(dir.resolve("gc.log")).peakMb()), Results.Batches.NONE, Results.Counts.NONE);
    }
}
