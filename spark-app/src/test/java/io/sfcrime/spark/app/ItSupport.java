package io.sfcrime.spark.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.RealData;
import io.sfcrime.common.gen.CallGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Shared by the ITs: inputs, loading a topic as raw bytes (invalid records included), running the app in-process. */
public final class ItSupport {
    public static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    public static final Path RADIO_CODES = ROOT.resolve("data/radio_code.json");

    private ItSupport() {
    }

    public static RadioCodes codes() {
        return RadioCodes.load(RADIO_CODES);
    }

    /** Records of the generated file: shuffled event times over 8 hours, 2% invalid of every kind. */
    public static List<byte[]> generated(long count, long seed) {
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(count).withSeed(seed)
                .withFormat(CallGenerator.Format.NDJSON).withOrder(CallGenerator.Order.SHUFFLED)
                .withInvalidFraction(0.02));
        List<byte[]> values = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            values.add(gen.recordBytes(i));
        }
        return values;
    }

    /**
     * What the generator of {@link #generated} made invalid, and why, by the key {@link #load} gives each record
     * (its index): an oracle that owes nothing to the validator the job uses.
     */
    public static Map<String, String> expectedReasons(long count, long seed) {
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(count).withSeed(seed)
                .withFormat(CallGenerator.Format.NDJSON).withOrder(CallGenerator.Order.SHUFFLED)
                .withInvalidFraction(0.02));
        Map<String, String> reasons = new HashMap<>();
        for (long i = 0; i < count; i++) {
            String reason = gen.expectedReasonAt(i);
            if (reason != null) {
                reasons.put(String.valueOf(i), reason);
            }
        }
        return reasons;
    }

    /**
     * The real sample's records, each re-serialised compactly (same fields and values); skips the test when the
     * sample is absent, fails it then under -Dreal.data.required=true ({@link RealData}).
     */
    public static List<byte[]> realSample() throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (JsonNode n : Json.MAPPER.readTree(RealData.require(RealData.SAMPLE).toFile())) {
            values.add(Json.MAPPER.writeValueAsBytes(n));
        }
        return values;
    }

    /**
     * Loads raw values with a plain producer: the project's producer would dead-letter invalid records itself, and the
     * point here is that Spark sees them.
     */
    public static void load(String bootstrap, String topic, List<byte[]> values) throws Exception {
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(Set.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, String.valueOf(i).getBytes(StandardCharsets.UTF_8),
                        values.get(i)));
            }
            producer.flush();
        }
    }

    public static Path tuning(Path dir, String name, long maxOffsetsPerTrigger) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "spark.sql.shuffle.partitions: 2\n"
                + "source.maxOffsetsPerTrigger: " + maxOffsetsPerTrigger + "\n"
                + "console.topN: 3\n");
        return file;
    }

    public static List<String> args(String bootstrap, String topic, Path dir, String name, Path tuning, String... extra) {
        return args(bootstrap, topic, topic + ".results", dir, name, tuning, extra);
    }

    /** The same with a results topic of the caller's choice (several jobs may share one). */
    public static List<String> args(String bootstrap, String topic, String resultsTopic, Path dir, String name,
                                    Path tuning, String... extra) {
        List<String> a = new ArrayList<>(List.of("--bootstrap", bootstrap, "--topic", topic,
                "--results-topic", resultsTopic, "--dead-letter-topic", topic + ".dlq",
                "--radio-codes", RADIO_CODES.toString(), "--checkpoint", dir.resolve(name + "-checkpoint").toString(),
                "--tuning", tuning.toString(), "--report", dir.resolve(name + "-report.json").toString(),
                "--progress-file", dir.resolve(name + "-progress.ndjson").toString(),
                "--ui-port", "0", "--master", "local[2]"));
        a.addAll(List.of(extra));
        return a;
    }

    /** Runs the app in this JVM; returns its exit code, output kept for assertion messages. */
    public static int runInProcess(List<String> args, StringBuilder output) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = new picocli.CommandLine(new SparkApp(out, out, new StopSignal())).execute(args.toArray(String[]::new));
        output.append(bytes.toString(StandardCharsets.UTF_8));
        return code;
    }

    public static JsonNode read(Path report) throws Exception {
        return Json.MAPPER.readTree(report.toFile());
    }
}
